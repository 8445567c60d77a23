//! The query of `GET {root}/_facesim/journal`: filters and a limit.

use super::entry::{Api, Entry};
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// The query parameters the journal takes, for messages.
const PARAMETERS: &str = "api, namespace, method, path, status, since, until and limit";

/// How many entries a page holds when `limit` is not given (at most the capacity).
pub const DEFAULT_LIMIT: usize = 100;

/// A parsed journal query.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalQuery {
    /// Which entries match.
    pub filter: Filter,
    /// How many matching entries are answered at most.
    pub limit: usize,
}

/// Which entries match; each condition given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// `api=`: the API.
    pub api: Option<Api>,
    /// `namespace=`: the namespace (`default` for the default one).
    pub namespace: Option<String>,
    /// `method=`: the method, compared without regard to case.
    pub method: Option<String>,
    /// `path=`: a prefix, or a `*` glob over the whole path.
    pub path: Option<PathPattern>,
    /// `status=`: a status or a status class.
    pub status: Option<StatusPattern>,
    /// `since=`: entries that arrived at this real time or later.
    pub since: Option<DateTime<Utc>>,
    /// `until=`: entries that arrived at this real time or earlier.
    pub until: Option<DateTime<Utc>>,
}

/// A query parameter the journal cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// The parameter's name as given.
    pub parameter: String,
    /// What is wrong and what the parameter accepts.
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilterError {}

impl JournalQuery {
    /// Parses a raw query string (without `?`) for a journal of `capacity` entries.
    pub fn parse(query: &str, capacity: usize) -> Result<JournalQuery, FilterError> {
        let max_limit = capacity.max(1);
        let mut filter = Filter::default();
        let mut limit = None;
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let fail = |accepts: &str| FilterError {
                parameter: name.to_string(),
                message: format!("{name} takes {accepts}; got {value:?}"),
            };
            if seen.iter().any(|s| *s == name) {
                return Err(FilterError {
                    parameter: name.to_string(),
                    message: format!("{name} is given more than once; give it once"),
                });
            }
            seen.push(name.to_string());
            match &*name {
                "api" => {
                    let accepts = format!("one of {}", Api::names());
                    filter.api = Some(Api::parse(&value).ok_or_else(|| fail(&accepts))?);
                }
                "namespace" => {
                    crate::namespace::parse_name(value.as_bytes())
                        .map_err(|_| fail("a namespace name: 1 to 64 of A-Z a-z 0-9 . _ : -"))?;
                    filter.namespace = Some(value.into_owned());
                }
                "method" => {
                    let valid = !value.is_empty()
                        && value.len() <= 32
                        && value.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
                    if !valid {
                        return Err(fail("an HTTP method name such as GET or post"));
                    }
                    filter.method = Some(value.into_owned());
                }
                "path" => filter.path = Some(value.parse().map_err(|e: String| fail(&e))?),
                "status" => filter.status = Some(value.parse().map_err(|e: String| fail(&e))?),
                "since" | "until" => {
                    let at = parse_time(&value).ok_or_else(|| {
                        fail("an RFC 3339 time such as 2024-05-22T23:32:01.272Z (write + as %2B)")
                    })?;
                    if name == "since" {
                        filter.since = Some(at);
                    } else {
                        filter.until = Some(at);
                    }
                }
                "limit" => {
                    let accepts = format!("an integer from 1 to {max_limit} (the capacity)");
                    let n = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=max_limit).contains(n));
                    limit = Some(n.ok_or_else(|| fail(&accepts))?);
                }
                other => {
                    return Err(FilterError {
                        parameter: other.to_string(),
                        message: format!(
                            "unknown query parameter {other:?}; the journal takes {PARAMETERS}"
                        ),
                    })
                }
            }
        }
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if since > until {
                return Err(FilterError {
                    parameter: "since".into(),
                    message: "since is later than until; no entry could match".into(),
                });
            }
        }
        Ok(JournalQuery {
            filter,
            limit: limit.unwrap_or(DEFAULT_LIMIT.min(capacity)),
        })
    }
}

