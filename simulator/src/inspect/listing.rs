//! What every state listing shares: `?limit=` and `?status=`, pages and counts.

use crate::control::ControlError;
use crate::query_params::{bad_request, QueryParams};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Items per list when `?limit=` is absent.
pub const DEFAULT_LIMIT: usize = 100;
/// Largest `?limit=`.
pub const MAX_LIMIT: usize = 1000;

/// `?limit=`: an integer from 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
pub fn limit(params: &QueryParams) -> Result<usize, ControlError> {
    let Some(text) = params.one("limit")? else {
        return Ok(DEFAULT_LIMIT);
    };
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            bad_request(format!(
                "limit must be an integer from 1 to {MAX_LIMIT}, not {text:?}"
            ))
        })
}

/// `?status=`, which must be one of a vendor's status names (`parse` accepts them, `names`
/// lists them for the message).
pub fn status<T>(
    params: &QueryParams,
    parse: fn(&str) -> Option<T>,
    names: &str,
) -> Result<Option<T>, ControlError> {
    params
        .one("status")?
        .map(|text| {
            parse(text).ok_or_else(|| bad_request(format!("status {text:?} is not one of {names}")))
        })
        .transpose()
}

/// `{"total", "items"}`: the first `limit` items of a list in creation order, and how many
/// items the list holds.
#[derive(Debug, serde::Serialize)]
pub struct Page<V> {
    /// How many items match, listed or not.
    pub total: usize,
    /// The oldest `limit` of them, oldest first.
    pub items: Vec<V>,
}

impl<V> Page<V> {
    /// Orders `items` by `order` (creation time, then ID), keeps the first `limit` and renders
    /// them with `view`.
    pub fn of<S, K: Ord>(
        mut items: Vec<S>,
        limit: usize,
        order: impl Fn(&S) -> K,
        view: impl Fn(S) -> V,
    ) -> Page<V> {
        let total = items.len();
        items.sort_by_key(|item| order(item));
        items.truncate(limit);
        Page {
            total,
            items: items.into_iter().map(view).collect(),
        }
    }
}

/// The first `limit` of the outcomes armed for a vendor (already oldest first), as its
/// `GET {root}/_facesim/<vendor>/outcomes` shows them.
pub fn armed<V: crate::armed::routes::ArmingVendor>(
    armed: &[crate::armed::Armed<V::Forced>],
    limit: usize,
) -> Page<serde_json::Value> {
    Page {
        total: armed.len(),
        items: armed
            .iter()
            .take(limit)
            .map(crate::armed::routes::view::<V>)
            .collect(),
    }
}

/// Counts per name, serialized as a JSON object in the order of the names given (every name
/// appears, zero included).
#[derive(Debug)]
pub struct Tally(Vec<(&'static str, usize)>);

impl Tally {
    /// Counts `values` against `names`.
    pub fn of<'a>(names: &[&'static str], values: impl IntoIterator<Item = &'a str>) -> Tally {
        let mut counts: Vec<(&'static str, usize)> = names.iter().map(|n| (*n, 0)).collect();
        for value in values {
            if let Some((_, count)) = counts.iter_mut().find(|(n, _)| *n == value) {
                *count += 1;
            }
        }
        Tally(counts)
    }
}

impl Serialize for Tally {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, count) in &self.0 {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

/// `{"total", "by_status"}` of a list of resources.
#[derive(Debug, serde::Serialize)]
pub struct StatusCounts {
    /// How many there are.
    pub total: usize,
    /// How many have each status.
    pub by_status: Tally,
}

impl StatusCounts {
    /// Counts the statuses `values` of resources whose possible statuses are `names`.
    pub fn of<'a>(names: &[&'static str], values: impl IntoIterator<Item = &'a str>) -> Self {
        let values: Vec<&str> = values.into_iter().collect();
        StatusCounts {
            total: values.len(),
            by_status: Tally::of(names, values),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_refuses_out_of_range() {
        let query = |q: &str| QueryParams::parse(Some(q), &["limit"]).unwrap();
        assert_eq!(limit(&query("")).unwrap(), DEFAULT_LIMIT);
        assert_eq!(limit(&query("limit=1")).unwrap(), 1);
        assert_eq!(limit(&query("limit=1000")).unwrap(), MAX_LIMIT);
        for bad in [
            "limit=0",
            "limit=1001",
            "limit=-1",
            "limit=ten",
            "limit=",
            "limit=1&limit=2",
        ] {
            assert!(limit(&query(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_keep_the_oldest_and_count_all() {
        let page = Page::of(vec![(3, "c"), (1, "a"), (2, "b")], 2, |s| *s, |(_, id)| id);
        assert_eq!(page.total, 3);
        assert_eq!(page.items, ["a", "b"]);
    }

    #[test]
    fn tallies_list_every_name_in_order() {
        let counts = StatusCounts::of(
            &["pending", "success", "failure"],
            ["failure", "pending", "failure"],
        );
        assert_eq!(
            serde_json::to_string(&counts).unwrap(),
            r#"{"total":3,"by_status":{"pending":1,"success":0,"failure":2}}"#
        );
    }
}
