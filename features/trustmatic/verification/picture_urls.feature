@same-host
Feature: Liveness pictures at a URL
  The liveness pictures may also be an http:// URL that the service fetches ("Base64 format or
  URL link to it"). The suite serves these pictures itself on 127.0.0.1, so the service must run
  on the same host as the suite.

  Scenario: A face picture at a URL is fetched and judged live
    When I check the liveness of the face "alice-selfie.jpg at a URL"
    Then the score passes the threshold
    And the picture was fetched

  Scenario: A presentation attack at a URL does not pass
    When I check the liveness of the face "alice-spoof.jpg at a URL"
    Then the score is below the threshold

  Scenario: A picture without a face at a URL is FACE_NOT_FOUND
    When I check the liveness of the face "no-face.png at a URL"
    Then the answer is the error "FACE_NOT_FOUND"

  Scenario: Both sides of a document at URLs are fetched
    When I check the liveness of the document "document-front.jpg at a URL" with the back "document-back.jpg at a URL"
    Then the score passes the threshold
    And 2 pictures were fetched

  Scenario: A cropped document side at a URL is DOCUMENT_CROPPED
    When I check the liveness of the document "document-front.jpg" with the back "document-cropped.jpg at a URL"
    Then the answer is the error "DOCUMENT_CROPPED"

  @decision
  Scenario: A face picture URL that answers 404 is MISSING_FACE_IMAGE
    When I check the liveness of the face "a missing picture at a URL"
    Then the answer is the error "MISSING_FACE_IMAGE"
    And the picture was fetched

  @decision
  Scenario: A front side URL that answers 404 is MISSING_FRONT_SIDE_IMAGE
    When I check the liveness of the document "a missing picture at a URL" with the back "document-back.jpg"
    Then the answer is the error "MISSING_FRONT_SIDE_IMAGE"

  @decision
  Scenario: A URL to something that is not a picture is MISSING_FACE_IMAGE
    When I check the liveness of the face "not-media.txt at a URL"
    Then the answer is the error "MISSING_FACE_IMAGE"

  @marker
  Scenario: A forced score reaches the service through a URL
    When I check the liveness of the face "a picture marked subject=alice;liveness_score=0.25 at a URL"
    Then the score is 0.25