/// An RFC 3339 time; a `+` of the offset that arrived decoded as a space is taken back.
fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    let parsed = DateTime::parse_from_rfc3339(value).or_else(|e| match value.rfind(' ') {
        Some(space) => {
            DateTime::parse_from_rfc3339(&format!("{}+{}", &value[..space], &value[space + 1..]))
        }
        None => Err(e),
    });
    parsed.ok().map(Into::into)
}

impl Filter {
    /// Whether `entry` meets every condition.
    pub fn matches(&self, entry: &Entry) -> bool {
        self.api.is_none_or(|api| api == entry.api)
            && self
                .namespace
                .as_ref()
                .is_none_or(|n| *n == entry.namespace)
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(&entry.method))
            && self.path.as_ref().is_none_or(|p| p.matches(&entry.path))
            && self.status.is_none_or(|s| s.matches(entry.status))
            && self.since.is_none_or(|since| entry.time >= since)
            && self.until.is_none_or(|until| entry.time <= until)
    }
}

/// `path=`: a prefix of the path, or (with `*`, matching any run of characters) a pattern
/// for the whole path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPattern {
    /// The path starts with this.
    Prefix(String),
    /// The whole path matches this glob.
    Glob(String),
}

impl FromStr for PathPattern {
    type Err = String;

    fn from_str(value: &str) -> Result<PathPattern, String> {
        if !(value.starts_with('/') || value.starts_with('*')) {
            return Err("a path prefix such as /checkout or a glob such as /truora/*/v1/files/* (starting with / or *)".into());
        }
        Ok(if value.contains('*') {
            PathPattern::Glob(value.to_string())
        } else {
            PathPattern::Prefix(value.to_string())
        })
    }
}

impl PathPattern {
    /// Whether `path` matches.
    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathPattern::Prefix(prefix) => path.starts_with(prefix.as_str()),
            PathPattern::Glob(glob) => glob_matches(glob, path),
        }
    }
}

/// Whether all of `text` matches `glob`, where `*` stands for any run of characters.
fn glob_matches(glob: &str, text: &str) -> bool {
    let mut pieces = glob.split('*');
    let Some(rest) = pieces.next().and_then(|first| text.strip_prefix(first)) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    let mut rest = rest;
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// `status=`: one status, or a class such as `4xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    /// Exactly this status.
    Exact(u16),
    /// Any status whose first digit is this.
    Class(u16),
}

impl FromStr for StatusPattern {
    type Err = String;

    fn from_str(value: &str) -> Result<StatusPattern, String> {
        let accepts = || "a status such as 404 (100 to 599) or a class such as 4xx".to_string();
        let bytes = value.as_bytes();
        if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
            return Err(accepts());
        }
        if value[1..].eq_ignore_ascii_case("xx") {
            return Ok(StatusPattern::Class(u16::from(bytes[0] - b'0')));
        }
        value
            .parse::<u16>()
            .map(StatusPattern::Exact)
            .map_err(|_| accepts())
    }
}

impl StatusPattern {
    /// Whether `status` matches.
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusPattern::Exact(exact) => status == exact,
            StatusPattern::Class(class) => status / 100 == class,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::ring::tests::entry;

    fn parse(query: &str) -> Result<JournalQuery, FilterError> {
        JournalQuery::parse(query, 1000)
    }

    fn rejected(query: &str, needle: &str) -> FilterError {
        let error = parse(query).expect_err(query);
        assert!(
            error.message.contains(needle),
            "{query}: {:?} should mention {needle:?}",
            error.message
        );
        error
    }

    #[test]
    fn an_empty_query_matches_everything_with_the_default_limit() {
        let query = parse("").unwrap();
        assert_eq!(query.filter, Filter::default());
        assert_eq!(query.limit, 100);
        assert_eq!(JournalQuery::parse("", 10).unwrap().limit, 10);
        assert_eq!(JournalQuery::parse("", 0).unwrap().limit, 0);
    }

