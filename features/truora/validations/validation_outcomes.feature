Feature: Validation outcomes
  How a processed validation ends: a success, a decline with the reason, or a system error, and
  what each requested check reports. A declined validation also fails an enrollment that was
  still waiting for its face validation.

  Background:
    Given a new account enrolled with "alice-reference.png"

  Scenario Outline: A selfie showing <content> is declined with <reason>
    Given a validation for the account with:
      | subvalidations | similarity       |
      | subvalidations | passive_liveness |
    When I upload "<selfie>" for the validation
    Then the upload is accepted
    When the validation has finished
    Then the validation is declined because "<reason>"

    Examples:
      | content               | selfie               | reason                                   |
      | another person        | bob-selfie.jpg       | similarity_threshold_not_passed          |
      | a forced low score    | alice-forced-low.jpg | similarity_threshold_not_passed          |
      | no face               | no-face.png          | no_face_detected                         |
      | a blocklisted face    | blocklisted.png      | face_in_blocklist                        |
      | a presentation attack | alice-spoof.jpg      | passive_liveness_verification_not_passed |
      | a BMP picture         | unsupported.bmp      | file_format_not_supported                |
      | plain text            | not-media.txt        | file_format_not_supported                |

  Scenario: Another person fails the similarity check with a low score
    Given a validation for the account
    And "bob-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "similarity_threshold_not_passed"
    And the validation reports "similarity_status" as "failure"
    And the confidence score is at most 0.3

  Scenario: A selfie without a face scores zero
    Given a validation for the account
    And "no-face.png" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "no_face_detected"
    And the validation reports "similarity_status" as "failure"
    And the confidence score is 0

  Scenario: Only the requested checks are reported
    Given a validation for the account with:
      | subvalidations | passive_liveness |
    And "alice-spoof.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "passive_liveness_verification_not_passed"
    And the validation reports "passive_liveness_status" as "failure"
    And the validation reports no "similarity_status"

  Scenario: Without passive liveness a presentation attack is not looked for
    Given a validation for the account
    And "alice-spoof.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation has succeeded
    And the validation reports "similarity_status" as "success"
    And the validation reports no "passive_liveness_status"

  Scenario: When liveness and similarity both fail, liveness is the reason
    Given a validation for the account with:
      | subvalidations | similarity       |
      | subvalidations | passive_liveness |
    And "bob-spoof.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "passive_liveness_verification_not_passed"
    And the validation reports "passive_liveness_status" as "failure"
    And the validation reports "similarity_status" as "failure"

  Scenario: A live face of another person fails on similarity while liveness passes
    Given a validation for the account with:
      | subvalidations | similarity       |
      | subvalidations | passive_liveness |
    And "bob-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "similarity_threshold_not_passed"
    And the validation reports "passive_liveness_status" as "success"
    And the validation reports "similarity_status" as "failure"

  Scenario: A score below the threshold is declined
    Given a validation for the account with:
      | threshold | 0.99 |
    And "alice-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "similarity_threshold_not_passed"
    And the confidence score is at least 0.9

  Scenario: A score equal to the threshold passes
    Given a validation for the account with:
      | threshold | 0.2 |
    And "alice-forced-low.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation has succeeded
    And the confidence score is 0.2

  Scenario: A spoken phrase that does not match is declined for speech match
    Given a validation for the account with:
      | subvalidations    | similarity   |
      | subvalidations    | speech_match |
      | minimum_precision | high         |
    And "alice-speech-mismatch.mp4" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "speech_match_not_passed"
    And the validation reports "speech_match_status" as "failure"
    And the validation reports "similarity_status" as "success"

  Scenario: A matching spoken phrase passes speech match
    Given a validation for the account with:
      | subvalidations    | speech_match |
      | minimum_precision | very_high    |
    And "alice-selfie.webm" was uploaded for the validation
    When the validation has finished
    Then the validation has succeeded
    And the validation reports "speech_match_status" as "success"

  Scenario: A declined validation fails the waiting enrollment
    Given a validation for the account
    And "bob-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "similarity_threshold_not_passed"
    And the enrollment has failed because "face_validation_failed"

  Scenario: A later declined validation does not undo a successful enrollment
    Given a validation for the account
    And "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    And the enrollment has succeeded
    And a validation for the account
    And "bob-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "similarity_threshold_not_passed"
    And the enrollment has succeeded

  @control
  Scenario: A processing fault ends the validation with a system error and spares the enrollment
    Given the control API forces the account's next validation to end with "system_error"
    And a validation for the account
    And "alice-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation failed with a system error
    And the enrollment is "pending" because "waiting_face_validation"
    And the control API applied the forced outcome once

  @control
  Scenario Outline: A validation forced through the control API is declined with <reason> whatever the selfie
    Given the control API forces the account's next validation to end with "<reason>"
    And a validation for the account with:
      | subvalidations | similarity       |
      | subvalidations | passive_liveness |
    And "alice-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation is declined because "<reason>"
    And the enrollment has failed because "face_validation_failed"
    And the control API applied the forced outcome once

    Examples:
      | reason                                   |
      | similarity_threshold_not_passed          |
      | no_face_detected                         |
      | face_in_blocklist                        |
      | passive_liveness_verification_not_passed |

  @control
  Scenario: A forced outcome applies to one validation only
    Given the control API forces the account's next validation to end with "system_error"
    And a validation for the account
    And "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    And a validation for the account
    And "alice-selfie.jpg" was uploaded for the validation
    When the validation has finished
    Then the validation has succeeded
    And the enrollment has succeeded
    And the control API applied the forced outcome once
