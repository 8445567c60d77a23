//! Pictures the suite serves itself on `127.0.0.1`, for liveness requests that name a picture
//! by its `http://` URL: each published file has a path of its own, any other path answers
//! 404, and every request is remembered so steps can tell whether the service fetched it.

use crate::fixtures::Fixture;
use crate::local_http::{Answer, LocalServer};
use hyper::StatusCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Shelf {
    files: HashMap<String, Fixture>,
    fetched: Vec<String>,
}

/// A running picture host; dropping it stops it.
#[derive(Debug)]
pub struct PictureHost {
    server: LocalServer,
    shelf: Arc<Mutex<Shelf>>,
}

impl PictureHost {
    /// Starts a host on a free port of `127.0.0.1`.
    pub async fn start() -> std::io::Result<PictureHost> {
        let shelf = Arc::new(Mutex::new(Shelf::default()));
        let shared = shelf.clone();
        let server = LocalServer::start(move |request| {
            let path = request
                .path
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            let mut shelf = shared.lock().expect("picture shelf");
            shelf.fetched.push(path.clone());
            match shelf.files.get(&path) {
                Some(file) if request.method == "GET" => Answer {
                    status: StatusCode::OK,
                    content_type: Some(file.content_type),
                    body: file.bytes.clone(),
                },
                _ => Answer::empty(StatusCode::NOT_FOUND),
            }
        })
        .await?;
        Ok(PictureHost { server, shelf })
    }

    /// Serves `file` at a path of its own; answers its URL.
    pub fn publish(&self, file: &Fixture) -> String {
        let mut shelf = self.shelf.lock().expect("picture shelf");
        let path = format!("/pictures/{}/{}", shelf.files.len() + 1, file.name);
        shelf.files.insert(path.clone(), file.clone());
        format!("{}{path}", self.server.base())
    }

    /// A URL under the host that answers 404.
    pub fn missing(&self) -> String {
        format!("{}/pictures/missing/nothing-here.jpg", self.server.base())
    }

    /// The paths requested so far, in order.
    pub fn fetched(&self) -> Vec<String> {
        self.shelf.lock().expect("picture shelf").fetched.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::Fixtures;

    #[tokio::test]
    async fn published_files_are_served_and_fetches_remembered() {
        let host = PictureHost::start().await.unwrap();
        let fixtures = Fixtures::embedded();
        let file = fixtures.get("alice-selfie.jpg");
        let url = host.publish(file);
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let answer = http.get(&url).send().await.unwrap();
        assert_eq!(answer.headers()["content-type"], "image/jpeg");
        assert_eq!(answer.bytes().await.unwrap(), file.bytes);
        let missing = http.get(host.missing()).send().await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(
            host.fetched(),
            [
                "/pictures/1/alice-selfie.jpg",
                "/pictures/missing/nothing-here.jpg"
            ]
        );
    }
}
