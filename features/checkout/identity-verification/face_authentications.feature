@face-authentications
Feature: Face authentications
  A face authentication checks that the person in front of the camera is a known applicant.
  It needs an existing applicant of the same account and a user journey (configuration) id,
  starts "created" without any response code or risk label, and links to its applicant.

  Scenario: A new face authentication is created for an applicant
    Given an applicant
    When I create a face authentication for the applicant
    Then the request succeeds with status 201
    And the answer's "id" starts with "fav_"
    And the answer's "status" is "created"
    And the answer's "response_codes" is []
    And the answer's "risk_labels" is []
    And the answer names the applicant and the user journey sent
    And the answer's timestamps are UTC with whole seconds
    And the answer links to itself
    And the face authentication links to its applicant
    And reading the face authentication answers what its creation answered

  Scenario: Any well-formed user journey id is accepted
    Given an applicant
    When I create a face authentication with:
      | applicant_id    | (the applicant)                |
      | user_journey_id | usj_zzzzzzzzzzzzzzzzzzzzzz2345 |
    Then the request succeeds with status 201
    And the answer's "user_journey_id" is "usj_zzzzzzzzzzzzzzzzzzzzzz2345"

  Scenario Outline: A face authentication with <problem> is refused with "<codes>"
    Given an applicant
    When I create a face authentication with:
      | applicant_id    | <applicant>    |
      | user_journey_id | <user journey> |
    Then the request is refused with status 422
    And the error codes are "<codes>"

    Examples:
      | problem                                | applicant                      | user journey                    | codes                                               |
      | no applicant id                        | (omitted)                      | usj_aaaaaaaaaaaaaaaaaaaaaaaaaa  | applicant_id_required                               |
      | no user journey id                     | (the applicant)                | (omitted)                       | user_journey_id_required                            |
      | neither id                             | (omitted)                      | (omitted)                       | applicant_id_required, user_journey_id_required     |
      | an applicant id without its prefix     | aaaaaaaaaaaaaaaaaaaaaaaaaa     | usj_aaaaaaaaaaaaaaaaaaaaaaaaaa  | applicant_id_invalid                                |
      | an applicant id that is a number       | 42                             | usj_aaaaaaaaaaaaaaaaaaaaaaaaaa  | applicant_id_invalid                                |
      | a user journey id in upper case        | (the applicant)                | usj_AAAAAAAAAAAAAAAAAAAAAAAAAA  | user_journey_id_invalid                             |
      | a user journey id too short            | (the applicant)                | usj_aaaa                        | user_journey_id_invalid                             |
      | a user journey id with a 0             | (the applicant)                | usj_0aaaaaaaaaaaaaaaaaaaaaaaaa  | user_journey_id_invalid                             |
      | two invalid ids                        | aplt-1                         | usj_1                           | applicant_id_invalid, user_journey_id_invalid       |
      | an unknown applicant                   | aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa | usj_aaaaaaaaaaaaaaaaaaaaaaaaaa | applicant_not_found                                 |

  @second-key
  Scenario: A face authentication for another account's applicant is refused
    Given an applicant
    When I use the second account's API key
    And I create a face authentication for the applicant
    Then the request is refused with status 422
    And the error codes are "applicant_not_found"

  Scenario Outline: Reading the <which> face authentication "<id>" is not found
    When I read the face authentication "<id>"
    Then the request is refused with status 404
    And the error codes are "face_authentication_not_found"

    Examples:
      | which     | id                            |
      | unknown   | fav_aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | malformed | fav-aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | malformed | aplt_aaaaaaaaaaaaaaaaaaaaaaaaa |

  @second-key
  Scenario: Another account's face authentication is not found
    Given an applicant
    And a face authentication for the applicant
    When I use the second account's API key
    And I read the face authentication
    Then the request is refused with status 404
    And the error codes are "face_authentication_not_found"
    When I anonymize the face authentication
    Then the request is refused with status 404
    When I create an attempt for the face authentication
    Then the request is refused with status 404
    When I list the attempts
    Then the request is refused with status 404
