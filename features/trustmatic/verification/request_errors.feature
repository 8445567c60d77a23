@errors @decision
Feature: Request errors
  A request that never reaches the check is refused with an HTTP status that says why and a
  body in the in-band shape: "hasError": true, an "error" code and a "message" in words, with
  the "sessionId" when it could be read (docs/trustmatic.md, Decision 2). The body must be a
  JSON object (400 INVALID_REQUEST) whose fields have their JSON types (400), sent as
  application/json (415) and at most 20 MB (413); only POST is allowed (405) on the three
  endpoints (404 elsewhere).

  Scenario Outline: A body that is <what> is refused
    When I send this body as "application/json" to <endpoint>:
      """
      <body>
      """
    Then the request is refused with status 400 and the error "INVALID_REQUEST"

    Examples:
      | what          | endpoint          | body                |
      | cut short     | face verification | {"probe":           |
      | not JSON      | face liveness     | faceImageBase=abc   |
      | a JSON array  | document liveness | ["abc"]             |
      | a JSON string | face verification | "probe"             |
      | a JSON number | face liveness     | 42                  |
      | JSON null     | document liveness | null                |

  Scenario Outline: A <endpoint> request whose <field> is <value> is refused
    When I send this <endpoint> request:
      | <field> | <value> |
    Then the request is refused with status 400 and the error "INVALID_REQUEST"

    Examples:
      | endpoint          | field                 | value   |
      | face verification | sessionId             | 5       |
      | face verification | sessionId             | ["s"]   |
      | face verification | probe                 | "abc"   |
      | face verification | probe                 | [1]     |
      | face verification | probe.imageBase64     | 5       |
      | face verification | reference.imageBase64 | true    |
      | face verification | reference             | 0       |
      | face liveness     | faceImageBase         | 5       |
      | face liveness     | sessionId             | {}      |
      | document liveness | frontSideImageBase    | [1]     |
      | document liveness | backSideImageBase     | 1.5     |
      | document liveness | documentImageBase     | false   |

  Scenario: A refusal repeats the session id it could read
    When I send this face verification request:
      | sessionId | (the session id) |
      | probe     | 5                |
    Then the request is refused with status 400 and the error "INVALID_REQUEST"
    And the answer repeats the session id

  Scenario Outline: A body sent as "<content type>" is refused
    When I send this body as "<content type>" to face verification:
      """
      {"sessionId": "s"}
      """
    Then the request is refused with status 415 and the error "UNSUPPORTED_MEDIA_TYPE"

    Examples:
      | content type                      |
      | text/plain                        |
      | application/x-www-form-urlencoded |
      | multipart/form-data; boundary=x   |
      | application/xml                   |

  Scenario Outline: A body without a content type is refused by <endpoint>
    When I send a body without a content type to <endpoint>
    Then the request is refused with status 415 and the error "UNSUPPORTED_MEDIA_TYPE"

    Examples:
      | endpoint          |
      | face verification |
      | face liveness     |
      | document liveness |

  Scenario Outline: JSON declared as "<content type>" is read
    When I send this body as "<content type>" to face verification:
      """
      {"sessionId": "s"}
      """
    Then the answer is the error "MISSING_PROBE_IMAGE"

    Examples:
      | content type                    |
      | application/json; charset=utf-8 |
      | application/vnd.example+json    |

  Scenario Outline: A body over 20 MB is refused by <endpoint>
    When I send a body larger than 20 MB to <endpoint>
    Then the request is refused with status 413 and the error "PAYLOAD_TOO_LARGE"

    Examples:
      | endpoint          |
      | face verification |
      | document liveness |

  Scenario: A request of 5 MB is read
    When I send a face verification request padded to 5 MB
    Then the score passes the threshold
    And the answer repeats the session id

  Scenario Outline: <method> on <path> is not allowed
    When I send a <method> request to "<path>"
    Then the request is refused with status 405 and the error "METHOD_NOT_ALLOWED"
    And the answer allows only POST

    Examples:
      | method | path                      |
      | GET    | /api/v1/face/verify       |
      | GET    | /api/v1/face/liveness     |
      | GET    | /api/v1/document/liveness |
      | PUT    | /api/v1/face/verify       |
      | DELETE | /api/v1/document/liveness |

  Scenario Outline: A <method> request to <path> is not found
    When I send a <method> request to "<path>"
    Then the request is refused with status 404 and the error "NOT_FOUND"

    Examples:
      | method | path                                |
      | POST   | /api/v1/face/compare                |
      | GET    | /api/v1                             |
      | POST   | /api/v1/id-verifications/face/verify |
