@armed-outcomes
Feature: Outcomes armed for a Truora account or a Checkout applicant
  `POST /_facesim/truora/outcomes` arms a declined reason (or a system error) for the next
  validations of one account, `POST /_facesim/checkout/outcomes` a response code for the next
  attempts of one applicant; each creation takes one use. `GET` lists what is armed with what
  remains, `DELETE` disarms one or all, and a scenario rule's outcome takes precedence.

  Scenario: An outcome armed twice for an account decides its next two validations
    When I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "face_in_blocklist", "times": 2}
      """
    Then the control API answers 201
    And the answer's "/remaining" is 2
    And the answer's "/account_id" is "$ACCOUNT"
    And I remember the answer's "/id" as "OUTCOME"
    When a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    Then the vendor's answer has "/declined_reason" = "face_in_blocklist"
    When I GET "/truora/outcomes"
    Then in the answer's "/outcomes" the item whose "/id" is $OUTCOME has "/remaining" = 1
    When a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    Then the vendor's answer has "/declined_reason" = "face_in_blocklist"
    When I GET "/truora/outcomes"
    Then the answer's "/outcomes" lacks an item whose "/id" is $OUTCOME
    When a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    Then the vendor's answer has "/validation_status" = "success"

  Scenario: A system error armed for an account ends its validation with one
    When I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "system_error"}
      """
    Then the control API answers 201
    When a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    Then the vendor's answer has "/validation_status" = "failure"
    And the vendor's answer has "/failure_status" = "system_error"

  Scenario: A scenario rule's outcome takes precedence and leaves the armed outcome for later
    Given I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "face_in_blocklist"}
      """
    And I remember the answer's "/id" as "OUTCOME"
    And I add the scenario rules:
      """
      {"rules": [{"when": {"api": "truora", "operation": "POST /v1/validations",
                           "fields": {"account_id": "$ACCOUNT"}},
                  "then": {"outcome": "no_face_detected", "times": 1}}]}
      """
    And a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    When the Truora validation has finished
    Then the vendor's answer has "/declined_reason" = "no_face_detected"
    When I GET "/truora/outcomes"
    Then in the answer's "/outcomes" the item whose "/id" is $OUTCOME has "/remaining" = 1
    And I remove the scenario rules I added
    When I DELETE "/truora/outcomes/$OUTCOME"
    Then the control API answers 204

  Scenario: A disarmed Truora outcome no longer decides anything
    Given I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "no_face_detected"}
      """
    And I remember the answer's "/id" as "OUTCOME"
    When I DELETE "/truora/outcomes/$OUTCOME"
    Then the control API answers 204
    When a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    Then the vendor's answer has "/validation_status" = "success"

  @serial
  Scenario: A response code armed for an applicant completes its next attempt when opened
    Given a Checkout face authentication for a new applicant
    When I POST "/checkout/outcomes" with:
      """
      {"applicant_id": "$APPLICANT", "outcome": "62304"}
      """
    Then the control API answers 201
    And the answer's "/outcome" is "62304"
    And I remember the answer's "/id" as "OUTCOME"
    When a Checkout attempt for the face authentication
    And I POST "/checkout/attempts/$ATTEMPT" with:
      """
      {"action": "open"}
      """
    And I POST "/clock/advance" with:
      """
      {"seconds": 5}
      """
    And I GET "/state/checkout?limit=1000&status=declined"
    Then in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/response_codes/0/code" = 62304
    When I GET "/checkout/outcomes"
    Then the answer's "/outcomes" lacks an item whose "/id" is $OUTCOME

  Scenario: An inconclusive code armed without its letter is listed with it
    Given a Checkout face authentication for a new applicant
    When I POST "/checkout/outcomes" with:
      """
      {"applicant_id": "$APPLICANT", "outcome": "61411", "times": 3}
      """
    Then the control API answers 201
    And I remember the answer's "/id" as "OUTCOME"
    When I GET "/checkout/outcomes"
    Then in the answer's "/outcomes" the item whose "/id" is $OUTCOME has "/outcome" = "61411I"
    And in the answer's "/outcomes" the item whose "/id" is $OUTCOME has "/remaining" = 3
    When I DELETE "/checkout/outcomes/$OUTCOME"
    Then the control API answers 204

  @serial
  Scenario: Resetting a vendor disarms its outcomes
    Given I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "no_face_detected"}
      """
    And I remember the answer's "/id" as "OUTCOME"
    When I POST "/reset?vendor=truora"
    And I GET "/truora/outcomes"
    Then the answer's "/outcomes" lacks an item whose "/id" is $OUTCOME

  @serial
  Scenario Outline: Disarming every <vendor> outcome empties its list
    Given I POST "/truora/outcomes" with:
      """
      {"account_id": "$ACCOUNT", "outcome": "no_face_detected"}
      """
    When I DELETE "/<vendor>/outcomes"
    Then the control API answers 204
    When I GET "/<vendor>/outcomes"
    Then the answer's "/outcomes" has 0 items

    Examples:
      | vendor   |
      | truora   |
      | checkout |

  Scenario Outline: Arming a Truora outcome with <what> is refused with <status>
    When I POST "/truora/outcomes" as "<type>" with:
      """
      <body>
      """
    Then the control API refuses with <status> "<error>"

    Examples:
      | what                  | type             | body                                                                  | status | error                  |
      | an unknown outcome    | application/json | {"account_id": "$ACCOUNT", "outcome": "sunburn"}                      | 422    | unprocessable_entity   |
      | a malformed account   | application/json | {"account_id": "acc 2", "outcome": "no_face_detected"}                | 422    | unprocessable_entity   |
      | times of zero         | application/json | {"account_id": "$ACCOUNT", "outcome": "no_face_detected", "times": 0} | 422    | unprocessable_entity   |
      | times over 1000       | application/json | {"account_id": "$ACCOUNT", "outcome": "no_face_detected", "times": 1001} | 422 | unprocessable_entity   |
      | times as text         | application/json | {"account_id": "$ACCOUNT", "outcome": "no_face_detected", "times": "2"} | 422  | unprocessable_entity   |
      | an unknown key        | application/json | {"account_id": "$ACCOUNT", "outcome": "no_face_detected", "when": 1}  | 422    | unprocessable_entity   |
      | no outcome            | application/json | {"account_id": "$ACCOUNT"}                                            | 422    | unprocessable_entity   |
      | a body that is a list | application/json | ["no_face_detected"]                                                  | 400    | bad_request            |
      | malformed JSON        | application/json | {"account_id":                                                        | 400    | bad_request            |
      | a text body           | text/plain       | {"account_id": "$ACCOUNT", "outcome": "no_face_detected"}             | 415    | unsupported_media_type |

  Scenario Outline: Arming a Checkout outcome with <what> is refused with <status>
    Given a Checkout face authentication for a new applicant
    When I POST "/checkout/outcomes" as "application/json" with:
      """
      <body>
      """
    Then the control API refuses with <status> "<error>"

    Examples:
      | what                   | body                                                                       | status | error                |
      | an undocumented code   | {"applicant_id": "$APPLICANT", "outcome": "12345"}                         | 422    | unprocessable_entity |
      | a code as a number     | {"applicant_id": "$APPLICANT", "outcome": 62304}                           | 422    | unprocessable_entity |
      | a malformed applicant  | {"applicant_id": "applicant-1", "outcome": "62304"}                        | 422    | unprocessable_entity |
      | an unknown applicant   | {"applicant_id": "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa", "outcome": "62304"}    | 404    | not_found            |

  Scenario Outline: Disarming an unknown <vendor> outcome is a 404
    When I DELETE "/<vendor>/outcomes/outcome_999999999"
    Then the control API refuses with 404 "not_found"

    Examples:
      | vendor   |
      | truora   |
      | checkout |
