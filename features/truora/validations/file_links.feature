Feature: Validation file links
  Reading a validation with show_details=true lists links to the files it compared: the
  reference picture of the enrollment and the file the person uploaded. The links are signed,
  serve the exact bytes that were uploaded, and are valid for 15 minutes.

  Background:
    Given a new account enrolled with "alice-reference.png"
    And a validation for the account

  Scenario: Detail links download the exact files that were compared
    Given "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    When I read the validation with details
    Then the request succeeds
    And the details list 1 reference file and 1 user file
    And the reference file link downloads "alice-reference.png"
    And the user file link downloads "alice-selfie.jpg"

  Scenario: A video is served as a video
    Given "alice-selfie.mp4" was uploaded for the validation
    And the validation has finished
    When I read the validation with details
    Then the user file link downloads "alice-selfie.mp4"

  Scenario: Before the upload only the reference file is listed
    When I read the validation with details
    Then the request succeeds
    And the details list 1 reference file and 0 user files

  Scenario: Without show_details no file links are listed
    Given "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    When I read the validation
    Then the validation lists no files
    When I read the validation without details
    Then the validation lists no files

  Scenario Outline: A file link with <change> is forbidden
    Given "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    When I read the validation with details
    Then the reference file link with <change> is forbidden

    Examples:
      | change             |
      | a forged signature |
      | no signature       |
      | a postponed expiry |

  Scenario: A deleted enrollment takes its reference file with it
    Given "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    And I read the validation with details
    When I delete the enrollment
    Then the request succeeds
    And the reference file link is gone
    And the user file link downloads "alice-selfie.jpg"
    When I read the validation with details
    Then the details list 0 reference files and 1 user file

  @control @serial
  Scenario: Detail links expire after 15 minutes
    Given the service's clock can be moved
    And "alice-selfie.jpg" was uploaded for the validation
    And the validation has finished
    And I read the validation with details
    When 14 minutes pass on the service's clock
    Then the user file link downloads "alice-selfie.jpg"
    When 62 seconds pass on the service's clock
    Then the reference file link is forbidden
    And the user file link is forbidden
    When I read the validation with details
    Then the user file link downloads "alice-selfie.jpg"
