Feature: Upload links
  Enrollments and validations hand out a pre-signed upload link. A link takes exactly one file.
  A file that cannot be read at all is refused and leaves the link usable. A link that was
  changed, that has expired or whose enrollment is gone is refused.

  Scenario: An enrollment's upload link takes only one file
    Given an enrollment for a new account
    And "alice-reference.png" was uploaded to the enrollment's upload link
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the request is refused with status 409
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: A validation's upload link takes only one file
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    And "alice-selfie.jpg" was uploaded for the validation
    When I upload "alice-selfie.jpg" for the validation
    Then the request is refused with status 409

  Scenario: An empty upload is refused and the link stays usable
    Given an enrollment for a new account
    When I upload an empty file to the enrollment's upload link
    Then the request is refused with status 400
    And the enrollment is "pending" because "waiting_file_upload"
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: A corrupt picture is refused and the link stays usable
    Given an enrollment for a new account
    When I upload "corrupt.png" to the enrollment's upload link
    Then the request is refused with status 400
    And the enrollment is "pending" because "waiting_file_upload"
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: An upload larger than 10 MB is refused and the link stays usable
    Given an enrollment for a new account
    When I upload a file larger than 10 MB to the enrollment's upload link
    Then the request is refused with status 413
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted

  Scenario Outline: An upload link with <change> is forbidden
    Given an enrollment for a new account
    When I upload "alice-reference.png" to the enrollment's upload link with <change>
    Then the request is refused with status 403
    And the enrollment is "pending" because "waiting_file_upload"
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted

    Examples:
      | change             |
      | a forged signature |
      | no signature       |
      | a postponed expiry |
      | no expiry          |

  Scenario: The upload link of a deleted enrollment is gone
    Given an enrollment for a new account
    And the enrollment was deleted
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the request is refused with status 404

  @control @serial
  Scenario: An enrollment's upload link expires after an hour
    Given the service's clock can be moved
    And an enrollment for a new account
    When 3601 seconds pass on the service's clock
    And I upload "alice-reference.png" to the enrollment's upload link
    Then the request is refused with status 403
    And the enrollment is "pending" because "waiting_file_upload"
