@verify
Feature: Face verification
  POST /api/v1/face/verify compares a probe picture (the live capture) with a reference
  picture (stored, or from a document). Every outcome of the check is HTTP 200 with
  "hasError"; a check that ran answers an integer "score" from 0 to 100, passed when it is at
  least the default threshold 27. The answer repeats the request's "sessionId".

  Scenario: A selfie of the same person passes against the reference
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score passes the threshold
    And the answer repeats the session id
    And the answer has no "error"

  Scenario: A selfie of another person does not pass
    When I verify "bob-selfie.jpg" against "alice-reference.png"
    Then the score is below the threshold
    And the answer repeats the session id

  Scenario: The same request always gets the same answer
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    And I send the same request again
    Then the last two answers are the same

  Scenario: A BMP picture is read
    When I verify "unsupported.bmp" against "unsupported.bmp"
    Then the score passes the threshold

  Scenario: Fields the service does not know are ignored
    When I send this face verification request:
      | sessionId             | (the session id)    |
      | probe.imageBase64     | alice-selfie.jpg    |
      | probe.quality         | "high"              |
      | reference.imageBase64 | alice-reference.png |
      | threshold             | 99                  |
    Then the score passes the threshold
    And the answer repeats the session id

  @decision
  Scenario: A picture showing several faces is judged by its largest face
    When I verify "many-faces.png" against "alice-reference.png"
    Then the score passes the threshold

  @marker
  Scenario: The same subject scores from 76 to 100
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    Then the score is from 76 to 100

  @marker
  Scenario: Different subjects score from 0 to 11
    When I verify "bob-selfie.jpg" against "alice-reference.png"
    Then the score is from 0 to 11

  @marker
  Scenario: The very same pixels score 100
    When I verify "plain-photo.png" against "plain-photo.png"
    Then the score is 100

  @marker
  Scenario: The score is the same whichever picture is the probe
    When I verify "alice-selfie.jpg" against "alice-reference.png"
    And I verify "alice-reference.png" against "alice-selfie.jpg"
    Then the last two scores are the same

  @marker
  Scenario Outline: A probe forcing the similarity <similarity> scores <score>
    When I verify "a picture marked subject=alice;similarity=<similarity>" against "alice-reference.png"
    Then the score is <score>

    Examples:
      | similarity | score |
      | 0          | 0     |
      | 0.35       | 13    |
      | 0.69       | 26    |
      | 0.69999    | 26    |
      | 0.7        | 27    |
      | 0.85       | 63    |
      | 1          | 100   |

  @marker
  Scenario: A similarity forced by the reference does not count
    When I verify "alice-selfie.jpg" against "a picture marked subject=alice;similarity=0.2"
    Then the score is from 76 to 100

  Rule: The answer repeats the session id exactly

    Scenario: The documents' session id is repeated
      When I send this face verification request:
        | sessionId             | 3fa85f64-5717-4562-b3fc-2c963f66afa6 |
        | probe.imageBase64     | alice-selfie.jpg                     |
        | reference.imageBase64 | alice-reference.png                  |
      Then the score passes the threshold
      And the answer's "sessionId" is "3fa85f64-5717-4562-b3fc-2c963f66afa6"

    Scenario Outline: A session id that is <what> is repeated exactly
      When I send this face verification request:
        | sessionId             | <session id>        |
        | probe.imageBase64     | alice-selfie.jpg    |
        | reference.imageBase64 | alice-reference.png |
      Then the score passes the threshold
      And the answer's "sessionId" is <session id>

      Examples:
        | what                    | session id          |
        | not a UUID              | "session 42"        |
        | made of digits          | "42"                |
        | empty                   | ""                  |
        | written with accents    | "Zoë-Ångström-ß"    |
        | written with emoji      | "🙂 ✓"              |
        | full of JSON punctuation | "[1, {}]: ,"       |

    Scenario: An in-band error repeats the session id too
      When I send this face verification request:
        | sessionId | (the session id) |
      Then the answer is the error "MISSING_PROBE_IMAGE"
      And the answer repeats the session id

    @decision
    Scenario: Without a session id the answer has none
      When I send this face verification request:
        | probe.imageBase64     | alice-selfie.jpg    |
        | reference.imageBase64 | alice-reference.png |
      Then the score passes the threshold
      And the answer has no "sessionId"

    @decision
    Scenario: A null session id is left out of the answer
      When I send this face verification request:
        | sessionId             | null                |
        | probe.imageBase64     | alice-selfie.jpg    |
        | reference.imageBase64 | alice-reference.png |
      Then the score passes the threshold
      And the answer has no "sessionId"

  Rule: A picture is Base64 of the file, or a data: URI

    Scenario Outline: A probe sent <how> is read
      When I verify "<probe>" against "alice-reference.png"
      Then the score passes the threshold

      Examples:
        | how                           | probe                                         |
        | as plain Base64               | alice-selfie.jpg                              |
        | as a data URI                 | alice-selfie.jpg as a data URI                |
        | as a PNG data URI             | alice-reference.png as a data URI             |

      @decision
      Examples:
        | how                           | probe                                         |
        | as a data URI of another type | alice-selfie.jpg as a data URI declared image/png |
        | in Base64 without padding     | alice-selfie.jpg in Base64 without padding    |
        | in Base64 with line breaks    | alice-selfie.jpg in Base64 with line breaks   |

    Scenario: A reference sent as a data URI is read
      When I verify "alice-selfie.jpg" against "alice-reference.png as a data URI"
      Then the score passes the threshold
