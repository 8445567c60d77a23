Feature: Validation retries
  A failed validation that checked passive liveness can be retried by a new validation that
  names it in retry_of_id. Each validation is retried at most once, a chain allows two retries,
  and a retry must start within the retry window (300 seconds) after the failure. A retry
  without passive liveness is an invalid request (400), one of a validation that does not
  exist is not found (404), and one the rules forbid is a conflict (409).

  Background:
    Given a new account enrolled with "alice-reference.png"

  Scenario: A validation declined for liveness can be retried and the retry completes the enrollment
    Given a validation for the account with:
      | subvalidations | passive_liveness |
      | subvalidations | similarity       |
    And the validation was declined for "alice-spoof.jpg"
    When I retry the validation with:
      | subvalidations | passive_liveness |
      | subvalidations | similarity       |
    Then the request succeeds
    And the validation is pending
    And the validation is a retry of the first validation
    When I upload "alice-selfie.jpg" for the validation
    And the validation has finished
    Then the validation has succeeded
    And the validation is a retry of the first validation
    And the enrollment has succeeded

  Scenario: The deprecated liveness option also allows a retry
    Given a validation for the account with:
      | liveness | passive |
    And the validation was declined for "alice-spoof.jpg"
    When I retry the validation with:
      | liveness | passive |
    Then the request succeeds
    And the validation is a retry of the first validation

  Scenario: An expired validation can be retried
    Given a validation for the account with:
      | subvalidations | passive_liveness |
      | timeout        | 1                |
    And the validation has finished
    When I retry the validation with:
      | subvalidations | passive_liveness |
    Then the request succeeds
    And the validation is a retry of the first validation

  Scenario: A retry needs passive liveness
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    When I retry the validation with:
      | subvalidations | similarity |
    Then the request is refused with status 400
    And the error message mentions "passive liveness"

  Scenario: Only a failed validation can be retried
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    When I retry the validation with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 409
    And the error message mentions "pending"

  Scenario: A validation is retried only once
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    And I retry the validation with:
      | subvalidations | passive_liveness |
    When I retry the first validation with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 409
    And the error message names the second validation

  Scenario: A chain of validations allows two retries
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    And I retry the validation with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    And I retry the validation with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    When I retry the validation with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 409
    And the error message mentions "retries"

  Scenario: An unknown validation cannot be retried
    When I retry the validation "VLD00000000000000000000000000000000" with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 404
    And the error message mentions "VLD00000000000000000000000000000000"

  Scenario: Another account's validation cannot be retried
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    When another account retries the validation with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 409
    And the error message mentions "account"

  @control @serial
  Scenario: The retry window closes 300 seconds after the failure
    Given the service's clock can be moved
    And a validation for the account with:
      | subvalidations | passive_liveness |
    And the validation was declined for "alice-spoof.jpg"
    When 301 seconds pass on the service's clock
    And I retry the validation with:
      | subvalidations | passive_liveness |
    Then the request is refused with status 409
    And the error message mentions "300 seconds"
