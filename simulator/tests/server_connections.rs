//! Transport limits on raw connections: idle and slow clients, and answers given before the
//! request body was read.

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

/// Reads one response of a keep-alive connection (head plus `Content-Length` bytes).
async fn read_one_response(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let reading = async {
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse().expect("a length"))
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return (head, received[end + 4..end + 4 + length].to_vec());
                }
            }
            let n = stream.read(&mut buffer).await.expect("read");
            assert!(
                n > 0,
                "closed early: {}",
                String::from_utf8_lossy(&received)
            );
            received.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(PATIENCE, reading)
        .await
        .expect("a whole response")
}

#[tokio::test]
async fn a_connection_stays_usable_after_an_answer_given_before_the_body_was_read() {
    let sim = Sim::start().await;
    let created = sim.enroll(Some("early-answer")).await;
    let link = str_at(&created, "/file_upload_link");
    sim.upload(link, reference("alice")).await;
    let path = link.trim_start_matches(&sim.base);
    let mut stream = TcpStream::connect(sim.authority()).await.expect("connect");
    let body = junk(26 * 1024);
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    let (head, second) = read_one_response(&mut stream).await;
    assert!(head.starts_with("http/1.1 409"), "{head}");
    assert!(!head.contains("connection: close"), "{head}");
    assert_eq!(
        serde_json::from_slice::<Value>(&second).unwrap()["http_code"],
        json!(409)
    );

    let id = str_at(&created, "/enrollment_id");
    let get = format!(
        "GET {PREFIX}/v1/enrollments/{id} HTTP/1.1\r\nHost: x\r\nTruora-API-Key: {KEY}\r\n\r\n"
    );
    stream.write_all(get.as_bytes()).await.unwrap();
    let (head, enrollment) = read_one_response(&mut stream).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let enrollment: Value = serde_json::from_slice(&enrollment).unwrap();
    assert_eq!(enrollment["enrollment_id"], json!(id));
}

#[tokio::test]
async fn an_oversized_upload_gets_its_413_even_from_a_client_that_keeps_sending() {
    let sim = Sim::start().await;
    for round in 0..8 {
        let created = sim.enroll(Some(&format!("big-{round}"))).await;
        let link = str_at(&created, "/file_upload_link");
        let reply = sim.put(link, vec![0u8; 10 * 1024 * 1024 + 1]).await;
        reply.truora_error(413, "10 MB");
    }
}

#[tokio::test]
async fn a_body_far_over_the_limit_gets_413_and_a_closed_connection() {
    let sim = Sim::start().await;
    let created = sim.enroll(Some("far-too-big")).await;
    let path = str_at(&created, "/file_upload_link")
        .trim_start_matches(&sim.base)
        .to_string();
    let stream = TcpStream::connect(sim.authority()).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let total = 64 * 1024 * 1024;
    let sending = tokio::spawn(async move {
        let head = format!("PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {total}\r\n\r\n");
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..64 {
            writer.write_all(&chunk).await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, reader.read_to_end(&mut received))
        .await
        .expect("the server answers and closes")
        .ok();
    let text = String::from_utf8_lossy(&received).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 413"), "{text}");
    assert!(text.contains("connection: close"), "{text}");
    let _ = sending.await;
}
