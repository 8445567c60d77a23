//! Property: for any `skip` and `limit` the pages of a face authentication's attempts say
//! what they hold, hold the attempts newest first, link to their neighbours exactly when there
//! is one, and following the next links from any page walks through every later attempt once.
//! A `skip` or `limit` out of its documented range is refused with its code.

use super::requests::Outcome;
use super::resources;
use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::target::Exchange;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "pages of attempts partition the attempts newest first",
    tags: &["property", "pagination", "attempts"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

/// How many attempts each prepared face authentication has.
const SIZES: &[usize] = &[0, 1, 2, 3, 5, 8, 12];

/// A query parameter as generated.
#[derive(Clone, Debug)]
pub(super) enum Param {
    /// Not in the query.
    Omitted,
    /// This number.
    Number(i64),
    /// This text.
    Text(String),
}

/// A generated list request.
#[derive(Clone, Debug)]
pub(super) struct List {
    /// Index into [`SIZES`].
    face_authentication: usize,
    skip: Param,
    limit: Param,
}

fn param(numbers: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = Param> + Clone {
    prop_oneof![
        2 => Just(Param::Omitted),
        10 => numbers.prop_map(Param::Number),
        1 => prop_oneof![Just("-1"), Just("1.5"), Just("ten"), Just("1e1")]
            .prop_map(|t| Param::Text(t.to_string())),
    ]
}

fn list() -> impl Strategy<Value = List> + Clone {
    (0..SIZES.len(), param(-1..=14), param(0..=13)).prop_map(
        |(face_authentication, skip, limit)| List {
            face_authentication,
            skip,
            limit,
        },
    )
}

impl Param {
    /// The documented value: `Ok(None)` when left out, `Err(())` when out of range.
    fn value(&self, range: std::ops::RangeInclusive<u64>) -> Result<Option<u64>, ()> {
        match self {
            Param::Omitted => Ok(None),
            Param::Number(n) => u64::try_from(*n)
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or(()),
            Param::Text(_) => Err(()),
        }
    }

    fn query(&self, name: &str) -> Option<String> {
        match self {
            Param::Omitted => None,
            Param::Number(n) => Some(format!("{name}={n}")),
            Param::Text(t) => Some(format!("{name}={t}")),
        }
    }
}

/// A face authentication and its attempts' ids, oldest first.
struct Listed {
    id: String,
    attempts: Vec<String>,
}

async fn prepare(context: &Context) -> Result<Vec<Listed>, String> {
    let mut transcript = Transcript::default();
    let applicant = resources::applicant(context, &mut transcript, None).await?;
    let mut listed = Vec::new();
    for size in SIZES {
        let id = resources::face_authentication(context, &mut transcript, &applicant).await?;
        let mut attempts = Vec::new();
        for _ in 0..*size {
            let attempt = resources::attempt(context, &mut transcript, &id).await?;
            attempts.push(resources::id(&attempt));
        }
        listed.push(Listed { id, attempts });
    }
    Ok(listed)
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let prepared = Arc::new(
            prepare(&context)
                .await
                .map_err(|e| format!("could not prepare the attempts to list: {e}"))?,
        );
        runner::check(&context, plan, list(), move |context, list| {
            let prepared = prepared.clone();
            async move { case(&context, &prepared, list).await }
        })
        .await
    })
}

/// The `skip` and `limit` a link asks for (0 and 10 when it says nothing).
pub(super) fn link(body: &Value, relation: &str) -> Option<Result<(u64, u64), String>> {
    let href = body.pointer(&format!("/_links/{relation}/href"))?;
    let parsed = href
        .as_str()
        .and_then(|h| reqwest::Url::parse(h).ok())
        .ok_or_else(|| format!("the {relation} link {href} is no URL"));
    Some(parsed.and_then(|url| {
        let number = |name: &str, default: u64| match url.query_pairs().find(|(k, _)| k == name) {
            None => Ok(default),
            Some((_, v)) => v
                .parse()
                .map_err(|_| format!("the {relation} link's {name} is {v:?}")),
        };
        Ok((number("skip", 0)?, number("limit", 10)?))
    }))
}

