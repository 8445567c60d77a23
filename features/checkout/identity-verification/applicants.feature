@applicants
Feature: Applicants
  An applicant is the person face authentications are about. It is created with an optional
  external id, email and name, read, updated (email and name) and anonymized (email and name
  are dropped, the external id stays). Each account sees only its own applicants.

  Scenario: A new applicant echoes what it was given
    When I create an applicant with:
      | external_applicant_id   | ext_hannah_bret         |
      | email                   | hannah.bret@example.com |
      | external_applicant_name | Hannah Bret             |
    Then the request succeeds with status 201
    And the answer's "id" starts with "aplt_"
    And the answer's "external_applicant_id" is "ext_hannah_bret"
    And the answer's "email" is "hannah.bret@example.com"
    And the answer's "external_applicant_name" is "Hannah Bret"
    And the answer's timestamps are UTC with whole seconds
    And the answer links to itself
    And reading the applicant answers what its creation answered

  Scenario: An applicant can be created without any field
    When I create an applicant without any field
    Then the request succeeds with status 201
    And the answer has no "email"
    And the answer has no "external_applicant_name"
    And reading the applicant answers what its creation answered

  Scenario: The vendor's sandbox external ids are accepted
    When I create an applicant with:
      | external_applicant_id | eaplt_10000000000000000000000000 |
    Then the request succeeds with status 201
    And the answer's "external_applicant_id" is "eaplt_10000000000000000000000000"

  Scenario: A name of 255 characters is accepted
    When I create an applicant with:
      | external_applicant_name | (255 characters) |
    Then the request succeeds with status 201

  Scenario Outline: An applicant with <problem> is refused with "<code>"
    When I create an applicant with:
      | <field> | <value> |
    Then the request is refused with status 422
    And the error codes are "<code>"

    Examples:
      | problem                           | field                   | value              | code                            |
      | an external id without a prefix   | external_applicant_id   | hannah_bret        | external_applicant_id_invalid   |
      | an external id with a space       | external_applicant_id   | ext_hannah bret    | external_applicant_id_invalid   |
      | an external id that is a number   | external_applicant_id   | 42                 | external_applicant_id_invalid   |
      | an email without an at sign       | email                   | hannah.example.com | email_invalid                   |
      | an email that is a number         | email                   | 42                 | email_invalid                   |
      | a name of 256 characters          | external_applicant_name | (256 characters)   | external_applicant_name_invalid |
      | a name that is a list             | external_applicant_name | ["Hannah"]         | external_applicant_name_invalid |

  Scenario: Every problem of an applicant is listed in the order of its fields
    When I create an applicant with:
      | external_applicant_id   | hannah           |
      | email                   | hannah           |
      | external_applicant_name | (300 characters) |
    Then the request is refused with status 422
    And the error codes are "external_applicant_id_invalid, email_invalid, external_applicant_name_invalid"

  Scenario: Updating an applicant changes its email and name only
    Given an applicant
    When I update the applicant with:
      | email                   | new.address@example.com |
      | external_applicant_name | New Name                |
    Then the request succeeds with status 200
    And the answer's "email" is "new.address@example.com"
    And the answer's "external_applicant_name" is "New Name"
    And the answer keeps the applicant's id, external id and creation time
    And reading the applicant answers what the last request answered

  Scenario: An invalid update is refused and changes nothing
    Given an applicant
    When I update the applicant with:
      | email | not-an-address |
    Then the request is refused with status 422
    And the error codes are "email_invalid"
    And reading the applicant answers what its creation answered

  Scenario: Anonymizing an applicant drops its email and name and keeps its external id
    Given an applicant
    When I anonymize the applicant
    Then the request succeeds with status 200
    And the answer has no "email"
    And the answer has no "external_applicant_name"
    And the answer keeps the applicant's id, external id and creation time
    And reading the applicant answers what the last request answered

  Scenario Outline: The <which> applicant "<id>" is not found when I <action> it
    When I <action> the applicant "<id>"
    Then the request is refused with status 404
    And the error codes are "applicant_not_found"

    Examples:
      | which     | action    | id                             |
      | unknown   | read      | aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | unknown   | update    | aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | unknown   | anonymize | aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | malformed | read      | aplt-aaaaaaaaaaaaaaaaaaaaaaaaaa |
      | malformed | read      | fav_aaaaaaaaaaaaaaaaaaaaaaaaaa  |
      | malformed | update    | aplt_                          |

  @second-key
  Scenario: Another account's applicant is not found
    Given an applicant
    When I use the second account's API key
    And I read the applicant
    Then the request is refused with status 404
    And the error codes are "applicant_not_found"
    When I update the applicant with:
      | email | thief@example.com |
    Then the request is refused with status 404
    When I anonymize the applicant
    Then the request is refused with status 404
    When I use the main API key
    Then reading the applicant answers what its creation answered
