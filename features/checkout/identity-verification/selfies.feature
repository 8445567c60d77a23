@capture @selfies @control
Feature: Selfies
  A selfie captured on the page is compared with the applicant's reference picture: the same
  person is approved, another person is declined with 62321 (face_face_mismatch), a spoof with
  62305 (face_not_live), a blocklisted face with 62405 (known_fraudulent_face); a picture
  without a face requires a retry with 61410 (face_not_captured). Several faces are approved
  with the risk label "multiple_faces_detected". Without a reference picture, the applicant's
  first selfie with a face becomes it. The selfies are given through the control API.

  Background:
    Given an applicant
    And the applicant's reference picture is "alice-reference.png"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL

  Scenario: A selfie of the same person is approved
    When the control API takes the selfie "alice-selfie.jpg" for the attempt
    Then the control API answered the attempt as "checks_in_progress"
    And the face authentication is "approved" with 10000
    And the attempt is "completed" with 10000
    And the face authentication has no risk label
    And the face authentication's face image downloads a picture

  Scenario Outline: A selfie showing <what> ends "<status>" with <code>
    When the control API takes the selfie "<selfie>" for the attempt
    Then the face authentication is "<status>" with <code>
    And the attempt is "<attempt status>" with <code>

    Examples:
      | what               | selfie           | status         | code  | attempt status      |
      | another person     | bob-selfie.jpg   | declined       | 62321 | completed           |
      | a spoof            | alice-spoof.jpg  | declined       | 62305 | completed           |
      | a blocklisted face | blocklisted.png  | declined       | 62405 | completed           |
      | a forced low score | alice-forced-low.jpg | declined   | 62321 | completed           |
      | no face            | no-face.png      | retry_required | 61410 | checks_inconclusive |

  @simulated-fault
  Scenario: A processing fault requires a retry with an internal error
    When the control API takes the selfie "alice-system-error.jpg" for the attempt
    Then the face authentication is "retry_required" with 61901
    And the attempt is "checks_inconclusive" with 61901

  Scenario: A selfie with several faces is approved with a risk label
    When the control API takes the selfie "many-faces.png" for the attempt
    Then the face authentication is "approved" with 10000
    And the face authentication has the risk label "multiple_faces_detected"

  Scenario Outline: A file that is <what> is refused and the capture goes on
    Then the control API refuses the selfie "<file>" for the attempt
    And the attempt is "capture_in_progress" with no response code
    When the control API takes the selfie "alice-selfie.jpg" for the attempt
    Then the face authentication is "approved" with 10000

    Examples:
      | what          | file          |
      | no picture    | not-media.txt |
      | a broken file | corrupt.png   |

  Scenario: A retry after a selfie without a face can still succeed
    Given the control API takes the selfie "no-face.png" for the attempt
    And the face authentication is "retry_required" with 61410
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When the control API takes the selfie "alice-selfie.jpg" for the attempt
    Then the face authentication is "approved" with 10000
