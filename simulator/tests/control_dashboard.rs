//! The control page at `{root}/_facesim/` and its assets, over real sockets.

mod common;

use common::*;
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, X_CONTENT_TYPE_OPTIONS};
use std::collections::BTreeSet;

const HTML: &str = include_str!("../src/dashboard/page.html");
const JS: &str = include_str!("../src/dashboard/page.js");
const CSS: &str = include_str!("../src/dashboard/page.css");

/// The endpoints the page reads, below `/_facesim/`, as its script writes them.
const READS: &[&str] = &[
    "clock",
    "state",
    "state/truora",
    "state/checkout",
    "state/trustmatic",
    "truora/outcomes",
    "checkout/outcomes",
    "journal",
    "scenarios/rules",
    "catalogue",
];

/// The endpoints its forms send to.
const SENDS: &[&str] = &[
    "clock/advance",
    "trustmatic/outcomes",
    "truora/outcomes",
    "checkout/outcomes",
    "checkout/attempts/",
    "reset",
];

async fn get(sim: &Sim, path: &str) -> Reply {
    sim.send(sim.http.get(sim.url(path))).await
}

fn header(reply: &Reply, name: reqwest::header::HeaderName) -> &str {
    reply
        .headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name}: {:?}", reply.headers))
}

/// The values of `attribute="…"` in the page.
fn attributes(attribute: &str) -> BTreeSet<&'static str> {
    let marker = format!(" {attribute}=\"");
    HTML.split(marker.as_str())
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn the_page_is_served_with_and_without_the_slash() {
    let sim = Sim::start().await;
    let page = get(&sim, "/_facesim/").await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(page.content_type(), "text/html; charset=utf-8");
    assert_eq!(page.text(), HTML);
    assert_eq!(
        header(&page, CONTENT_SECURITY_POLICY),
        facesim::dashboard::CONTENT_SECURITY_POLICY
    );
    assert!(facesim::dashboard::CONTENT_SECURITY_POLICY.starts_with("default-src 'self';"));
    assert_eq!(header(&page, X_CONTENT_TYPE_OPTIONS), "nosniff");

    let unfollowed = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bare = sim.send(unfollowed.get(sim.url("/_facesim?x=1"))).await;
    assert_eq!(bare.status, 308);
    assert_eq!(header(&bare, LOCATION), "_facesim/?x=1");
    let followed = get(&sim, "/_facesim").await;
    assert_eq!(followed.status, 200);
    assert_eq!(followed.text(), HTML);

    let head = sim.send(sim.http.head(sim.url("/_facesim/"))).await;
    assert_eq!(head.status, 200);
    let post = sim.send(sim.http.post(sim.url("/_facesim/"))).await;
    post.control_error(405, "method_not_allowed", "/_facesim/");
}

#[tokio::test]
async fn the_assets_have_their_content_types_and_the_same_policy() {
    let sim = Sim::start().await;
    for (path, content_type, text) in [
        (
            "/_facesim/dashboard/page.css",
            "text/css; charset=utf-8",
            CSS,
        ),
        (
            "/_facesim/dashboard/page.js",
            "text/javascript; charset=utf-8",
            JS,
        ),
    ] {
        let reply = get(&sim, path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        assert_eq!(reply.content_type(), content_type, "{path}");
        assert_eq!(reply.text(), text, "{path}");
        assert_eq!(
            header(&reply, CONTENT_SECURITY_POLICY),
            facesim::dashboard::CONTENT_SECURITY_POLICY
        );
        assert_eq!(header(&reply, X_CONTENT_TYPE_OPTIONS), "nosniff");
    }
    get(&sim, "/_facesim/dashboard/other.js")
        .await
        .control_error(404, "not_found", "/_facesim/dashboard/other.js");
}

#[tokio::test]
async fn the_page_loads_only_its_own_assets_and_nothing_inline() {
    assert!(HTML.contains(r#"<link rel="stylesheet" href="dashboard/page.css">"#));
    assert!(HTML.contains(r#"<script src="dashboard/page.js" defer></script>"#));
    assert_eq!(
        HTML.matches("<script").count(),
        1,
        "one script, no inline code"
    );
    for inline in [
        "<style",
        " style=\"",
        " onclick=",
        " onsubmit=",
        "javascript:",
    ] {
        assert!(!HTML.contains(inline), "the policy forbids {inline}");
    }
    for text in [HTML, JS, CSS] {
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "nothing external"
        );
    }
}

#[tokio::test]
async fn every_field_has_a_label_and_every_label_a_field() {
    let ids = attributes("id");
    let fors = attributes("for");
    for target in &fors {
        assert!(
            ids.contains(target),
            "a label names the missing field {target:?}"
        );
    }
    let inputs = HTML.split("<input").skip(1);
    for field in inputs.chain(HTML.split("<select").skip(1)) {
        let tag = field.split('>').next().unwrap_or_default();
        let id = tag.split(" id=\"").nth(1).and_then(|r| r.split('"').next());
        let wrapped = tag.contains("type=\"radio\"") || tag.contains("type=\"checkbox\"");
        assert!(
            wrapped || id.is_some_and(|id| fors.contains(id)),
            "a field without a label: <input{tag}>"
        );
    }
}

#[tokio::test]
async fn the_page_names_every_endpoint_it_uses_and_they_answer() {
    let sim = Sim::start().await;
    for endpoint in READS.iter().chain(SENDS) {
        let named = format!("/_facesim/{endpoint}");
        assert!(
            HTML.contains(&named),
            "the page does not name {named} for a reader"
        );
        let quoted = [format!("'{endpoint}"), format!("`{endpoint}")];
        assert!(
            quoted.iter().any(|q| JS.contains(q.as_str())),
            "the script does not call {endpoint}"
        );
    }
    for endpoint in READS {
        let reply = get(&sim, &format!("/_facesim/{endpoint}")).await;
        if *endpoint == "catalogue" && reply.status == 404 {
            continue;
        }
        assert_eq!(reply.status, 200, "{endpoint}: {}", reply.text());
        assert!(
            reply.content_type().starts_with("application/json"),
            "{endpoint}"
        );
    }
    assert!(JS.contains("catalogue not available"));
}