/// The ids a page lists.
fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Checks one page of `newest_first` asked with `skip` and `limit`.
fn check_page(
    exchange: &Exchange,
    newest_first: &[String],
    skip: u64,
    limit: u64,
) -> Result<(), String> {
    let body = exchange.json().unwrap_or_default();
    let total = newest_first.len() as u64;
    let said = (
        body["total_count"].as_u64(),
        body["skip"].as_u64(),
        body["limit"].as_u64(),
    );
    if said != (Some(total), Some(skip), Some(limit)) {
        return Err(format!(
            "the page says total_count/skip/limit {said:?}, expected ({total}, {skip}, {limit})"
        ));
    }
    let from = (skip as usize).min(newest_first.len());
    let to = (from + limit as usize).min(newest_first.len());
    if ids(&body) != newest_first[from..to] {
        return Err(format!(
            "the page lists {:?}, expected {:?} (newest first)",
            ids(&body),
            &newest_first[from..to]
        ));
    }
    let expected_links = [
        ("self", Some((skip, limit))),
        (
            "next",
            (skip + limit < total).then_some((skip + limit, limit)),
        ),
        (
            "previous",
            (skip > 0).then_some((skip.saturating_sub(limit), limit)),
        ),
    ];
    for (relation, expected) in expected_links {
        let shown = link(&body, relation).transpose()?;
        if shown != expected {
            return Err(format!(
                "the {relation} link asks for (skip, limit) {shown:?}, expected {expected:?}"
            ));
        }
    }
    Ok(())
}

async fn case(context: &Context, prepared: &[Listed], list: List) -> Result<(), String> {
    let listed = &prepared[list.face_authentication];
    let newest_first: Vec<String> = listed.attempts.iter().rev().cloned().collect();
    let path = format!("/face-authentications/{}/attempts", listed.id);
    let query: Vec<String> = [list.skip.query("skip"), list.limit.query("limit")]
        .into_iter()
        .flatten()
        .collect();
    let url = match query.is_empty() {
        true => path.clone(),
        false => format!("{path}?{}", query.join("&")),
    };
    let mut transcript = Transcript::default();
    let first = transcript
        .send(
            context,
            "list the attempts",
            context.target.request("GET", &url),
            None,
        )
        .await?;
    let skip = list.skip.value(0..=u64::from(u32::MAX));
    let limit = list.limit.value(1..=100);
    let (skip, limit) = match (skip, limit) {
        (Ok(skip), Ok(limit)) => (skip.unwrap_or(0), limit.unwrap_or(10)),
        (skip, limit) => {
            let codes: Vec<&str> = [
                ("skip_invalid", skip.is_err()),
                ("limit_invalid", limit.is_err()),
            ]
            .into_iter()
            .filter(|(_, bad)| *bad)
            .map(|(code, _)| code)
            .collect();
            return Outcome::refused(422, &codes)
                .check(&first, "skip must be at least 0 and limit from 1 to 100")
                .map_err(|problem| transcript.failure(&problem));
        }
    };
    Outcome::Success(200)
        .check(&first, "")
        .and_then(|()| check_page(&first, &newest_first, skip, limit))
        .map_err(|problem| transcript.failure(&problem))?;
    let mut walked = ids(&first.json().unwrap_or_default());
    let mut at = skip;
    while at + limit < newest_first.len() as u64 {
        at += limit;
        let next = format!("{path}?skip={at}&limit={limit}");
        let page = transcript
            .send(
                context,
                "follow the next link",
                context.target.request("GET", &next),
                None,
            )
            .await?;
        check_page(&page, &newest_first, at, limit).map_err(|p| transcript.failure(&p))?;
        walked.extend(ids(&page.json().unwrap_or_default()));
    }
    let from = (skip as usize).min(newest_first.len());
    if walked != newest_first[from..] {
        return Err(transcript.failure(&format!(
            "walking the next links lists {walked:?}, expected {:?}",
            &newest_first[from..]
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_read_their_skip_and_limit() {
        let body = json!({"_links": {
            "self": {"href": "http://h/x?skip=2&limit=3"},
            "next": {"href": "http://h/x"},
            "previous": {"href": 4}
        }});
        assert_eq!(link(&body, "self"), Some(Ok((2, 3))));
        assert_eq!(link(&body, "next"), Some(Ok((0, 10))));
        assert!(link(&body, "previous").unwrap().is_err());
        assert_eq!(link(&body, "missing"), None);
        assert_eq!(Param::Number(-1).value(0..=5), Err(()));
        assert_eq!(Param::Number(3).value(0..=5), Ok(Some(3)));
        assert_eq!(
            Param::Text("ten".into()).query("skip").as_deref(),
            Some("skip=ten")
        );
    }
}
