Feature: Authentication and permissions
  Every call except the pre-signed links needs the Truora-API-Key header with a known key.
  Enrollments without confirmation and deleting enrollments need special permissions; a key
  without them can still create and read ordinary enrollments and validations.

  Scenario Outline: A request to <request> without an API key is unauthorized
    Given a new account
    And I use no API key
    When I <request>
    Then the request is refused with status 401

    Examples:
      | request                                                   |
      | create a face enrollment for the account                  |
      | read the enrollment "ENR00000000000000000000000000000000"   |
      | delete the enrollment "ENR00000000000000000000000000000000" |
      | create a validation for the account                       |
      | read the validation "VLD00000000000000000000000000000000"   |

  Scenario Outline: A request to <request> with an unknown API key is unauthorized
    Given a new account
    And I use the API key "not-a-truora-key"
    When I <request>
    Then the request is refused with status 401

    Examples:
      | request                                                   |
      | create a face enrollment for the account                  |
      | read the enrollment "ENR00000000000000000000000000000000"   |
      | delete the enrollment "ENR00000000000000000000000000000000" |
      | create a validation for the account                       |
      | read the validation "VLD00000000000000000000000000000000"   |

  Scenario: The API key is checked before the request body
    Given I use no API key
    When I send an enrollment request in JSON
    Then the request is refused with status 401

  @limited-key
  Scenario: An enrollment without confirmation needs the special permission
    Given I use the API key without special permissions
    And a new account
    When I create a face enrollment for the account without confirmation
    Then the request is refused with status 403
    And the error message mentions "Insufficient permissions"
    When I use the main API key
    And I create a face enrollment for the account without confirmation
    Then the request succeeds

  @limited-key
  Scenario: Deleting an enrollment needs the special permission
    Given I use the API key without special permissions
    And a new account enrolled with "alice-reference.png"
    When I delete the enrollment
    Then the request is refused with status 403
    And the error message mentions "Insufficient permissions"
    And the enrollment is "pending" because "waiting_face_validation"

  @limited-key
  Scenario: The delete permission is checked before the enrollment is looked up
    Given I use the API key without special permissions
    When I delete the enrollment "ENR00000000000000000000000000000000"
    Then the request is refused with status 403

  @limited-key
  Scenario: A key without special permissions creates and reads enrollments and validations
    Given I use the API key without special permissions
    And a new account
    When I create a face enrollment for the account
    Then the request succeeds
    And reading the enrollment answers what its creation answered
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted
    When I create a validation for the account
    Then the request succeeds
    And reading the validation answers what its creation answered
