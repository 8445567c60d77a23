Feature: Validation expiry
  A validation has a timeout (300 seconds unless chosen, at most six hours). When it passes
  before a file was accepted, the validation expires with the reason, its upload link stops
  working, and the enrollment keeps waiting: nothing was compared.

  Scenario: A validation nobody uploads to expires as not started
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account with:
      | timeout | 1 |
    When the validation has finished
    Then the validation has expired because "face_validation_not_started"
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: A validation whose uploads were all refused expires as input file not uploaded
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account with:
      | timeout | 2 |
    When I upload an empty file for the validation
    Then the request is refused with status 400
    When the validation has finished
    Then the validation has expired because "input_file_not_uploaded"

  Scenario: An upload after the timeout is forbidden
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account with:
      | timeout | 1 |
    And the validation has finished
    When I upload "alice-selfie.jpg" for the validation
    Then the request is refused with status 403
    And the validation has expired because "face_validation_not_started"

  @control @serial
  Scenario: The default timeout is five minutes
    Given the service's clock can be moved
    And a new account enrolled with "alice-reference.png"
    And a validation for the account
    When 299 seconds pass on the service's clock
    Then the validation is pending
    When 2 seconds pass on the service's clock
    Then the validation has expired because "face_validation_not_started"

  @control @serial
  Scenario: A chosen timeout is honoured
    Given the service's clock can be moved
    And a new account enrolled with "alice-reference.png"
    And a validation for the account with:
      | timeout | 3600 |
    When 600 seconds pass on the service's clock
    Then the validation is pending
    When I upload "alice-selfie.jpg" for the validation
    Then the upload is accepted

  @control @serial
  Scenario: A file uploaded in time is judged even when read after the timeout
    Given the service's clock can be moved
    And a new account enrolled with "alice-reference.png"
    And a validation for the account with:
      | timeout | 10 |
    And "alice-selfie.jpg" was uploaded for the validation
    When 3600 seconds pass on the service's clock
    And the validation has finished
    Then the validation has succeeded
