@rules
Feature: Scenario rules
  `POST /_facesim/scenarios/rules` adds rules that change how the vendors answer the requests
  they match (docs/scenarios.md); `GET` lists them with how often each matched and applied,
  `DELETE` removes one or all. A rule that cannot be used is refused with 422 and the reason,
  and nothing of it is kept.

  Scenario: A rule forcing a Trustmatic error applies to the session it names
    Given I add the scenario rules:
      """
      {"rules": [{"name": "conformance forced error",
                  "when": {"api": "trustmatic", "operation": "POST /api/v1/face/verify",
                           "fields": {"sessionId": "$SESSION"}},
                  "then": {"outcome": "PROBE_FACE_NOT_FOUND"}}]}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png" with Trustmatic
    Then the vendor answered 200
    And the vendor's answer has "/error" = "PROBE_FACE_NOT_FOUND"
    When I GET "/scenarios/rules"
    Then in the answer's "/rules" the item whose "/id" is $RULE has "/applied" = 1
    And I remove the scenario rules I added

  Scenario: A canned answer replaces the vendor's for the request it matches
    Given a Truora enrollment for a new account
    And I add the scenario rules:
      """
      {"rules": [{"when": {"api": "truora", "operation": "GET /v1/enrollments/{enrollment_id}",
                           "fields": {"enrollment_id": "$ENROLLMENT"}},
                  "then": {"respond": {"status": 503, "body": {"message": "down for the test"}},
                           "times": 1}}]}
      """
    When I send a GET request to the Truora path "/v1/enrollments/$ENROLLMENT"
    Then the vendor answered 503
    And the vendor's answer has "/message" = "down for the test"
    When I send a GET request to the Truora path "/v1/enrollments/$ENROLLMENT"
    Then the vendor answered 200
    When I GET "/scenarios/rules"
    Then in the answer's "/rules" the item whose "/id" is $RULE has "/applied" = 1
    And in the answer's "/rules" the item whose "/id" is $RULE has "/matched" = 2
    And I remove the scenario rules I added

  Scenario: An added rule is listed until it is deleted, and then it no longer applies
    Given I add the scenario rules:
      """
      {"rules": [{"when": {"api": "trustmatic", "fields": {"sessionId": "$SESSION"}},
                  "then": {"outcome": "REFERENCE_FACE_NOT_FOUND"}}]}
      """
    When I GET "/scenarios/rules"
    Then the control API answers 200
    And the answer's "/rules" has an item whose "/id" is $RULE
    When I DELETE "/scenarios/rules/$RULE"
    Then the control API answers 204
    When I GET "/scenarios/rules"
    Then the answer's "/rules" lacks an item whose "/id" is $RULE
    When I verify "alice-selfie.jpg" against "alice-reference.png" with Trustmatic
    Then the vendor answered 200
    And the vendor's answer has "/error" = null

  Scenario: Several rules in one scenario get one id each, in order
    Given I add the scenario rules:
      """
      {"rules": [{"when": {"api": "trustmatic", "fields": {"sessionId": "$SESSION"}, "nth": 2},
                  "then": {"outcome": "PROBE_FACE_NOT_FOUND"}},
                 {"when": {"api": "trustmatic", "fields": {"sessionId": "$SESSION"}},
                  "then": {"delay": {"ms": 1}}}]}
      """
    When I GET "/scenarios/rules"
    Then the answer's "/rules" has an item whose "/id" is $RULE
    And the answer's "/rules" has an item whose "/id" is $RULE_2
    And I remove the scenario rules I added

  @serial
  Scenario: Deleting every rule empties the list
    Given I add the scenario rules:
      """
      {"rules": [{"when": {"api": "trustmatic", "fields": {"sessionId": "$SESSION"}},
                  "then": {"delay": {"ms": 1}}}]}
      """
    When I DELETE "/scenarios/rules"
    Then the control API answers 204
    When I GET "/scenarios/rules"
    Then the answer's "/rules" has 0 items

  Scenario: Deleting an unknown rule is a 404
    When I DELETE "/scenarios/rules/999999999"
    Then the control API refuses with 404 "not_found"

  Scenario Outline: A rule with <what> is refused with the reason and nothing is kept
    When I POST "/scenarios/rules" as "application/json" with:
      """
      <body>
      """
    Then the control API refuses with 422 "unprocessable_entity"
    And the message mentions "<reason>"
    When I GET "/scenarios/rules"
    Then the answer's "/rules" lacks an item whose "/rule/name" is "conformance refused rule"

    Examples:
      | what                             | body                                                                                                                  | reason      |
      | an unknown API                   | {"rules": [{"name": "conformance refused rule", "when": {"api": "acme"}, "then": {"delay": {"ms": 1}}}]}              | acme        |
      | a probability above 1            | {"rules": [{"name": "conformance refused rule", "when": {"probability": 1.5}, "then": {"delay": {"ms": 1}}}]}         | 1.5         |
      | an outcome without an API        | {"rules": [{"name": "conformance refused rule", "then": {"outcome": "PROBE_FACE_NOT_FOUND"}}]}                        | api         |
      | two exclusive actions            | {"rules": [{"name": "conformance refused rule", "then": {"drop_connection": true, "malformed_body": true}}]}          | exclu       |
      | an unknown action                | {"rules": [{"name": "conformance refused rule", "then": {"explode": true}}]}                                          | explode     |
      | an outcome the API does not have | {"rules": [{"name": "conformance refused rule", "when": {"api": "truora"}, "then": {"outcome": "sunburn"}}]}           | sunburn     |
      | a number of seconds as text      | {"rules": [{"name": "conformance refused rule", "then": {"advance_clock_seconds": "ten"}}]}                            | ten         |

  Scenario: A rule body that is not JSON or YAML is refused
    When I POST "/scenarios/rules" as "application/json" with:
      """
      {"rules": [
      """
    Then the control API refuses with 422 "unprocessable_entity"
