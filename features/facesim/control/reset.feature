@reset
Feature: Resetting state
  `POST /_facesim/reset` empties every vendor's state and returns the clock to real time;
  `?vendor=` (repeatable) empties only the vendors named, and the state of the others survives.
  An unknown vendor or parameter is a 400 that resets nothing.

  @serial
  Scenario: Resetting one vendor keeps the state of the others
    Given a Truora enrollment for a new account
    And a Checkout face authentication for a new applicant
    When I POST "/reset?vendor=checkout"
    Then the control API answers 200
    And the answer's "/vendors" is ["checkout"]
    And the answer's "/clock_reset" is false
    When I GET "/state/checkout?limit=1000"
    Then the answer's "/face_authentications/items" lacks an item whose "/id" is $FACE_AUTHENTICATION
    When I GET "/state/truora?limit=1000"
    Then the answer's "/enrollments/items" has an item whose "/enrollment_id" is $ENROLLMENT

  @serial
  Scenario: Resetting two vendors names both
    Given a Truora enrollment for a new account
    When I POST "/reset?vendor=truora&vendor=trustmatic"
    Then the control API answers 200
    And the answer's "/vendors" has 2 items
    When I GET "/state/truora"
    Then the answer's "/enrollments/total" is 0

  @serial
  Scenario: Resetting one vendor keeps the clock where it is
    Given I POST "/clock/advance" with:
      """
      {"seconds": 120}
      """
    And I note the clock
    When I POST "/reset?vendor=truora"
    Then the control API answers 200
    And the clock has not moved since noted

  @serial
  Scenario: Resetting everything empties every vendor and returns the clock to real time
    Given a Truora enrollment for a new account
    And a Checkout face authentication for a new applicant
    And I POST "/clock/advance" with:
      """
      {"seconds": 600}
      """
    When I POST "/reset"
    Then the control API answers 200
    And the answer's "/clock_reset" is true
    And the answer's "/vendors" has 3 items
    When I GET "/state"
    Then the answer's "/truora/enrollments/total" is 0
    And the answer's "/checkout/face_authentications/total" is 0
    And the answer's "/checkout/applicants" is 0
    When I GET "/clock"
    Then the answer's "/offset_seconds" is 0

  @serial
  Scenario: Resetting an unknown vendor is refused and resets nothing
    Given a Truora enrollment for a new account
    When I POST "/reset?vendor=acme"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "acme"
    When I GET "/state/truora?limit=1000"
    Then the answer's "/enrollments/items" has an item whose "/enrollment_id" is $ENROLLMENT

  @serial
  Scenario: A reset with an unknown parameter is refused
    When I POST "/reset?everything=yes"
    Then the control API refuses with 400 "bad_request"
    And the message mentions "everything"
