@auth
Feature: Authentication
  Every call needs HTTP Basic authentication: "Authorization: Basic " and the Base64 of
  username:password. A missing header, another scheme, a value that is not Base64 of
  username:password, or an unknown pair is refused with 401, an empty body and a Basic challenge
  in WWW-Authenticate.

  Scenario Outline: <endpoint> without credentials is unauthorized
    Given I use no credentials
    When I send a valid <endpoint> request
    Then the request is unauthorized with a Basic challenge

    Examples:
      | endpoint          |
      | face verification |
      | face liveness     |
      | document liveness |

  Scenario Outline: Credentials with <what> are unauthorized
    Given I use <credentials>
    When I send a valid face verification request
    Then the request is unauthorized with a Basic challenge

    Examples:
      | what                        | credentials                                            |
      | a wrong password            | Basic credentials with the password "not-the-password" |
      | an empty password           | Basic credentials with the password ""                 |
      | an unknown username         | Basic credentials with the username "nobody"           |
      | the Bearer scheme           | the authorization header "Bearer (the credentials)"    |
      | no scheme                   | the authorization header "(the credentials)"           |
      | a value that is not Base64  | the authorization header "Basic ***"                   |
      | Base64 without a colon      | the authorization header "Basic bm9ib2R5"              |
      | an empty Basic value        | the authorization header "Basic"                       |

  Scenario Outline: The valid credentials are accepted by <endpoint>
    Given I use the main credentials
    When I send a valid <endpoint> request
    Then the score passes the threshold

    Examples:
      | endpoint          |
      | face verification |
      | face liveness     |
      | document liveness |

  Scenario: The credentials are checked before the body
    Given I use no credentials
    When I send this body as "application/json" to face verification:
      """
      {"probe":
      """
    Then the request is unauthorized with a Basic challenge

  @decision
  Scenario: The challenge names the realm "trustmatic"
    Given I use no credentials
    When I send a valid face liveness request
    Then the request is unauthorized with a Basic challenge
    And the challenge names the realm "trustmatic"

  @decision
  Scenario Outline: Authentication comes before <what>
    Given I use no credentials
    When I send a <method> request to "<path>"
    Then the request is unauthorized with a Basic challenge

    Examples:
      | what                 | method | path                   |
      | the method           | GET    | /api/v1/face/verify    |
      | the path             | POST   | /api/v1/face/compare   |
      | the content type     | POST   | /api/v1/face/liveness  |
