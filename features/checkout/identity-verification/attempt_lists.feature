@attempts @pagination
Feature: Lists of attempts
  The attempts of a face authentication are listed newest first, a page at a time: "skip"
  (at least 0, 0 by default) and "limit" (1 to 100, 10 by default). A page says the total,
  its skip and limit, links to itself, and links to the next and the previous page only when
  there is one.

  Background:
    Given an applicant
    And a face authentication for the applicant
    And 3 attempts for the face authentication

  Scenario: The attempts are listed newest first on one page by default
    When I list the attempts
    Then the request succeeds with status 200
    And the page says total_count 3, skip 0 and limit 10
    And the page lists attempts 3, 2, 1
    And the page's self link asks for skip 0 and limit 10
    And the page has no next link
    And the page has no previous link
    And every attempt listed reads the same on its own

  Scenario: A page in the middle links to both neighbours
    When I list the attempts with "skip=1&limit=1"
    Then the request succeeds with status 200
    And the page says total_count 3, skip 1 and limit 1
    And the page lists attempt 2
    And the page's self link asks for skip 1 and limit 1
    And the page's next link asks for skip 2 and limit 1
    And the page's previous link asks for skip 0 and limit 1

  Scenario: Following the links walks through every attempt
    When I list the attempts with "limit=2"
    Then the page lists attempts 3, 2
    And the page has no previous link
    When I follow the page's next link
    Then the request succeeds with status 200
    And the page says total_count 3, skip 2 and limit 2
    And the page lists attempt 1
    And the page has no next link
    When I follow the page's previous link
    Then the request succeeds with status 200
    And the page lists attempts 3, 2

  Scenario: A page past the end is empty
    When I list the attempts with "skip=5&limit=2"
    Then the request succeeds with status 200
    And the page says total_count 3, skip 5 and limit 2
    And the page lists no attempt
    And the page has no next link

  Scenario: The largest page holds 100 attempts
    When I list the attempts with "limit=100"
    Then the request succeeds with status 200
    And the page says total_count 3, skip 0 and limit 100

  Scenario Outline: Listing attempts with "<query>" is refused with "<codes>"
    When I list the attempts with "<query>"
    Then the request is refused with status 422
    And the error codes are "<codes>"

    Examples:
      | query              | codes                       |
      | limit=0            | limit_invalid               |
      | limit=101          | limit_invalid               |
      | limit=ten          | limit_invalid               |
      | skip=-1            | skip_invalid                |
      | skip=1.5           | skip_invalid                |
      | skip=-1&limit=0    | skip_invalid, limit_invalid |
