//! Transport limits on raw connections: idle and slow clients.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A generous bound for a server-side timeout of one or two seconds to act.
const PATIENCE: Duration = Duration::from_secs(10);

/// Reads until the server closes the connection (EOF or reset); panics if it stays open.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let closing = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(PATIENCE, closing)
        .await
        .expect("the server should close the connection");
    received
}

/// The JSON body of a raw HTTP/1.1 response.
fn json_body(response: &[u8]) -> Value {
    let text = String::from_utf8_lossy(response);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let sim = Sim::from_toml("[server]\nheader_read_timeout_seconds = 1").await;
    let mut stream = TcpStream::connect(sim.authority()).await.expect("connect");
    let received = read_until_closed(&mut stream).await;
    assert!(
        !String::from_utf8_lossy(&received).contains("200 OK"),
        "no response was due"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let sim = Sim::from_toml("[server]\nheader_read_timeout_seconds = 1").await;
    let mut stream = TcpStream::connect(sim.authority()).await.expect("connect");
    let request = format!(
        "GET /_facesim/clock HTTP/1.1\r\nHost: {}\r\n\r\n",
        sim.authority()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let received = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&received);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "the request was answered first: {text}"
    );
    assert!(json_body(&received)["now"].is_string(), "{text}");
}

#[tokio::test]
async fn a_half_sent_request_head_is_cut_off() {
    let sim = Sim::from_toml("[server]\nheader_read_timeout_seconds = 1").await;
    let mut stream = TcpStream::connect(sim.authority()).await.expect("connect");
    stream
        .write_all(b"GET /_facesim/clock HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    read_until_closed(&mut stream).await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_times_out_with_408() {
    let sim = Sim::configured(|c| c.server.body_read_timeout_seconds = 1).await;
    let mut stream = TcpStream::connect(sim.authority()).await.expect("connect");
    let head = format!(
        "POST {PREFIX}/v1/enrollments HTTP/1.1\r\nHost: {}\r\nTruora-API-Key: {KEY}\r\n\
         Content-Type: {FORM}\r\nContent-Length: 100\r\n\r\ntype=face",
        sim.authority()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let response = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let envelope = json_body(&response);
    assert_eq!(
        (&envelope["code"], &envelope["http_code"]),
        (&json!(10408), &json!(408)),
        "{envelope}"
    );
    assert!(
        envelope["message"]
            .as_str()
            .unwrap()
            .contains("not received in time"),
        "{envelope}"
    );
}
