@clock
Feature: The virtual clock
  `GET /_facesim/clock` shows the virtual time and how far it runs ahead of real time;
  `POST /_facesim/clock/advance` moves it forward by a number of seconds and
  `POST /_facesim/clock/set` to a later time. The clock never goes back: an earlier time is a 409.

  Scenario: Reading the clock shows the virtual time and its offset
    When I GET "/clock"
    Then the control API answers 200

  @serial
  Scenario: Advancing the clock adds the seconds to its offset
    Given I note the clock
    When I POST "/clock/advance" with:
      """
      {"seconds": 3600}
      """
    Then the control API answers 200
    And the clock runs 3600 seconds further ahead than noted

  @serial
  Scenario: Advancing by a fraction of a second keeps the milliseconds
    Given I note the clock
    When I POST "/clock/advance" with:
      """
      {"seconds": 1.5}
      """
    Then the control API answers 200
    And the clock runs 1.5 seconds further ahead than noted

  @serial
  Scenario: Setting the clock to a later time moves it there
    Given I note the clock
    When I set the clock 86400 seconds after the noted time
    Then the control API answers 200
    And the clock shows the noted time plus 86400 seconds

  @serial
  Scenario: Setting the clock back is a conflict and leaves it where it was
    Given I note the clock
    When I set the clock 60 seconds before the noted time
    Then the control API refuses with 409 "conflict"
    And the clock has not moved since noted

  @serial
  Scenario Outline: A clock request with <what> is refused and moves nothing
    Given I note the clock
    When I POST "<path>" as "application/json" with:
      """
      <body>
      """
    Then the control API refuses with 400 "bad_request"
    And the clock has not moved since noted

    Examples:
      | what                      | path           | body                               |
      | malformed JSON            | /clock/advance | {"seconds":                        |
      | seconds as a string       | /clock/advance | {"seconds": "60"}                  |
      | negative seconds          | /clock/advance | {"seconds": -5}                    |
      | an unknown key            | /clock/advance | {"seconds": 5, "minutes": 1}       |
      | a body that is an array   | /clock/advance | [5]                                |
      | no time                   | /clock/set     | {}                                 |
      | an unparsable time        | /clock/set     | {"now": "tomorrow"}                |
      | a time as a number        | /clock/set     | {"now": 1893456000}                |
      | a time centuries ahead    | /clock/set     | {"now": "2999-01-01T00:00:00Z"}    |

  @serial
  Scenario: A clock request that is not declared JSON is refused with 415
    Given I note the clock
    When I POST "/clock/advance" as "text/plain" with:
      """
      {"seconds": 60}
      """
    Then the control API refuses with 415 "unsupported_media_type"
    And the clock has not moved since noted
