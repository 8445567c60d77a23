@errors
Feature: Request errors
  A body that is not a JSON object, or not sent as application/json, is refused with 400; a
  body over 1 MB with 413; an unknown path with 404 and a known path with another method with
  405. Every answer carries a Cko-Request-Id header, and every error body repeats it as its
  request_id.

  Scenario Outline: A body that is <what> is refused with "<code>"
    When I send this body as "<content type>" to create an applicant:
      """
      <body>
      """
    Then the request is refused with status 400
    And the error codes are "<code>"

    Examples:
      | what                 | content type                    | body                 | code                   |
      | cut short            | application/json                | {"email":            | request_body_malformed |
      | not JSON             | application/json                | email=a@example.com  | request_body_malformed |
      | a JSON array         | application/json                | ["a@example.com"]    | request_body_malformed |
      | a JSON string        | application/json                | "a@example.com"      | request_body_malformed |
      | sent as text         | text/plain                      | {}                   | content_type_invalid   |
      | sent as a form       | application/x-www-form-urlencoded | email=a@example.com | content_type_invalid   |

  Scenario: A JSON body with a charset is accepted
    When I send this body as "application/json; charset=utf-8" to create an applicant:
      """
      {"external_applicant_name": "Zoë"}
      """
    Then the request succeeds with status 201
    And the answer's "external_applicant_name" is "Zoë"

  Scenario: A body without a content type is refused
    When I send a body without a content type to create an applicant
    Then the request is refused with status 400
    And the error codes are "content_type_invalid"

  Scenario: A malformed body is refused on every operation that takes one
    Given an applicant
    And a face authentication for the applicant
    When I send this body as "application/json" to create a face authentication:
      """
      {"applicant_id": 
      """
    Then the request is refused with status 400
    And the error codes are "request_body_malformed"
    When I send this body as "application/json" to create an attempt:
      """
      [1, 2]
      """
    Then the request is refused with status 400
    And the error codes are "request_body_malformed"
    When I send this body as "application/json" to update the applicant:
      """
      null
      """
    Then the request is refused with status 400
    And the error codes are "request_body_malformed"

  Scenario: A body over 1 MB is refused
    When I send a body larger than 1 MB to create an applicant
    Then the request is refused with status 413
    And the error codes are "request_body_too_large"

  Scenario: An unknown path is not found
    When I send a GET request to "/no-such-resource"
    Then the request is refused with status 404
    And the error codes are "resource_not_found"

  Scenario: A known path with another method is not allowed
    Given an applicant
    When I send a DELETE request to the applicant
    Then the request is refused with status 405
    And the error codes are "method_not_allowed"

  Scenario: Every answer carries its own request id
    When I create an applicant without any field
    Then the request succeeds with status 201
    And the answer carries a request id
    When I read the applicant "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    Then the request is refused with status 404
    And the error repeats the answer's request id
    And the last two answers carry different request ids
