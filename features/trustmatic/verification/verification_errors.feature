@verify
Feature: Face verification errors
  A picture that is missing, empty, not Base64 or not a picture that decodes is the in-band
  error MISSING_PROBE_IMAGE or MISSING_REFERENCE_IMAGE; a picture without a face is
  PROBE_FACE_NOT_FOUND or REFERENCE_FACE_NOT_FOUND. Each is HTTP 200 with "hasError": true, the
  "error" and no score. When several apply, the first in that order wins.

  Scenario Outline: <what> gives <error>
    When I send this face verification request:
      | sessionId             | (the session id) |
      | probe.imageBase64     | <probe>          |
      | reference.imageBase64 | <reference>      |
    Then the answer is the error "<error>"
    And the answer repeats the session id

    Examples:
      | what                                            | probe            | reference           | error                    |
      | Two missing pictures                            | (omitted)        | (omitted)           | MISSING_PROBE_IMAGE      |
      | A missing probe                                 | (omitted)        | alice-reference.png | MISSING_PROBE_IMAGE      |
      | A missing reference                             | alice-selfie.jpg | (omitted)           | MISSING_REFERENCE_IMAGE  |
      | A probe without a face and no reference         | no-face.png      | (omitted)           | MISSING_REFERENCE_IMAGE  |
      | A corrupt probe and a reference without a face  | corrupt.png      | no-face.png         | MISSING_PROBE_IMAGE      |
      | A probe without a face and a corrupt reference  | no-face.png      | corrupt.png         | MISSING_REFERENCE_IMAGE  |
      | Two pictures without a face                     | no-face.png      | no-face.png         | PROBE_FACE_NOT_FOUND     |
      | A probe without a face                          | no-face.png      | alice-reference.png | PROBE_FACE_NOT_FOUND     |
      | A reference without a face                      | alice-selfie.jpg | no-face.png         | REFERENCE_FACE_NOT_FOUND |

  Scenario Outline: A probe that is <what> is a missing probe
    When I send this face verification request:
      | probe.imageBase64     | <probe>             |
      | reference.imageBase64 | alice-reference.png |
    Then the answer is the error "MISSING_PROBE_IMAGE"

    Examples:
      | what                    | probe                          |
      | empty                   | ""                             |
      | null                    | null                           |
      | not Base64              | ***not Base64***               |
      | Base64 of plain text    | not-media.txt                  |
      | Base64 of a cut PNG     | corrupt.png                    |
      | an MP4 video            | alice-selfie.mp4               |
      | a WebM video            | alice-selfie.webm              |
      | a data URI of a video   | alice-selfie.mp4 as a data URI |
      | a data URI of text      | not-media.txt as a data URI    |
      | only a data URI prefix  | data:image/jpeg;base64,        |

    @marker
    Examples:
      | what                               | probe          |
      | marked with an invalid marker      | bad-marker.png |

  Scenario Outline: A reference that is <what> is a missing reference
    When I send this face verification request:
      | probe.imageBase64     | alice-selfie.jpg |
      | reference.imageBase64 | <reference>      |
    Then the answer is the error "MISSING_REFERENCE_IMAGE"

    Examples:
      | what                 | reference        |
      | empty                | ""               |
      | not Base64           | %%%%             |
      | Base64 of plain text | not-media.txt    |
      | Base64 of a cut PNG  | corrupt.png      |
      | an MP4 video         | alice-selfie.mp4 |

  Scenario Outline: A probe object that is <what> is a missing probe
    When I send this face verification request:
      | probe                 | <probe>             |
      | reference.imageBase64 | alice-reference.png |
    Then the answer is the error "MISSING_PROBE_IMAGE"

    Examples:
      | what                        | probe                  |
      | null                        | null                   |
      | empty                       | {}                     |
      | without its picture         | {"quality": "high"}    |
      | holding a null picture      | {"imageBase64": null}  |

  Scenario: A reference object that is null is a missing reference
    When I send this face verification request:
      | probe.imageBase64 | alice-selfie.jpg |
      | reference         | null             |
    Then the answer is the error "MISSING_REFERENCE_IMAGE"

  @decision
  Scenario: An in-band error says what was found in the Facesim-Detail header
    When I verify "***not Base64***" against "alice-reference.png"
    Then the answer is the error "MISSING_PROBE_IMAGE"
    And the answer explains the error in the "Facesim-Detail" header

  @decision @same-host
  Scenario: Face verification does not fetch a picture URL
    When I verify "alice-selfie.jpg at a URL" against "alice-reference.png"
    Then the answer is the error "MISSING_PROBE_IMAGE"
    And no picture was fetched
