@anonymize
Feature: Anonymizing face authentications
  Anonymizing a face authentication keeps its status and codes and drops its face image and
  the assets of its attempts. It is refused while a capture or the checks run. An attempt
  still waiting to be opened is closed with 64001. Anonymizing twice is harmless.

  Scenario: Anonymizing a finished face authentication keeps its outcome and drops its pictures
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "approved" with 10000
    And the attempt has the assets "face_image"
    When I anonymize the face authentication
    Then the request succeeds with status 200
    And the answer's "status" is "approved"
    And the answer has no "face"
    And the face authentication is "approved" with 10000
    And the attempt has no asset
    When I anonymize the face authentication
    Then the request succeeds with status 200
    And the answer's "status" is "approved"

  Scenario: Anonymizing a new face authentication changes nothing else
    Given an applicant
    And a face authentication for the applicant
    When I anonymize the face authentication
    Then the request succeeds with status 200
    And the answer's "status" is "created"
    When I create an attempt for the face authentication
    Then the request succeeds with status 201

  Scenario: Anonymizing closes an attempt waiting to be opened
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I anonymize the face authentication
    Then the request succeeds with status 200
    And the attempt is "expired" with 64001
    And the face authentication is "retry_required" with 64001

  Scenario: Anonymizing during a capture is refused
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    When I anonymize the face authentication
    Then the request is refused with status 422
    And the error codes are "face_authentication_not_anonymizable"
    And the face authentication is "capture_in_progress" with no response code

  Scenario: Anonymizing an unknown face authentication is not found
    When I anonymize the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    Then the request is refused with status 404
    And the error codes are "face_authentication_not_found"
