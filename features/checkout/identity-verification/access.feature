@auth
Feature: Authentication
  Every call needs "Authorization: Bearer <secret key>" with a key of the service. A missing
  header, another scheme or an unknown key is refused with 401 and an empty body, before the
  request is looked at. Each account sees only its own resources.

  Scenario Outline: A request to <request> without a key is unauthorized
    Given I use no API key
    When I <request>
    Then the request is refused with status 401

    Examples:
      | request                                                                                               |
      | create an applicant without any field                                                                 |
      | read the applicant "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa"                                                   |
      | update the applicant "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa"                                                 |
      | anonymize the applicant "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa"                                              |
      | create a face authentication for the applicant "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa"                       |
      | read the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"                                          |
      | anonymize the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"                                     |
      | create an attempt for the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"                         |
      | list the attempts of the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa"                          |
      | read the attempt "fatp_aaaaaaaaaaaaaaaaaaaaaaaaaa" of the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa" |
      | list the assets of the attempt "fatp_aaaaaaaaaaaaaaaaaaaaaaaaaa" of the face authentication "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa" |

  Scenario Outline: A request with <what> is unauthorized
    Given I use the authorization header "<header>"
    When I create an applicant without any field
    Then the request is refused with status 401

    Examples:
      | what                          | header                                     |
      | an unknown key                | Bearer sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa  |
      | a public key                  | Bearer pk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa  |
      | the key without its scheme    | (the main key)                             |
      | the key in the Basic scheme   | Basic (the main key)                       |
      | an empty bearer               | Bearer                                     |

  Scenario: A key of the service reads what it created
    Given an applicant
    When I read the applicant
    Then the request succeeds with status 200

  Scenario: The key is checked before the request body
    Given I use no API key
    When I send this body as "application/json" to create an applicant:
      """
      {"email": 
      """
    Then the request is refused with status 401

  @second-key
  Scenario: Accounts do not see each other's attempts
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I use the second account's API key
    And I read the attempt
    Then the request is refused with status 404
    When I list the assets of the attempt
    Then the request is refused with status 404
    When I use the main API key
    And I read the attempt
    Then the request succeeds with status 200
