@assets
Feature: Attempt assets
  A completed capture keeps one face image; accounts with videos enabled also get the face
  video. Asset links are pre-signed and download the file; a changed link is refused. Assets
  are listed a page at a time like attempts.

  Scenario: An attempt waiting to be opened has no asset
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I list the assets of the attempt
    Then the request succeeds with status 200
    And the page says total_count 0, skip 0 and limit 10
    And the attempt has no asset

  Scenario: A completed capture keeps the face image only
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "approved" with 10000
    Then the attempt has the assets "face_image"
    And every asset link downloads its file
    And a changed asset link is refused
    And the face authentication's face image downloads a picture

  @videos-key
  Scenario: An account with videos enabled also gets the face video
    Given I use the videos-enabled account's API key
    And an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "approved" with 10000
    Then the attempt has the assets "face_image, face_video"
    And every asset link downloads its file

  Scenario: Assets are listed a page at a time
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "approved" with 10000
    When I list the assets of the attempt with "skip=1&limit=1"
    Then the request succeeds with status 200
    And the page says total_count 1, skip 1 and limit 1
    And the page's previous link asks for skip 0 and limit 1
    And the page has no next link
    When I list the assets of the attempt with "limit=0"
    Then the request is refused with status 422
    And the error codes are "limit_invalid"

  Scenario: Assets of an attempt read through another face authentication are not found
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I list the assets of the attempt through another face authentication
    Then the request is refused with status 404
    And the error codes are "attempt_not_found"
