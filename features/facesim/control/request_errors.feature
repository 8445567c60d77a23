@errors
Feature: Bad requests to the control API
  Every refusal of the control API is `{"error": <status name>, "message": …}` with a message
  saying what was wrong; nothing changes.

  Scenario Outline: <route> with <what> is refused with <status>
    When I <method> "<path>" as "<type>" with:
      """
      <body>
      """
    Then the control API refuses with <status> "<error>"

    Examples:
      | route                   | what                 | method | path                                  | type             | body                                          | status | error                  |
      | arming an outcome       | malformed JSON       | POST   | /trustmatic/outcomes                  | application/json | {"operation":                                 | 400    | bad_request            |
      | arming an outcome       | a score as text      | POST   | /trustmatic/outcomes                  | application/json | {"operation": "face_verify", "score": "high"} | 422    | unprocessable_entity   |
      | arming an outcome       | an unknown operation | POST   | /trustmatic/outcomes                  | application/json | {"operation": "palm_reading", "score": 1}     | 422    | unprocessable_entity   |
      | arming an outcome       | a text body          | POST   | /trustmatic/outcomes                  | text/plain       | {"operation": "face_verify", "score": 1}      | 415    | unsupported_media_type |
      | an attempt action       | an unknown attempt   | POST   | /checkout/attempts/fatt_conformance00000000000000 | application/json | {"action": "approve"}          | 404    | not_found              |
      | registering a webhook   | malformed JSON       | POST   | /webhooks                             | application/json | {"url":                                       | 400    | bad_request            |
      | registering a webhook   | a URL as a number    | POST   | /webhooks                             | application/json | {"url": 5}                                    | 422    | unprocessable_entity   |

  Scenario: An action on an attempt that does not exist is a 404 and names it
    When I POST "/checkout/attempts/fatt_conformance00000000000000" with:
      """
      {"action": "decline"}
      """
    Then the control API refuses with 404 "not_found"
    And the message mentions "fatt_conformance00000000000000"

  Scenario: An unknown action on an attempt is refused
    Given a Checkout face authentication for a new applicant
    And a Checkout attempt for the face authentication
    When I POST "/checkout/attempts/$ATTEMPT" with:
      """
      {"action": "teleport"}
      """
    Then the control API refuses with 422 "unprocessable_entity"

  Scenario: Disarming an unknown Trustmatic outcome is a 404
    When I DELETE "/trustmatic/outcomes/999999999"
    Then the control API refuses with 404 "not_found"

  Scenario: Deleting an unknown webhook receiver is a 404
    When I DELETE "/webhooks/whr_conformance_unknown"
    Then the control API refuses with 404 "not_found"

  Scenario: An unknown OpenAPI document is a 404
    When I GET "/openapi/acme.json"
    Then the control API refuses with 404 "not_found"

  Scenario: The control API serves its own OpenAPI document
    When I GET "/openapi/facesim-control.json"
    Then the control API answers 200
