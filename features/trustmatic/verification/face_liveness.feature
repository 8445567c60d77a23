@face-liveness
Feature: Face liveness
  POST /api/v1/face/liveness judges whether one picture shows a live face. The picture is
  Base64 of the file or a data: URI. Every outcome of the check is HTTP 200 with "hasError"; a
  check that ran answers a "score" from 0 to 1, passed when it is at least the default
  threshold 0.8. A picture that is missing or unreadable is MISSING_FACE_IMAGE, a picture
  without a face FACE_NOT_FOUND.

  Scenario: A live face passes
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score passes the threshold
    And the answer repeats the session id

  Scenario: A presentation attack does not pass
    When I check the liveness of the face "alice-spoof.jpg"
    Then the score is below the threshold
    And the answer repeats the session id

  Scenario: A picture without a face is FACE_NOT_FOUND
    When I check the liveness of the face "no-face.png"
    Then the answer is the error "FACE_NOT_FOUND"
    And the answer repeats the session id

  Scenario: The documents' example, a data URI declaring PNG for a JPEG, is read
    When I check the liveness of the face "alice-selfie.jpg as a data URI declared image/png"
    Then the score passes the threshold

  Scenario: A face in plain Base64 is read
    When I check the liveness of the face "bob-selfie.jpg"
    Then the score passes the threshold

  Scenario: The same picture always gets the same score
    When I check the liveness of the face "alice-selfie.jpg"
    And I send the same request again
    Then the last two answers are the same

  Scenario: Fields the liveness check does not know are ignored
    When I send this face liveness request:
      | sessionId     | (the session id) |
      | faceImageBase | alice-selfie.jpg |
      | options.mode  | "strict"         |
    Then the score passes the threshold

  @decision
  Scenario: Of several faces the largest is judged
    When I check the liveness of the face "many-faces.png"
    Then the score passes the threshold

  @decision
  Scenario: Without a session id the liveness answer has none
    When I send this face liveness request:
      | faceImageBase | alice-selfie.jpg |
    Then the score passes the threshold
    And the answer has no "sessionId"

  @decision
  Scenario: An https:// URL is not fetched
    When I send this face liveness request:
      | sessionId     | (the session id)                    |
      | faceImageBase | https://127.0.0.1:9/alice-selfie.jpg |
    Then the answer is the error "MISSING_FACE_IMAGE"

  Scenario Outline: A face picture that is <what> is MISSING_FACE_IMAGE
    When I send this face liveness request:
      | sessionId     | (the session id) |
      | faceImageBase | <picture>        |
    Then the answer is the error "MISSING_FACE_IMAGE"
    And the answer repeats the session id

    Examples:
      | what                 | picture          |
      | left out             | (omitted)        |
      | null                 | null             |
      | empty                | ""               |
      | not Base64           | ***not Base64*** |
      | Base64 of plain text | not-media.txt    |
      | Base64 of a cut PNG  | corrupt.png      |
      | an MP4 video         | alice-selfie.mp4 |

    @marker
    Examples:
      | what                               | picture                                 |
      | marked with an invalid marker      | bad-marker.png                          |
      | marked with a score out of range   | a picture marked liveness_score=1.5     |

  @marker
  Scenario: A live face scores from 0.9 to 1
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score is from 0.9 to 1

  @marker
  Scenario: A presentation attack scores below 0.1
    When I check the liveness of the face "alice-spoof.jpg"
    Then the score is below 0.1

  @marker
  Scenario Outline: A picture marked liveness_score=<score> scores exactly <score>
    When I check the liveness of the face "a picture marked subject=alice;liveness_score=<score>"
    Then the score is <score>

    Examples:
      | score     |
      | 0         |
      | 0.42      |
      | 0.7999999 |
      | 0.8       |
      | 1         |

  @marker
  Scenario: A forced score at the threshold passes and just below it does not
    When I check the liveness of the face "a picture marked subject=alice;liveness_score=0.8"
    Then the score passes the threshold
    When I check the liveness of the face "a picture marked subject=alice;liveness_score=0.7999999"
    Then the score is below the threshold
