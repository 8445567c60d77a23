@capture @selfies @control
Feature: Reference pictures taken from the first selfie
  Without a reference picture, the first selfie with a face that an applicant captures
  becomes the reference, and that attempt is approved. Later selfies are compared with it.

  Scenario: The first selfie becomes the reference and later ones are compared with it
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the control API takes the selfie "bob-selfie.jpg" for the attempt
    And the face authentication is "approved" with 10000
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When the control API takes the selfie "alice-selfie.jpg" for the attempt
    Then the face authentication is "declined" with 62321

  Scenario: A selfie without a face does not become the reference
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the control API takes the selfie "no-face.png" for the attempt
    And the face authentication is "retry_required" with 61410
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When the control API takes the selfie "bob-selfie.jpg" for the attempt
    Then the face authentication is "approved" with 10000
