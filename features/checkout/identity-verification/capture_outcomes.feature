@capture @control
Feature: Capture outcomes
  Once the applicant opens the verification URL the capture is in progress. A completed
  capture is checked (the checks take a moment) and ends "approved" (10000) or "declined"
  (62xxx); checks that cannot conclude, and an aborted capture, make the face authentication
  "retry_required" (61xxx); a refusal makes it "refused" (63001); a forcibly closed flow makes
  it "retry_required" with 64001. The capture is driven through the control API.

  Background:
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL

  Scenario: An approved capture is checked, then approved
    When the control API approves the attempt
    Then the control API answered the attempt as "checks_in_progress"
    And the face authentication is "approved" with 10000
    And the attempt is "completed" with 10000
    And the face authentication has no risk label

  Scenario Outline: A capture declined with <code> declines the face authentication
    When the control API declines the attempt with <code>
    Then the face authentication is "declined" with <code>
    And the attempt is "completed" with <code>

    Examples:
      | code  |
      | 62304 |
      | 62305 |
      | 62306 |
      | 62307 |
      | 62321 |
      | 62401 |
      | 62402 |
      | 62403 |
      | 62405 |

  Scenario: A capture declined without a code is a face mismatch
    When the control API declines the attempt
    Then the face authentication is "declined" with 62304

  Scenario Outline: An aborted capture with <code> requires a retry
    When the control API aborts the attempt with <code>
    Then the control API answered the attempt as "capture_aborted"
    And the face authentication is "retry_required" with <code>
    And the attempt is "capture_aborted" with <code>

    Examples:
      | code  |
      | 61111 |
      | 61113 |
      | 61121 |
      | 61201 |
      | 61202 |
      | 61203 |

  Scenario: An aborted capture without a code is an applicant drop
    When the control API aborts the attempt
    Then the face authentication is "retry_required" with 61121

  Scenario Outline: Inconclusive checks with <code> require a retry
    When the control API makes the attempt inconclusive with <code>
    Then the face authentication is "retry_required" with <code>
    And the attempt is "checks_inconclusive" with <code>

    Examples:
      | code  |
      | 61401 |
      | 61402 |
      | 61410 |
      | 61411 |
      | 61412 |
      | 61413 |
      | 61901 |
      | 61911 |

  Scenario: Inconclusive checks without a code are a partially hidden face
    When the control API makes the attempt inconclusive
    Then the face authentication is "retry_required" with 61411

  Scenario: A refused capture refuses the face authentication
    When the control API refuses the attempt
    Then the control API answered the attempt as "capture_refused"
    And the face authentication is "refused" with 63001
    And the attempt is "capture_refused" with 63001

  Scenario: A forcibly closed capture requires a retry with 64001
    When the control API closes the attempt
    Then the face authentication is "retry_required" with 64001
    And the attempt is "capture_aborted" with 64001

  Scenario: A manual audit overrides a finished face authentication
    Given the control API approves the attempt
    And the face authentication is "approved" with 10000
    When the control API audits the face authentication as "declined" with 62402
    Then the face authentication is "declined" with 62402