    #[test]
    fn every_parameter_is_read() {
        let query = parse(
            "api=checkout&method=post&path=/checkout/*&status=4xx\
             &since=2024-01-01T00:00:00Z&until=2024-01-02T00:00:00%2B01:00&limit=5",
        )
        .unwrap();
        let filter = &query.filter;
        assert_eq!(filter.api, Some(Api::Checkout));
        assert_eq!(filter.method.as_deref(), Some("post"));
        assert_eq!(filter.path, Some(PathPattern::Glob("/checkout/*".into())));
        assert_eq!(filter.status, Some(StatusPattern::Class(4)));
        assert_eq!(
            filter.since.unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
        assert_eq!(
            filter.until.unwrap().to_rfc3339(),
            "2024-01-01T23:00:00+00:00"
        );
        assert_eq!(query.limit, 5);
    }

    #[test]
    fn an_offset_plus_decoded_as_a_space_is_taken_back() {
        let query = parse("since=2024-01-01T01:00:00+01:00").unwrap();
        assert_eq!(
            query.filter.since.unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn bad_values_name_the_parameter_and_what_it_takes() {
        let cases = [
            (
                "api=vendor",
                "api",
                "one of truora-validations, truora-files, checkout, trustmatic, unknown",
            ),
            ("method=G%20T", "method", "an HTTP method name"),
            ("method=", "method", "an HTTP method name"),
            ("path=checkout", "path", "starting with / or *"),
            ("path=", "path", "a path prefix"),
            ("status=4x", "status", "a class such as 4xx"),
            ("status=600", "status", "100 to 599"),
            ("status=abc", "status", "a status such as 404"),
            ("status=4yy", "status", "a status such as 404"),
            ("since=yesterday", "since", "an RFC 3339 time"),
            ("until=2024-01-01", "until", "an RFC 3339 time"),
            ("limit=0", "limit", "an integer from 1 to 1000"),
            ("limit=1001", "limit", "an integer from 1 to 1000"),
            ("limit=-1", "limit", "(the capacity)"),
            (
                "bogus=1",
                "bogus",
                "the journal takes api, namespace, method, path",
            ),
            ("api=checkout&api=trustmatic", "api", "more than once"),
        ];
        for (query, parameter, needle) in cases {
            let error = rejected(query, needle);
            assert_eq!(error.parameter, parameter, "{query}");
            assert!(
                error.message.starts_with(parameter)
                    || error.message.contains(&format!("{parameter:?}")),
                "{query}: {}",
                error.message
            );
        }
        rejected(
            "since=2024-01-02T00:00:00Z&until=2024-01-01T00:00:00Z",
            "since is later than until",
        );
    }

    #[test]
    fn filters_match_entries() {
        let e = entry(
            "/checkout/applicants/apl_1",
            404,
            "2024-01-01T00:00:00.500Z",
        );
        let matches = |query: &str| parse(query).unwrap().filter.matches(&e);
        for hit in [
            "",
            "api=checkout",
            "method=get",
            "method=GET",
            "path=/checkout",
            "path=/check",
            "path=/checkout/*/apl_1",
            "path=*apl_*",
            "path=/checkout/applicants/apl_1",
            "status=404",
            "status=4xx",
            "status=4XX",
            "since=2024-01-01T00:00:00.500Z",
            "until=2024-01-01T00:00:00.500Z",
            "since=2024-01-01T00:00:00Z&until=2024-01-01T00:00:01Z",
        ] {
            assert!(matches(hit), "{hit}");
        }
        for miss in [
            "api=trustmatic",
            "method=POST",
            "path=/truora",
            "path=/checkout/*/apl_2",
            "path=/checkout/*/apl",
            "status=400",
            "status=2xx",
            "since=2024-01-01T00:00:00.501Z",
            "until=2024-01-01T00:00:00.499Z",
        ] {
            assert!(!matches(miss), "{miss}");
        }
    }

    #[test]
    fn globs_match_the_whole_path() {
        for (glob, text, expected) in [
            ("/a/*", "/a/b/c", true),
            ("/a/*", "/a/", true),
            ("/a/*", "/a", false),
            ("*", "/anything", true),
            ("/a/*/c", "/a/b/c", true),
            ("/a/*/c", "/a/b/c/d", false),
            ("/a/*b*b", "/a/bb", true),
            ("/a/*b*b", "/a/b", false),
            ("/a*c*c", "/abcc", true),
            ("/x/**", "/x/y", true),
        ] {
            assert_eq!(glob_matches(glob, text), expected, "{glob} ~ {text}");
        }
    }
}
