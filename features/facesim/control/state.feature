@state
Feature: State inspection
  `GET /_facesim/state/{vendor}` lists a vendor's resources settled against the virtual clock;
  `GET /_facesim/state` counts them by status.

  Scenario: A new Truora enrollment is listed as pending
    Given a Truora enrollment for a new account
    When I GET "/state/truora?limit=1000&status=pending"
    Then the control API answers 200
    And in the answer's "/enrollments/items" the item whose "/enrollment_id" is $ENROLLMENT has "/status" = "pending"
    And in the answer's "/enrollments/items" the item whose "/enrollment_id" is $ENROLLMENT has "/account_id" = "$ACCOUNT"

  Scenario: A finished Truora validation is listed with its status
    Given a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    When I GET "/state/truora?limit=1000&status=success"
    Then in the answer's "/validations/items" the item whose "/validation_id" is $VALIDATION has "/validation_status" = "success"

  Scenario: A Truora validation declined through a rule shows its declined reason
    Given I add the scenario rules:
      """
      {"rules": [{"when": {"api": "truora", "fields": {"account_id": "$ACCOUNT"}},
                  "then": {"outcome": "face_in_blocklist"}}]}
      """
    And a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    When I GET "/state/truora?limit=1000&status=failure"
    Then in the answer's "/validations/items" the item whose "/validation_id" is $VALIDATION has "/declined_reason" = "face_in_blocklist"
    And I remove the scenario rules I added

  Scenario: A Checkout face authentication is listed with its attempts
    Given a Checkout face authentication for a new applicant
    And a Checkout attempt for the face authentication
    When I GET "/state/checkout?limit=1000"
    Then the control API answers 200
    And the answer's "/applicants/items" has an item whose "/id" is $APPLICANT
    And in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/applicant_id" = "$APPLICANT"
    And in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/attempts/items/0/id" = "$ATTEMPT"

  @serial
  Scenario: A Checkout attempt approved through the control API is settled by the clock
    Given a Checkout face authentication for a new applicant
    And a Checkout attempt for the face authentication
    When I POST "/checkout/attempts/$ATTEMPT" with:
      """
      {"action": "approve"}
      """
    Then the control API answers 200
    When I GET "/state/checkout?limit=1000&status=checks_in_progress"
    Then in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/status" = "checks_in_progress"
    When I POST "/clock/advance" with:
      """
      {"seconds": 5}
      """
    When I GET "/state/checkout?limit=1000&status=approved"
    Then in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/status" = "approved"
    And in the answer's "/face_authentications/items" the item whose "/id" is $FACE_AUTHENTICATION has "/response_codes/0/code" = 10000

  Scenario: An armed Trustmatic outcome is listed in the state until it is disarmed
    Given I POST "/trustmatic/outcomes" with:
      """
      {"operation": "face_verify", "sessionId": "$SESSION", "error": "INTERNAL_ERROR"}
      """
    And I remember the answer's "/id" as "OUTCOME"
    When I GET "/state/trustmatic?limit=1000"
    Then the control API answers 200
    And the answer's "/outcomes/items" has an item whose "/id" is $OUTCOME
    When I DELETE "/trustmatic/outcomes/$OUTCOME"
    Then the control API answers 204
    When I GET "/trustmatic/outcomes"
    Then the answer's "/outcomes" lacks an item whose "/id" is $OUTCOME

  Scenario: The summary counts every status
    When I GET "/state"
    Then the control API answers 200

  Scenario Outline: A state request with <what> is refused
    When I GET "<path>"
    Then the control API refuses with <status> "<error>"

    Examples:
      | what               | path                       | status | error       |
      | an unknown vendor  | /state/acme                | 404    | not_found   |
      | a limit of zero    | /state/truora?limit=0      | 400    | bad_request |
      | a limit too large  | /state/truora?limit=1001   | 400    | bad_request |
      | an unknown status  | /state/truora?status=done  | 400    | bad_request |
      | an unknown param   | /state?colour=blue         | 400    | bad_request |
      | a status for Trustmatic | /state/trustmatic?status=pending | 400 | bad_request |
