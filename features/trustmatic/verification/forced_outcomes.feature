@control @forced-outcomes
Feature: Outcomes forced through the control API
  facesim's control API arms an outcome for the next matching calls
  (POST {control}/trustmatic/outcomes): an error or a score, for one operation or any, for the
  calls of one session or any, for one call or "times" calls. The oldest armed outcome that
  matches answers first, and the call's pictures are not read. Only a simulator has such an API:
  these scenarios need --control.

  @simulated-fault
  Scenario: An internal error forced for a session answers its next verification
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "error": "INTERNAL_ERROR"}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the answer is the error "INTERNAL_ERROR"
    And the answer repeats the session id
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold

  @simulated-fault
  Scenario: An outcome without an operation answers any operation of the session
    Given the control API arms for the session:
      """
      {"error": "INTERNAL_ERROR"}
      """
    When I check the liveness of the document "document-front.jpg"
    Then the answer is the error "INTERNAL_ERROR"

  Scenario: An outcome armed for a session leaves other sessions alone
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "score": 5}
      """
    When I use a new session id
    And I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold
    And the armed outcome is listed
    When I disarm the armed outcome
    Then the armed outcome is not listed

  Scenario: An outcome armed for one operation leaves the others alone
    Given the control API arms for the session:
      """
      {"operation": "face_liveness", "score": 0.1}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score is 0.1

  Scenario: A forced verification score is answered as an integer
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "score": 26}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score is 26
    And the score is below the threshold

  Scenario: A forced score answers as many calls as armed
    Given the control API arms for the session:
      """
      {"operation": "face_liveness", "score": 0.42, "times": 2}
      """
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score is 0.42
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score is 0.42
    When I check the liveness of the face "alice-selfie.jpg"
    Then the score passes the threshold

  Scenario: The pictures of a forced call are not read
    Given the control API arms for the session:
      """
      {"operation": "face_liveness", "score": 0.5}
      """
    When I check the liveness of the face "***not Base64***"
    Then the score is 0.5

  Scenario: A forced error code of the operation is answered in-band
    Given the control API arms for the session:
      """
      {"operation": "document_liveness", "error": "DOCUMENT_CROPPED"}
      """
    When I check the liveness of the document "document-front.jpg"
    Then the answer is the error "DOCUMENT_CROPPED"
    And the answer repeats the session id

  Scenario: The oldest armed outcome answers first
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "error": "PROBE_FACE_NOT_FOUND"}
      """
    And the control API arms for the session:
      """
      {"operation": "face_verify", "score": 30}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the answer is the error "PROBE_FACE_NOT_FOUND"
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score is 30

  Scenario: A call that is refused does not use the outcome
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "score": 30}
      """
    When I use no credentials
    And I send a valid face verification request
    Then the request is unauthorized with a Basic challenge
    When I use the main credentials
    And I send this face verification request:
      | sessionId | (the session id) |
      | probe     | 5                |
    Then the request is refused with status 400 and the error "INVALID_REQUEST"
    When I send a valid face verification request
    Then the score is 30

  Scenario: An armed outcome is listed until it is used
    Given the control API arms for the session:
      """
      {"operation": "face_liveness", "error": "FACE_NOT_FOUND"}
      """
    Then the armed outcome is listed
    When I check the liveness of the face "alice-selfie.jpg"
    Then the answer is the error "FACE_NOT_FOUND"
    And the armed outcome is not listed

  Scenario: A disarmed outcome answers nothing
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "error": "INTERNAL_ERROR"}
      """
    When I disarm the armed outcome
    Then the armed outcome is not listed
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold

  @serial
  Scenario: An outcome armed for any session answers the next call of its operation
    Given the control API arms for any session:
      """
      {"operation": "document_liveness", "score": 0.3}
      """
    When I check the liveness of the document "document-front.jpg"
    Then the score is 0.3
    And the armed outcome is not listed

  @serial
  Scenario: Disarming every outcome disarms the session's
    Given the control API arms for the session:
      """
      {"operation": "face_verify", "error": "INTERNAL_ERROR", "times": 3}
      """
    When I disarm every outcome
    Then the armed outcome is not listed
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold

  Scenario Outline: The control API refuses to arm <what>
    Then the control API refuses to arm:
      """
      <outcome>
      """

    Examples:
      | what                                        | outcome                                                              |
      | a score without an operation                | {"score": 50}                                                        |
      | an error and a score                        | {"operation": "face_verify", "error": "INTERNAL_ERROR", "score": 50} |
      | neither an error nor a score                | {"operation": "face_verify"}                                         |
      | a verification score over 100               | {"operation": "face_verify", "score": 101}                           |
      | a verification score that is not whole      | {"operation": "face_verify", "score": 27.5}                          |
      | a negative liveness score                   | {"operation": "face_liveness", "score": -0.1}                        |
      | a document score over 1                     | {"operation": "document_liveness", "score": 1.5}                     |
      | an error of another operation               | {"operation": "face_liveness", "error": "PROBE_FACE_NOT_FOUND"}      |
      | an unknown error                            | {"operation": "face_verify", "error": "SOMETHING_ELSE"}              |
      | another error than INTERNAL_ERROR for any   | {"error": "FACE_NOT_FOUND"}                                          |
      | an unknown operation                        | {"operation": "face_detect", "error": "INTERNAL_ERROR"}              |
      | zero times                                  | {"operation": "face_verify", "error": "INTERNAL_ERROR", "times": 0}  |
      | more than 1000 times                        | {"operation": "face_verify", "error": "INTERNAL_ERROR", "times": 1001} |
