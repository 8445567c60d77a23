//! `GET {root}/_facesim/namespaces`: the namespaces facesim holds.

use crate::state::App;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;

/// The namespace routes, nested under the control prefix.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/namespaces", get(list))
}

/// Body of `GET /namespaces`.
#[derive(Debug, Serialize)]
pub struct NamespacesBody {
    /// The default namespace first, then the named ones by name.
    pub namespaces: Vec<NamespaceBody>,
    /// The most named namespaces held at once.
    pub max_namespaces: usize,
    /// Whether vendor requests without the header live in their credential's namespace.
    pub namespace_per_key: bool,
}

/// One namespace.
#[derive(Debug, Serialize)]
pub struct NamespaceBody {
    /// Its name (`default` for the default namespace).
    pub name: String,
    /// Whether it is the default namespace.
    pub default: bool,
    /// How far its clock runs ahead of real time, in seconds.
    pub clock_offset_seconds: f64,
}

async fn list(State(app): State<Arc<App>>) -> Json<NamespacesBody> {
    let namespaces = app
        .tenants
        .all()
        .iter()
        .map(|tenant| NamespaceBody {
            name: tenant.label().to_string(),
            default: tenant.name.is_none(),
            clock_offset_seconds: tenant.clock.offset().num_milliseconds() as f64 / 1000.0,
        })
        .collect();
    Json(NamespacesBody {
        namespaces,
        max_namespaces: app.tenants.max_named,
        namespace_per_key: app.config.isolation.namespace_per_key,
    })
}
