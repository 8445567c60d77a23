//! Steps about the assets of an attempt and the links that download them.

use super::list_steps::with_query;
use super::world::{at, attempt_path, id_of, CheckoutWorld};
use super::{arg, attempt_steps, optional_arg};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::Value;

/// The assets path of the latest attempt.
fn assets_path(world: &CheckoutWorld) -> String {
    format!("{}/assets", world.attempt_path(None))
}

pub async fn list(world: &mut CheckoutWorld, step: Step) {
    let query = optional_arg(&step, 1).unwrap_or_default();
    let request = world.request("GET", &with_query(&assets_path(world), &query));
    world.act(request).await;
}

pub async fn list_of(world: &mut CheckoutWorld, step: Step) {
    let path = format!("{}/assets", attempt_path(&arg(&step, 2), &arg(&step, 1)));
    let request = world.request("GET", &path);
    world.act(request).await;
}

pub async fn list_through_another(world: &mut CheckoutWorld, _: Step) {
    let attempt = id_of(&world.attempt(None).created).unwrap_or_default();
    let other = attempt_steps::another_face_authentication(world).await;
    let request = world.request("GET", &format!("{}/assets", attempt_path(&other, &attempt)));
    world.act(request).await;
}

/// Every asset of the latest attempt, as it reads now.
async fn assets(world: &mut CheckoutWorld) -> (Exchange, Vec<Value>) {
    let path = with_query(&assets_path(world), "limit=100");
    let (exchange, body) = world.read(&path).await;
    let data = body["data"].as_array().cloned().unwrap_or_default();
    let total = body["total_count"].as_u64();
    if total != Some(data.len() as u64) {
        world.fail(
            Some(&exchange),
            format!(
                "total_count is {total:?} but {} assets are listed",
                data.len()
            ),
        );
    }
    (exchange, data)
}

pub async fn has_assets(world: &mut CheckoutWorld, step: Step) {
    let mut expected = super::request_steps::list(&arg(&step, 1));
    expected.sort();
    let (exchange, data) = assets(world).await;
    let mut types: Vec<String> = data
        .iter()
        .map(|a| a["type"].as_str().unwrap_or_default().to_string())
        .collect();
    types.sort();
    if types != expected {
        world.fail(
            Some(&exchange),
            format!("the attempt's assets are {types:?}, expected {expected:?}"),
        );
    }
}

pub async fn has_no_asset(world: &mut CheckoutWorld, _: Step) {
    let (exchange, data) = assets(world).await;
    if !data.is_empty() {
        world.fail(Some(&exchange), "the attempt has assets, expected none");
    }
}

/// Fails unless `download` delivered a non-empty file whose type starts with `prefix`.
pub fn expect_file(world: &CheckoutWorld, download: &Exchange, prefix: &str) {
    world.expect_status(download, 200, "downloading the file");
    let typed = download
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with(prefix));
    if !typed || download.body.is_empty() {
        world.fail(
            Some(download),
            format!("expected a non-empty {prefix}* file"),
        );
    }
}

/// The `asset_url` of an asset.
fn asset_url(world: &CheckoutWorld, exchange: &Exchange, asset: &Value) -> String {
    match at(asset, "_links.asset_url.href").and_then(Value::as_str) {
        Some(url) => url.to_string(),
        None => world.fail(
            Some(exchange),
            format!("the asset {asset} has no asset_url"),
        ),
    }
}

pub async fn every_link_downloads(world: &mut CheckoutWorld, _: Step) {
    let (exchange, data) = assets(world).await;
    for asset in &data {
        let prefix = match asset["type"].as_str() {
            Some("face_video") => "video/",
            _ => "image/",
        };
        let url = asset_url(world, &exchange, asset);
        let request = world.context().target.link("GET", &url);
        let download = world.send_link(request).await;
        expect_file(world, &download, prefix);
        world.asset_links.push(url);
    }
}

pub async fn earlier_links_refused(world: &mut CheckoutWorld, _: Step) {
    if world.asset_links.is_empty() {
        world.fail(None, "no asset link was downloaded before");
    }
    for url in world.asset_links.clone() {
        let request = world.context().target.link("GET", &url);
        let download = world.send_link(request).await;
        if !(400..500).contains(&download.status) {
            world.fail(
                Some(&download),
                format!(
                    "an expired asset link answered {}, expected a 4xx refusal",
                    download.status
                ),
            );
        }
    }
}

/// `url` with the last character of its `signature` parameter (or of the whole URL)
/// changed.
pub fn tampered(url: &str) -> String {
    let flip = |c: char| if c == 'a' { 'b' } else { 'a' };
    match url.find("signature=") {
        Some(start) => {
            let value_start = start + "signature=".len();
            let end = url[value_start..]
                .find('&')
                .map_or(url.len(), |i| value_start + i);
            if end == value_start {
                return format!("{url}a");
            }
            let last = url[..end].chars().next_back().expect("a signature");
            format!(
                "{}{}{}",
                &url[..end - last.len_utf8()],
                flip(last),
                &url[end..]
            )
        }
        None => {
            let last = url.chars().next_back().unwrap_or('x');
            format!("{}{}", &url[..url.len() - last.len_utf8()], flip(last))
        }
    }
}

pub async fn changed_link_refused(world: &mut CheckoutWorld, _: Step) {
    let (exchange, data) = assets(world).await;
    let Some(asset) = data.first() else {
        world.fail(Some(&exchange), "the attempt has no asset to change")
    };
    let url = tampered(&asset_url(world, &exchange, asset));
    let request = world.context().target.link("GET", &url);
    let download = world.send_link(request).await;
    if !(400..500).contains(&download.status) {
        world.fail(
            Some(&download),
            format!(
                "a changed asset link answered {}, expected a 4xx refusal",
                download.status
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_changes_the_signature_only() {
        assert_eq!(
            tampered("http://h/a/x?expires=1&signature=abc&z=1"),
            "http://h/a/x?expires=1&signature=aba&z=1"
        );
        assert_eq!(
            tampered("http://h/a?signature=za"),
            "http://h/a?signature=zb"
        );
        assert_eq!(tampered("http://h/a/b"), "http://h/a/a");
    }
}
