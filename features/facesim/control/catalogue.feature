@catalogue
Feature: The outcome catalogue
  `GET /_facesim/catalogue` lists every outcome of each API with the triggers that make it
  happen, each with an example one can run.

  Scenario: Every outcome has at least one trigger with an example
    Then every outcome of the catalogue has a trigger with an example

  Scenario: The catalogue can be filtered by API
    When I GET "/catalogue?api=truora"
    Then the control API answers 200
    And the answer's "/apis/truora/outcomes" has at least 1 item
    And the answer's "/apis/checkout" is null

  Scenario: An unknown API in the catalogue filter is refused
    When I GET "/catalogue?api=acme"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "acme"

  @serial
  Scenario Outline: The catalogue's <how> example of <outcome> produces it
    When I run the catalogue's "<how>" example of the face verification outcome "<outcome>"
    Then the face verification shows the outcome "<outcome>"

    Examples:
      | how      | outcome                  |
      | marker   | passed                   |
      | marker   | not_passed               |
      | request  | MISSING_PROBE_IMAGE      |
      | marker   | REFERENCE_FACE_NOT_FOUND |
      | control  | INTERNAL_ERROR           |
      | scenario | PROBE_FACE_NOT_FOUND     |
      | control  | not_passed               |
