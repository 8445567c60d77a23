@forced-outcomes @control
Feature: Outcomes forced through facesim's control API
  facesim's scenario rules force the response code of the next attempt of a face
  authentication, whatever its applicant (the sandbox convention needs an "eaplt_" external
  id): opening the verification URL then completes the capture with that code. A real vendor
  has no such control API: without --control these scenarios are skipped.

  Scenario Outline: A response code forced through the control API ends the attempt "<attempt status>" with <code>
    Given an applicant
    And a face authentication for the applicant
    And the control API forces the next attempt of the face authentication to end with "<forced>"
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "<status>" with <code>
    And the attempt is "<attempt status>" with <code>
    And the control API applied the forced outcome once

    Examples:
      | forced | status         | code  | attempt status      |
      | 10000  | approved       | 10000 | completed           |
      | 62304  | declined       | 62304 | completed           |
      | 63001  | refused        | 63001 | capture_refused     |
      | 61203A | retry_required | 61203 | capture_aborted     |
      | 61411I | retry_required | 61411 | checks_inconclusive |

  Scenario: A forced response code applies to one attempt only
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And the control API forces the next attempt of the face authentication to end with "61203A"
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "retry_required" with 61203
    When I create an attempt for the face authentication
    And the applicant opens the verification URL
    Then the face authentication is "approved" with 10000
    And the control API applied the forced outcome once
