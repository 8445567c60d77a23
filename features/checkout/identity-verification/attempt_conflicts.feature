@attempts @conflicts
Feature: When a new attempt is accepted
  Once an attempt exists, a new attempt is accepted only while the face authentication is
  "created", "pending", "capture_in_progress" or "retry_required"; in any other status the
  answer is 409 with the code "face_authentication_status_<status>". The outcomes come from
  the vendor's sandbox convention: the applicant's external id lists one code per attempt,
  and opening the verification URL completes the capture with it.

  Scenario: A new attempt is accepted while the face authentication is created
    Given an applicant
    And a face authentication for the applicant
    And the face authentication is "created" with no response code
    When I create an attempt for the face authentication
    Then the request succeeds with status 201

  Scenario Outline: A new attempt is accepted while the face authentication is <status>
    Given an applicant with the external id "<external id>"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And <how>
    And the face authentication is "<status>"
    When I create an attempt for the face authentication
    Then the request succeeds with status 201
    And the face authentication is "pending" with no response code

    Examples:
      | status              | external id                      | how                                   |
      | pending             | ext_conflicts_pending            | the attempt is "pending_redirection"  |
      | capture_in_progress | ext_conflicts_capturing          | the applicant opens the verification URL |
      | retry_required      | eaplt_61121A10000000000000000000 | the applicant opens the verification URL |

  Scenario: A new attempt is refused while the checks run
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    And I create an attempt for the face authentication
    Then the request is refused with status 409
    And the error codes are one of "face_authentication_status_checks_in_progress, face_authentication_status_approved"
    And the face authentication is "approved" with 10000
    And the face authentication has 1 attempt

  Scenario Outline: A new attempt is refused once the face authentication is <status>
    Given an applicant with the external id "<external id>"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "<status>" with <code>
    When I create an attempt for the face authentication
    Then the request is refused with status 409
    And the error codes are "face_authentication_status_<status>"
    And the face authentication is "<status>" with <code>
    And the face authentication has 1 attempt

    Examples:
      | status   | external id                      | code  |
      | approved | eaplt_10000000000000000000000000 | 10000 |
      | declined | eaplt_62304000000000000000000000 | 62304 |
      | refused  | eaplt_63001000000000000000000000 | 63001 |

  Scenario: A new attempt is refused once the allowed attempts are used up
    Given an applicant with the external id "eaplt_61411I61411I61411I00000000"
    And a face authentication for the applicant
    And the applicant fails 3 attempts
    And the face authentication is "inconclusive" with 61411
    When I create an attempt for the face authentication
    Then the request is refused with status 409
    And the error codes are "face_authentication_status_inconclusive"
    And the face authentication has 3 attempts
