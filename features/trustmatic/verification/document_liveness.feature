@document-liveness
Feature: Document liveness
  POST /api/v1/document/liveness judges whether pictures of a document's front side and,
  optionally, its back side show a genuine document. Every outcome of the check is HTTP 200 with
  "hasError"; a check that ran answers a "score" from 0 to 1, the lower of the two sides,
  passed when it is at least the default threshold 0.5. In order of precedence: a front side
  missing or unreadable is MISSING_FRONT_SIDE_IMAGE, a back side given but unreadable
  MISSING_BACK_SIDE_IMAGE, a side whose document is too small DOCUMENT_TOO_SMALL, a side whose
  document is cut by the picture's edge DOCUMENT_CROPPED.

  Scenario: A genuine front side passes
    When I check the liveness of the document "document-front.jpg"
    Then the score passes the threshold
    And the answer repeats the session id

  Scenario: A genuine document with both sides passes
    When I check the liveness of the document "document-front.jpg" with the back "document-back.jpg"
    Then the score passes the threshold

  Scenario: A spoofed document does not pass
    When I check the liveness of the document "document-spoof.jpg"
    Then the score is below the threshold

  Scenario: A spoofed back side fails the document
    When I check the liveness of the document "document-front.jpg" with the back "document-spoof.jpg"
    Then the score is below the threshold

  Scenario: Document sides as data URIs are read
    When I check the liveness of the document "document-front.jpg as a data URI" with the back "document-back.jpg as a data URI"
    Then the score passes the threshold

  Scenario: A null back side counts as left out
    When I send this document liveness request:
      | sessionId          | (the session id)   |
      | frontSideImageBase | document-front.jpg |
      | backSideImageBase  | null               |
    Then the score passes the threshold

  Scenario: The same document always gets the same score
    When I check the liveness of the document "document-front.jpg" with the back "document-back.jpg"
    And I send the same request again
    Then the last two answers are the same

  Scenario Outline: <what> is <error>
    When I send this document liveness request:
      | sessionId          | (the session id) |
      | frontSideImageBase | <front>          |
      | backSideImageBase  | <back>           |
    Then the answer is the error "<error>"
    And the answer repeats the session id

    Examples:
      | what                                           | front                  | back                   | error                    |
      | A request without pictures                     | (omitted)              | (omitted)              | MISSING_FRONT_SIDE_IMAGE |
      | A back side without its front side             | (omitted)              | document-back.jpg      | MISSING_FRONT_SIDE_IMAGE |
      | An empty front side                            | ""                     | (omitted)              | MISSING_FRONT_SIDE_IMAGE |
      | A front side that is not Base64                | ***not Base64***       | (omitted)              | MISSING_FRONT_SIDE_IMAGE |
      | An unreadable front side                       | corrupt.png            | document-back.jpg      | MISSING_FRONT_SIDE_IMAGE |
      | A front side that is a video                   | alice-selfie.mp4       | (omitted)              | MISSING_FRONT_SIDE_IMAGE |
      | A missing front side and an unreadable back    | (omitted)              | corrupt.png            | MISSING_FRONT_SIDE_IMAGE |
      | An unreadable back side                        | document-front.jpg     | corrupt.png            | MISSING_BACK_SIDE_IMAGE  |
      | A back side that is not Base64                 | document-front.jpg     | %%%%                   | MISSING_BACK_SIDE_IMAGE  |
      | A too small front and an unreadable back       | document-too-small.jpg | not-media.txt          | MISSING_BACK_SIDE_IMAGE  |
      | A too small front side                         | document-too-small.jpg | (omitted)              | DOCUMENT_TOO_SMALL       |
      | A too small back side                          | document-front.jpg     | document-too-small.jpg | DOCUMENT_TOO_SMALL       |
      | A too small front and a cropped back           | document-too-small.jpg | document-cropped.jpg   | DOCUMENT_TOO_SMALL       |
      | A cropped front side                           | document-cropped.jpg   | (omitted)              | DOCUMENT_CROPPED         |
      | A cropped back side                            | document-front.jpg     | document-cropped.jpg   | DOCUMENT_CROPPED         |
      | A cropped front and a spoofed back             | document-cropped.jpg   | document-spoof.jpg     | DOCUMENT_CROPPED         |

  Rule: documentImageBase is the front side of the single-picture variant

    @decision
    Scenario: A document picture in documentImageBase is read as the front side
      When I send this document liveness request:
        | sessionId         | (the session id)   |
        | documentImageBase | document-front.jpg |
      Then the score passes the threshold

    @decision
    Scenario: A cropped document in documentImageBase is DOCUMENT_CROPPED
      When I send this document liveness request:
        | sessionId         | (the session id)     |
        | documentImageBase | document-cropped.jpg |
      Then the answer is the error "DOCUMENT_CROPPED"

    @decision @errors
    Scenario: documentImageBase with frontSideImageBase is refused
      When I send this document liveness request:
        | sessionId          | (the session id)   |
        | frontSideImageBase | document-front.jpg |
        | documentImageBase  | document-front.jpg |
      Then the request is refused with status 400 and the error "INVALID_REQUEST"
      And the answer repeats the session id

  Rule: Scores the deterministic matcher gives

    @marker
    Scenario: A genuine document scores from 0.9 to 1
      When I check the liveness of the document "document-front.jpg" with the back "document-back.jpg"
      Then the score is from 0.9 to 1

    @marker
    Scenario: A picture without a document marker is judged genuine
      When I check the liveness of the document "plain-photo.png"
      Then the score is from 0.9 to 1

    @marker
    Scenario Outline: A <what> scores below 0.1
      When I check the liveness of the document "<front>"
      Then the score is below 0.1

      Examples:
        | what                                   | front              |
        | document marked document=spoof         | document-spoof.jpg |
        | picture marked liveness=spoof          | alice-spoof.jpg    |

    @marker
    Scenario Outline: With sides scoring <front> and <back> the document scores <lower>
      When I check the liveness of the document "a picture marked document=genuine;liveness_score=<front>" with the back "a picture marked document=genuine;liveness_score=<back>"
      Then the score is <lower>

      Examples:
        | front | back | lower |
        | 0.6   | 0.3  | 0.3   |
        | 0.3   | 0.6  | 0.3   |
        | 0.5   | 1    | 0.5   |

    @marker
    Scenario: A spoofed back side gives the document its low score
      When I check the liveness of the document "document-front.jpg" with the back "document-spoof.jpg"
      Then the score is below 0.1

    @marker
    Scenario: An unknown document value makes the side unreadable
      When I check the liveness of the document "a picture marked document=torn"
      Then the answer is the error "MISSING_FRONT_SIDE_IMAGE"
