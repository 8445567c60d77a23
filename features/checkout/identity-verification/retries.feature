@retries
Feature: Allowed attempts
  A face authentication allows 3 attempts that end with a 61xxx code: the outcome that uses
  up the last one makes it "inconclusive" (no more attempts) instead of "retry_required".
  Attempts closed with 64001 do not count.

  Scenario: The third retryable outcome makes the face authentication inconclusive
    Given an applicant with the external id "eaplt_61203A61203A61203A00000000"
    And a face authentication for the applicant
    And the applicant fails 2 attempts
    And the face authentication is "retry_required" with 61203
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "inconclusive" with 61203
    And the attempt is "capture_aborted" with 61203

  @control
  Scenario: Replaced attempts do not count
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And an attempt for the face authentication
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the control API aborts the attempt with 61121
    And the face authentication is "retry_required" with 61121
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the control API makes the attempt inconclusive with 61402
    And the face authentication is "retry_required" with 61402
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When the control API aborts the attempt with 61203
    Then the face authentication is "inconclusive" with 61203
    And the face authentication has 5 attempts

  @control
  Scenario: Forcibly closed attempts do not count
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the control API closes the attempt
    And the face authentication is "retry_required" with 64001
    And the applicant fails 2 attempts through the control API
    And the face authentication is "retry_required" with 61121
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When the control API aborts the attempt with 61121
    Then the face authentication is "inconclusive" with 61121
