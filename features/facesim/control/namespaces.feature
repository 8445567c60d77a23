@namespaces
Feature: Namespaces keep parallel runs apart
  A request with `Facesim-Namespace: <name>` lives in that namespace: its own vendor state, clock,
  scenario rules and journal view (docs/namespaces.md). Without the header, or with `default`, a
  request lives in the default namespace. A name that is not 1 to 64 of A-Z a-z 0-9 . _ : - is a
  400 in the format of the API called.

  Scenario: Vendor state created in a namespace is seen there only
    Given I work in the namespace "$NS_A"
    And a Truora enrollment for a new account
    When I GET "/state/truora?limit=1000"
    Then the control API answers 200
    And the answer names the namespace "$NS_A"
    And the answer's "/enrollments/items" has an item whose "/enrollment_id" is $ENROLLMENT
    Given I work in the namespace "$NS_B"
    When I GET "/state/truora?limit=1000"
    Then the answer's "/enrollments/items" lacks an item whose "/enrollment_id" is $ENROLLMENT
    Given I work in the default namespace
    When I GET "/state/truora?limit=1000"
    Then the answer names no namespace
    And the answer's "/enrollments/items" lacks an item whose "/enrollment_id" is $ENROLLMENT

  Scenario: A vendor answer in a namespace is a vendor answer there too
    Given I work in the namespace "$NS_A"
    And a Truora enrollment for a new account
    When I send a GET request to the Truora path "/v1/enrollments/$ENROLLMENT"
    Then the vendor answered 200
    Given I work in the namespace "$NS_B"
    When I send a GET request to the Truora path "/v1/enrollments/$ENROLLMENT"
    Then the vendor answered 404

  Scenario: An upload link handed out in a namespace leads back to it without the header
    # The upload is sent as a phone would: to the link alone, without Facesim-Namespace.
    Given I work in the namespace "$NS_A"
    And a Truora passive liveness validation for the account
    And "alice-selfie.jpg" was uploaded for the Truora validation
    And the Truora validation has finished
    When I GET "/state/truora?limit=1000&status=success"
    Then in the answer's "/validations/items" the item whose "/validation_id" is $VALIDATION has "/validation_status" = "success"

  Scenario: Each namespace has its own clock
    Given I work in the namespace "$NS_A"
    When I POST "/clock/advance" with:
      """
      {"seconds": 120}
      """
    Then the control API answers 200
    And the answer's "/offset_seconds" is 120
    Given I work in the namespace "$NS_B"
    When I GET "/clock"
    Then the answer's "/offset_seconds" is 0

  Scenario: Resetting a namespace forgets only that namespace
    Given I work in the namespace "$NS_B"
    And a Truora enrollment for a new account
    And I work in the namespace "$NS_A"
    And a Checkout face authentication for a new applicant
    When I POST "/reset"
    Then the control API answers 200
    And the answer's "/namespace" is "$NS_A"
    And the answer's "/webhooks" is false
    And the answer's "/clock_reset" is true
    When I GET "/state/checkout?limit=1000"
    Then the answer's "/face_authentications/items" lacks an item whose "/id" is $FACE_AUTHENTICATION
    Given I work in the namespace "$NS_B"
    When I GET "/state/truora?limit=1000"
    Then the answer's "/enrollments/items" has an item whose "/enrollment_id" is $ENROLLMENT

  Scenario: The journal in a namespace lists that namespace's requests only
    Given I work in the namespace "$NS_A"
    And I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    When I GET "/journal"
    Then the control API answers 200
    And the answer's "/entries" has at least 1 item
    And every item of the answer's "/entries" has "/namespace" that is "$NS_A"
    When I GET "/journal?namespace=$NS_B"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "reads only that namespace's entries"
    Given I work in the default namespace
    When I GET "/journal?namespace=$NS_A"
    Then the answer's "/entries" has an item whose "/path" is "/truora/validations/v1/enrollments/ENR$ACCOUNT"

  Scenario: A scenario rule added in a namespace applies there only
    Given I work in the namespace "$NS_A"
    And I add the scenario rules:
      """
      {"rules": [{"when": {"api": "truora", "operation": "GET /v1/enrollments/{enrollment_id}",
                           "fields": {"enrollment_id": "ENR$ACCOUNT"}},
                  "then": {"respond": {"status": 418}}}]}
      """
    When I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    Then the vendor answered 418
    When I GET "/scenarios/rules"
    Then the answer's "/rules" has an item whose "/namespace" is "$NS_A"
    Given I work in the namespace "$NS_B"
    When I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    Then the vendor answered 404
    When I GET "/scenarios/rules"
    Then the answer's "/rules" lacks an item whose "/namespace" is "$NS_A"
    Given I work in the namespace "$NS_A"
    Then I remove the scenario rules I added

  Scenario: The namespaces are listed with their clocks
    Given I work in the namespace "$NS_A"
    And I POST "/clock/advance" with:
      """
      {"seconds": 30}
      """
    And I work in the default namespace
    When I GET "/namespaces"
    Then the control API answers 200
    And the answer's "/namespaces/0/name" is "default"
    And in the answer's "/namespaces" the item whose "/name" is "$NS_A" has "/clock_offset_seconds" = 30

  Scenario Outline: A namespace name that breaks the rule (<name>) is refused by the control API
    Given I work in the namespace "<name>"
    When I GET "/clock"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "Facesim-Namespace must be 1 to 64 characters"

    Examples:
      | name                                                              |
      | has space                                                         |
      | slash/in/it                                                       |
      | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa |

  Scenario Outline: A namespace name that breaks the rule is refused by the <vendor> API
    Given I work in the namespace "has space"
    When I send a GET request to the <vendor> path "<path>"
    Then the vendor answered 400

    Examples:
      | vendor     | path                      |
      | Truora     | /v1/enrollments/ENRx      |
      | Checkout   | /applicants/aplt_x        |
      | Trustmatic | /api/v1/face/verify       |
