@sandbox
Feature: Outcomes chosen by the sandbox convention
  In the vendor's sandbox the applicant's external id chooses the outcomes: after "eaplt_"
  come 5-digit codes, one per attempt, padded with zeros to 26 characters. A 61xxx code is
  followed by "A" (the capture is aborted) or "I" (the checks are inconclusive), and the next
  code applies to the next attempt; an attempt past the last code gets the last code. Opening
  the verification URL completes the capture on its own.

  Scenario Outline: The external id "<external id>" ends the first attempt "<status>" with <code>
    Given an applicant with the external id "<external id>"
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "<status>" with <code>
    And the attempt is "<attempt status>" with <code>

    Examples:
      | external id                      | status         | code  | attempt status      |
      | eaplt_10000000000000000000000000 | approved       | 10000 | completed           |
      | eaplt_62304000000000000000000000 | declined       | 62304 | completed           |
      | eaplt_62402000000000000000000000 | declined       | 62402 | completed           |
      | eaplt_63001000000000000000000000 | refused        | 63001 | capture_refused     |
      | eaplt_61203A62402000000000000000 | retry_required | 61203 | capture_aborted     |
      | eaplt_61411I10000000000000000000 | retry_required | 61411 | checks_inconclusive |

  Scenario Outline: After "<first>" once, the external id "<external id>" ends the next attempt "<status>"
    Given an applicant with the external id "<external id>"
    And a face authentication for the applicant
    And the applicant fails 1 attempt
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "<status>" with <code>
    And the first attempt is "<first>" with <first code>

    Examples:
      | external id                      | first               | first code | status   | code  |
      | eaplt_61411I10000000000000000000 | checks_inconclusive | 61411      | approved | 10000 |
      | eaplt_61203A62402000000000000000 | capture_aborted     | 61203      | declined | 62402 |

  Scenario: An attempt past the last code gets the last code
    Given an applicant with the external id "eaplt_61121A00000000000000000000"
    And a face authentication for the applicant
    And the applicant fails 2 attempts
    Then the face authentication is "retry_required" with 61121
    And the first attempt is "capture_aborted" with 61121
    And the second attempt is "capture_aborted" with 61121

  Scenario: An applicant without a sandbox external id stays in the capture
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the attempt is "capture_in_progress" with no response code
    And the face authentication is "capture_in_progress" with no response code

  Scenario: Every applicant of the same external id gets the same outcome
    Given an applicant with the external id "eaplt_62402000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "declined" with 62402
    And an applicant with the external id "eaplt_62402000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "declined" with 62402
