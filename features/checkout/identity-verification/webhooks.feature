@webhooks @control
Feature: Webhooks
  Every change of a face authentication is sent to the registered receivers as one POST of the
  version 1.2.0 envelope, signed with Cko-Signature (the lowercase hex HMAC-SHA256 of the body
  with the receiver's signing key) and carrying the receiver's Authorization value. A delivery
  that gets no 2xx answer is sent again. The suite runs the receiver on 127.0.0.1 and
  registers it through the control API.

  Background:
    Given the suite receives the webhooks

  Scenario: An approved face authentication sends every step of its way
    Given an applicant with the external id "eaplt_10000000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "approved" with 10000
    And the webhooks of the face authentication are:
      | type                                  | status              | code  |
      | face_authentication_created           | created             |       |
      | face_authentication_opened            | pending             |       |
      | face_authentication_started           | capture_in_progress |       |
      | face_authentication_capture_completed | checks_in_progress  |       |
      | face_authentication_checks_completed  | approved            | 10000 |

  Scenario: A replaced attempt sends a reset
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I create an attempt for the face authentication
    Then the webhooks of the face authentication are:
      | type                        | status  | code |
      | face_authentication_created | created |      |
      | face_authentication_opened  | pending |      |
      | face_authentication_reset   | pending |      |

  Scenario: Inconclusive checks and the retry are sent
    Given an applicant with the external id "eaplt_61411I10000000000000000000"
    And a face authentication for the applicant
    And the applicant fails 1 attempt
    When I create an attempt for the face authentication
    Then the webhooks of the face authentication are:
      | type                                    | status              | code  |
      | face_authentication_created             | created             |       |
      | face_authentication_opened              | pending             |       |
      | face_authentication_started             | capture_in_progress |       |
      | face_authentication_capture_completed   | checks_in_progress  |       |
      | face_authentication_checks_inconclusive | retry_required      | 61411 |
      | face_authentication_retry_requested     | pending             |       |

  Scenario Outline: A capture <what> is sent
    Given an applicant with the external id "<external id>"
    And a face authentication for the applicant
    And an attempt for the face authentication
    When the applicant opens the verification URL
    Then the face authentication is "<status>" with <code>
    And the webhooks of the face authentication are:
      | type                        | status              | code   |
      | face_authentication_created | created             |        |
      | face_authentication_opened  | pending             |        |
      | face_authentication_started | capture_in_progress |        |
      | <event>                     | <status>            | <code> |

    Examples:
      | what    | external id                      | event                                | status         | code  |
      | abort   | eaplt_61203A10000000000000000000 | face_authentication_capture_aborted  | retry_required | 61203 |
      | refusal | eaplt_63001000000000000000000000 | face_authentication_capture_refused  | refused        | 63001 |

  Scenario: Anonymizing sends one event and closes a waiting attempt
    Given an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When I anonymize the face authentication
    And I anonymize the face authentication
    Then the webhooks of the face authentication are:
      | type                           | status         | code  |
      | face_authentication_created    | created        |       |
      | face_authentication_opened     | pending        |       |
      | face_authentication_closed     | retry_required | 64001 |
      | face_authentication_anonymized | retry_required | 64001 |

  Scenario: A manual audit is sent
    Given an applicant with the external id "eaplt_62402000000000000000000000"
    And a face authentication for the applicant
    And an attempt for the face authentication
    And the applicant opens the verification URL
    And the face authentication is "declined" with 62402
    When the control API audits the face authentication as "approved"
    Then the face authentication is "approved" with 10000
    And the last webhook of the face authentication is:
      | type                                | status   | code  |
      | face_authentication_audit_completed | approved | 10000 |

  Scenario: A delivery that fails is sent again
    Given an applicant
    And the receiver refuses the first delivery of each webhook about the applicant
    And a face authentication for the applicant
    When I create an attempt for the face authentication
    Then the webhooks of the face authentication are:
      | type                        | status  | code |
      | face_authentication_created | created |      |
      | face_authentication_opened  | pending |      |
    And every webhook of the face authentication was delivered twice

  @serial
  Scenario: An expired link is sent
    Given the service's clock can be moved
    And an applicant
    And a face authentication for the applicant
    And an attempt for the face authentication
    When 16 minutes pass on the service's clock
    Then the face authentication is "retry_required" with 61101
    And the webhooks of the face authentication are:
      | type                              | status         | code  |
      | face_authentication_created       | created        |       |
      | face_authentication_opened        | pending        |       |
      | face_authentication_link_expired  | retry_required | 61101 |
