Feature: Enrollment reference pictures
  The reference picture decides how an enrollment goes on. A picture showing a live face is
  accepted and the enrollment waits for a face validation. A file the service can read but
  cannot use is accepted too, and the enrollment fails with the reason.

  Scenario Outline: A <format> reference picture is accepted
    Given an enrollment for a new account
    When I upload "<picture>" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment is "pending" because "waiting_face_validation"

    Examples:
      | format | picture             |
      | PNG    | alice-reference.png |
      | JPEG   | alice-selfie.jpg    |

  Scenario: A reference picture with several faces is accepted
    Given an enrollment for a new account
    When I upload "many-faces.png" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario Outline: A reference picture showing <content> fails the enrollment with <reason>
    Given an enrollment for a new account
    When I upload "<picture>" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment has failed because "<reason>"

    Examples:
      | content            | picture          | reason                    |
      | no face            | no-face.png      | no_face_detected          |
      | a blocklisted face | blocklisted.png  | face_in_blocklist         |
      | a BMP picture      | unsupported.bmp  | file_format_not_supported |
      | plain text         | not-media.txt    | file_format_not_supported |
      | a video            | alice-selfie.mp4 | file_format_not_supported |

  @simulated-fault
  Scenario: A processing fault fails the enrollment with a system error
    Given an enrollment for a new account
    When I upload "alice-system-error.jpg" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment has failed because "system_error"

  Scenario: A failed enrollment cannot be validated
    Given a new account enrolled with "no-face.png"
    When I create a validation for the account
    Then the request is refused with status 409
    And the error message names the enrollment
