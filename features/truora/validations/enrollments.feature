Feature: Face enrollments
  An enrollment registers the face of an account. It is created, receives one reference
  picture through its upload link, and then waits for a face validation (or succeeds at once
  when it was created without confirmation). An account has at most one enrollment.

  Scenario: A new enrollment waits for its reference picture
    Given a new account
    When I create a face enrollment for the account
    Then the request succeeds
    And the enrollment is "pending" because "waiting_file_upload"
    And the enrollment has an upload link
    And reading the enrollment answers what its creation answered

  Scenario: An enrollment without an account id gets a generated one
    When I create a face enrollment without an account id
    Then the request succeeds
    And the enrollment has a generated account id
    And the enrollment is "pending" because "waiting_file_upload"

  Scenario: The reference picture moves the enrollment to waiting for a face validation
    Given an enrollment for a new account
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment is "pending" because "waiting_face_validation"

  Scenario: A second enrollment for the same account is a conflict
    Given an enrollment for a new account
    When I create a face enrollment for the account
    Then the request is refused with status 409
    And the error message names the enrollment

  Scenario: An account stays taken after its enrollment succeeded
    Given a new account enrolled without confirmation with "alice-reference.png"
    When I create a face enrollment for the account
    Then the request is refused with status 409

  Scenario: An enrollment without confirmation succeeds right after its upload
    Given a new account
    When I create a face enrollment for the account without confirmation
    Then the request succeeds
    And the enrollment is "pending" because "waiting_file_upload"
    When I upload "alice-reference.png" to the enrollment's upload link
    Then the upload is accepted
    And the enrollment has succeeded

  Scenario: Deleting an enrollment frees its account
    Given a new account enrolled with "alice-reference.png"
    When I delete the enrollment
    Then the request succeeds
    And the enrollment no longer exists
    When I delete the enrollment
    Then the request is refused with status 404
    When I create a face enrollment for the account
    Then the request succeeds
    And the enrollment is "pending" because "waiting_file_upload"

  Scenario: An unknown enrollment is not found
    When I read the enrollment "ENR00000000000000000000000000000000"
    Then the request is refused with status 404
    And the error message mentions "not found"
    When I delete the enrollment "ENR00000000000000000000000000000000"
    Then the request is refused with status 404
