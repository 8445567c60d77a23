Feature: Face validations
  A validation compares a new selfie or video of an account with the reference picture of its
  enrollment. It is created with options, receives one file through its upload link, is
  processed, and ends as a success or a failure. A successful validation completes the
  enrollment it used.

  Scenario: A new validation is pending with the documented defaults
    Given a new account enrolled with "alice-reference.png"
    When I create a validation for the account
    Then the request succeeds
    And the validation is pending
    And the validation's "type" is "face-recognition"
    And the validation belongs to the account
    And the validation's "threshold" is 0.65
    And the validation's "timeout" is 300
    And the validation's "subvalidations" is ["similarity"]
    And the validation refers to the enrollment
    And the validation has an upload link
    And reading the validation answers what its creation answered

  Scenario: A validation echoes the options it was created with
    Given a new account enrolled with "alice-reference.png"
    When I create a validation for the account with:
      | subvalidations | similarity       |
      | subvalidations | passive_liveness |
      | subvalidations | similarity       |
      | threshold      | 0.8              |
      | timeout        | 21600            |
    Then the request succeeds
    And the validation's "subvalidations" is ["similarity", "passive_liveness"]
    And the validation's "threshold" is 0.8
    And the validation's "timeout" is 21600

  Scenario Outline: The deprecated liveness option "<liveness>" checks <checks>
    Given a new account enrolled with "alice-reference.png"
    When I create a validation for the account with:
      | liveness | <liveness> |
    Then the request succeeds
    And the validation's "subvalidations" is <subvalidations>

    Examples:
      | liveness | checks                             | subvalidations                      |
      | passive  | similarity and passive liveness    | ["similarity", "passive_liveness"]  |
      | disabled | similarity only                    | ["similarity"]                      |

  Scenario: A selfie of the same person passes and completes the enrollment
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    When I upload "alice-selfie.jpg" for the validation
    Then the upload is accepted
    When the validation has finished
    Then the validation has succeeded
    And the validation reports "similarity_status" as "success"
    And the confidence score is at least 0.9
    And the enrollment has succeeded

  Scenario: The reference picture itself scores one
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    And "alice-reference.png" was uploaded for the validation
    When the validation has finished
    Then the validation has succeeded
    And the confidence score is 1

  Scenario Outline: A video selfie in <format> passes
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    When I upload "<video>" for the validation
    Then the upload is accepted
    When the validation has finished
    Then the validation has succeeded
    And the confidence score is at least 0.9

    Examples:
      | format | video             |
      | MP4    | alice-selfie.mp4  |
      | WebM   | alice-selfie.webm |

  Scenario: A validation stays pending until its file is uploaded
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account
    When I read the validation
    Then the request succeeds
    And the validation is pending
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: Passive liveness alone needs no enrollment
    Given a new account
    When I create a validation for the account with:
      | subvalidations | passive_liveness |
    Then the request succeeds
    And the validation refers to no enrollment
    When I upload "plain-photo.png" for the validation
    And the validation has finished
    Then the validation has succeeded
    And the validation reports "passive_liveness_status" as "success"
    And the validation reports no "similarity_status"

  Scenario: A validation for an account without an enrollment is not found
    Given a new account
    When I create a validation for the account
    Then the request is refused with status 404
    And the error message names the account

  Scenario: A validation for an enrollment still waiting for its reference picture is a conflict
    Given an enrollment for a new account
    When I create a validation for the account
    Then the request is refused with status 409
    And the error message names the enrollment

  Scenario: An unknown validation is not found
    When I read the validation "VLD00000000000000000000000000000000"
    Then the request is refused with status 404
    And the error message mentions "not found"
