Feature: Request errors
  Requests are application/x-www-form-urlencoded forms. A missing or invalid field is refused
  with status 400 and a message naming the field; a body that is not a form with 415; a form
  over 1 MB with 413. Every error answer is the vendor's envelope {code, http_code, message}.

  Scenario Outline: An enrollment request with <problem> is refused naming <field>
    When I send an enrollment request with the form:
      | type            | <type>            |
      | user_authorized | <user_authorized> |
      | account_id      | <account_id>      |
      | confirmation    | <confirmation>    |
    Then the request is refused with status 400
    And the error message mentions "<field>"

    Examples:
      | problem                      | type                | user_authorized | account_id | confirmation | field           |
      | no type                      | (omitted)           | true            | (omitted)  | (omitted)    | type            |
      | an empty type                |                     | true            | (omitted)  | (omitted)    | type            |
      | a document validation type   | document-validation | true            | (omitted)  | (omitted)    | face-recognition |
      | no authorization             | face-recognition    | (omitted)       | (omitted)  | (omitted)    | user_authorized |
      | an authorization of false    | face-recognition    | false           | (omitted)  | (omitted)    | user_authorized |
      | an account id with a space   | face-recognition    | true            | a b        | (omitted)    | account_id      |
      | an account id with a slash   | face-recognition    | true            | a/b        | (omitted)    | account_id      |
      | an account id with an accent | face-recognition    | true            | ñandú      | (omitted)    | account_id      |
      | an unknown confirmation      | face-recognition    | true            | (omitted)  | always       | confirmation    |

  Scenario Outline: A validation request with <problem> is refused naming <field>
    Given a new account enrolled with "alice-reference.png"
    When I create a validation for the account with:
      | <name> | <value> |
    Then the request is refused with status 400
    And the error message mentions "<field>"

    Examples:
      | problem                         | name           | value        | field             |
      | a threshold above 1             | threshold      | 1.5          | threshold         |
      | a negative threshold            | threshold      | -0.1         | threshold         |
      | a threshold that is no number   | threshold      | abc          | threshold         |
      | an unknown liveness             | liveness       | active       | liveness          |
      | an unknown subvalidation        | subvalidations | face         | subvalidations    |
      | a zero timeout                  | timeout        | 0            | timeout           |
      | a timeout over six hours        | timeout        | 21601        | timeout           |
      | a fractional timeout            | timeout        | 1.5          | timeout           |
      | speech match without precision  | subvalidations | speech_match | minimum_precision |

  Scenario: A validation request with an unknown minimum precision is refused naming it
    Given a new account enrolled with "alice-reference.png"
    When I create a validation for the account with:
      | subvalidations    | speech_match |
      | minimum_precision | ultra        |
    Then the request is refused with status 400
    And the error message mentions "minimum_precision"

  Scenario Outline: A validation request with <problem> is refused naming <field>
    When I send a validation request with the form:
      | type            | <type>            |
      | user_authorized | <user_authorized> |
      | account_id      | <account_id>      |

    Then the request is refused with status 400
    And the error message mentions "<field>"

    Examples:
      | problem                    | type                | user_authorized | account_id | field            |
      | no type                    | (omitted)           | true            | someone    | type             |
      | a document validation type | document-validation | true            | someone    | face-recognition |
      | an authorization of false  | face-recognition    | false           | someone    | user_authorized  |
      | no account id              | face-recognition    | true            | (omitted)  | account_id       |
      | an invalid account id      | face-recognition    | true            | not valid  | account_id       |

  Scenario: A form with a broken encoding is refused naming the field
    When I send the enrollment form "type=face%FFrecognition&user_authorized=true"
    Then the request is refused with status 400
    And the error message mentions "type"

  Scenario: A body in JSON is not a form
    When I send an enrollment request in JSON
    Then the request is refused with status 415
    And the error message mentions "application/x-www-form-urlencoded"

  Scenario: A form labelled as plain text is not a form
    When I send an enrollment form labelled "text/plain"
    Then the request is refused with status 415

  Scenario: A form without a content type is not a form
    When I send an enrollment form without a content type
    Then the request is refused with status 415

  Scenario: The form content type is matched without regard to case or parameters
    When I send an enrollment form labelled "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
    Then the request succeeds

  Scenario: A form over 1 MB is too large
    When I send an enrollment form larger than 1 MB
    Then the request is refused with status 413

  Scenario: show_details must be true or false
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    When I read the validation with show_details "yes"
    Then the request is refused with status 400
    And the error message mentions "show_details"
