@expiry @control @serial
Feature: Verification links expire
  An attempt's verification URL lives 15 minutes from the attempt's creation until it is
  opened. An attempt never opened in that time expires and the face authentication requires
  a retry with 61101 (applicant_never_started). An opened attempt does not expire. Signed
  asset links live 15 minutes too; reading the assets again signs new ones.

  Scenario: An attempt never opened expires after 15 minutes
    Given the service's clock can be moved
    And an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When 15 minutes pass on the service's clock
    Then the attempt is "expired" with 61101
    And the face authentication is "retry_required" with 61101

  Scenario: An attempt is still waiting after 14 minutes
    Given the service's clock can be moved
    And an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When 14 minutes pass on the service's clock
    Then the attempt is "pending_redirection" with no response code
    And the face authentication is "pending" with no response code

  Scenario: An opened attempt does not expire
    Given the service's clock can be moved
    And an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When 20 minutes pass on the service's clock
    Then the attempt is "capture_in_progress" with no response code
    And the face authentication is "capture_in_progress" with no response code

  Scenario: A new attempt after an expired one is a retry
    Given the service's clock can be moved
    And an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And 16 minutes pass on the service's clock
    And the face authentication is "retry_required" with 61101
    When I create an attempt for the face authentication
    Then the request succeeds with status 201
    And the first attempt is "expired" with 61101
    And the face authentication is "pending" with no response code
    When the applicant opens the verification URL
    Then the face authentication is "approved" with 10000

  Scenario: Asset links live 15 minutes
    Given the service's clock can be moved
    And an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "approved" with 10000
    And every asset link downloads its file
    When 16 minutes pass on the service's clock
    Then the asset links read before are refused
    And every asset link downloads its file

  Scenario: The replacement link lives 15 minutes from its own creation
    Given the service's clock can be moved
    And an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And 10 minutes pass on the service's clock
    And an attempt for the face authentication
    When 10 minutes pass on the service's clock
    Then the first attempt is "expired" with 64001
    And the second attempt is "pending_redirection" with no response code
    When 5 minutes pass on the service's clock
    Then the second attempt is "expired" with 61101
    And the face authentication is "retry_required" with 61101
