@attempts
Feature: Face authentication attempts
  An attempt hands the applicant a verification URL. The first attempt moves the face
  authentication from "created" to "pending". A new attempt while the previous one is still
  waiting or capturing replaces it: the previous attempt is closed with 64001
  (forcibly_closed), "expired" when it was never opened and "capture_aborted" when it was.

  Scenario: The first attempt makes the face authentication pending
    Given an applicant
    And a face authentication for the applicant
    When I create an attempt with:
      | redirect_url                                      | https://example.com/back?step=done |
      | client_information.pre_selected_residence_country | FR                                 |
      | client_information.pre_selected_language          | en-US                              |
    Then the request succeeds with status 201
    And the answer's "id" starts with "fatp_"
    And the answer's "status" is "pending_redirection"
    And the answer's "response_codes" is []
    And the answer's "redirect_url" is "https://example.com/back?step=done"
    And the answer's "client_information" is {"pre_selected_residence_country": "FR", "pre_selected_language": "en-US"}
    And the answer's timestamps are UTC with whole seconds
    And the answer links to itself
    And the answer has a verification URL
    And reading the attempt answers what its creation answered
    And the face authentication is "pending" with no response code

  Scenario: An attempt needs only a redirect URL
    Given an applicant
    And a face authentication for the applicant
    When I create an attempt with:
      | redirect_url | https://example.com/back |
    Then the request succeeds with status 201
    And the answer has no "client_information"

  Scenario Outline: An attempt with <problem> is refused with "<codes>"
    Given an applicant
    And a face authentication for the applicant
    When I create an attempt with:
      | redirect_url                                      | <redirect url> |
      | client_information.pre_selected_residence_country | <country>      |
    Then the request is refused with status 422
    And the error codes are "<codes>"
    And the face authentication is "created" with no response code

    Examples:
      | problem                           | redirect url             | country   | codes                                                                     |
      | no redirect URL                   | (omitted)                | (omitted) | redirect_url_required                                                     |
      | a redirect URL that is no URL     | not a url                | (omitted) | redirect_url_invalid                                                      |
      | a redirect URL that is a number   | 42                       | (omitted) | redirect_url_invalid                                                      |
      | a country of three letters        | https://example.com/back | FRA       | client_information.pre_selected_residence_country_invalid                 |
      | a country with a digit            | https://example.com/back | F1        | client_information.pre_selected_residence_country_invalid                 |
      | no redirect URL and a bad country | (omitted)                | 12        | redirect_url_required, client_information.pre_selected_residence_country_invalid |

  Scenario: A new attempt while the previous one waits replaces it
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I create an attempt for the face authentication
    Then the request succeeds with status 201
    And the answer's "status" is "pending_redirection"
    And the first attempt is "expired" with 64001
    And the second attempt is "pending_redirection" with no response code
    And the face authentication is "pending" with no response code

  Scenario: A new attempt while the applicant captures replaces it
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the attempt is "capture_in_progress" with no response code
    And the face authentication is "capture_in_progress"
    When I create an attempt for the face authentication
    Then the request succeeds with status 201
    And the first attempt is "capture_aborted" with 64001
    And the second attempt is "pending_redirection" with no response code
    And the face authentication is "pending" with no response code

  Scenario: A new attempt after a retryable outcome is accepted
    Given an applicant with the external id "eaplt_61411I10000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "retry_required" with 61411
    When I create an attempt for the face authentication
    Then the request succeeds with status 201
    And the first attempt is "checks_inconclusive" with 61411
    And the second attempt is "pending_redirection" with no response code
    And the face authentication is "pending" with no response code

  Scenario: Reading an attempt answers what the list shows of it
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I list the attempts
    Then the request succeeds with status 200
    And every attempt listed reads the same on its own

  Scenario Outline: Reading the <which> attempt "<attempt>" is not found
    Given an applicant
    And a face authentication for the applicant
    When I read the attempt "<attempt>" of the face authentication
    Then the request is refused with status 404
    And the error codes are "attempt_not_found"

    Examples:
      | which     | attempt                        |
      | unknown   | fatp_aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | malformed | fatp-aaaaaaaaaaaaaaaaaaaaaaaaaa |

  Scenario: An attempt read through another face authentication is not found
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I read the attempt through another face authentication
    Then the request is refused with status 404
    And the error codes are "attempt_not_found"

  Scenario: Attempts of an unknown face authentication are not found
    When I create an attempt for the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    Then the request is refused with status 404
    And the error codes are "face_authentication_not_found"
    When I list the attempts of the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    Then the request is refused with status 404
    And the error codes are "face_authentication_not_found"
