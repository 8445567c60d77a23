@journal
Feature: The request journal
  facesim records every vendor request (never the control API's) in a bounded ring:
  `GET /_facesim/journal` lists them newest first with their status and the vendor's error code,
  filtered by api, method, path, status, since and until, at most `limit` of them;
  `DELETE /_facesim/journal` empties it. A bad filter is a 400 naming the parameter.

  Scenario: A vendor error appears with its status and the vendor's error code
    When I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    Then the vendor answered 404
    When I GET "/journal?path=/truora/validations/v1/enrollments/ENR$ACCOUNT"
    Then the control API answers 200
    And the answer's "/entries" has 1 item
    And the answer's "/entries/0/status" is 404
    And the answer's "/entries/0/method" is "GET"
    And the answer's "/entries/0/api" is "truora-validations"
    And the answer's "/entries/0/error_code" is "10404"

  Scenario: A Trustmatic in-band error is journaled with its code
    Given I add the scenario rules:
      """
      {"rules": [{"when": {"api": "trustmatic", "fields": {"sessionId": "$SESSION"}},
                  "then": {"outcome": "PROBE_FACE_NOT_FOUND"}}]}
      """
    When I verify "alice-selfie.jpg" against "alice-reference.png" with Trustmatic
    And I GET "/journal?api=trustmatic&limit=5"
    Then the answer's "/entries" has an item whose "/error_code" is "PROBE_FACE_NOT_FOUND"
    And I remove the scenario rules I added

  Scenario: Filters return only matching entries
    Given I send a GET request to the Checkout path "/applicants/aplt_$ACCOUNT"
    And I send a GET request to the Truora path "/v1/validations/VLD$ACCOUNT"
    When I GET "/journal?api=checkout&method=GET&status=4xx"
    Then the control API answers 200
    And every item of the answer's "/entries" has "/api" that is "checkout"
    And every item of the answer's "/entries" has "/method" that is "GET"
    And every item of the answer's "/entries" has "/status" that starts with 4
    And the answer's "/entries" has at least 1 item

  Scenario: A path glob matches whole paths
    Given I send a GET request to the Truora path "/v1/validations/VLD$ACCOUNT"
    When I GET "/journal?path=/truora/*/v1/validations/VLD$ACCOUNT"
    Then the answer's "/entries" has 1 item

  Scenario: The limit caps the entries listed
    Given I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    And I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    And I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    When I GET "/journal?limit=2"
    Then the answer's "/entries" has 2 items

  Scenario: Requests to the control API are not journaled
    When I GET "/journal?path=/_facesim*"
    Then the answer's "/entries" has 0 items

  @serial
  Scenario: Clearing the journal empties it and zeroes the dropped count
    Given I send a GET request to the Truora path "/v1/enrollments/ENR$ACCOUNT"
    When I DELETE "/journal"
    Then the control API answers 204
    When I GET "/journal"
    Then the answer's "/entries" has 0 items
    And the answer's "/dropped" is 0

  Scenario Outline: A journal filter with <what> is refused naming the parameter
    When I GET "/journal?<query>"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "<parameter>"

    Examples:
      | what                 | query                  | parameter |
      | a limit of zero      | limit=0                | limit     |
      | a limit as text      | limit=ten              | limit     |
      | an unknown status    | status=7xx             | status    |
      | an unknown API       | api=acme               | api       |
      | a since not a time   | since=yesterday        | since     |
      | an unknown parameter | colour=blue            | colour    |
      | a repeated parameter | limit=1&limit=2        | limit     |
