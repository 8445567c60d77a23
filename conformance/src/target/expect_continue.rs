//! Sends a large body the way curl does: the request head with `Expect: 100-continue` first,
//! the body only after the server's `100 Continue` (or after a short wait). A server that
//! refuses the body by its `Content-Length` (413) then answers before any of it is sent, and
//! the answer cannot be lost to a connection reset. Plain `http://` only.

use bytes::Bytes;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// How long to wait for `100 Continue` before sending the body anyway (curl waits 1 s).
const CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// An answer read off the wire.
#[derive(Debug)]
pub struct RawAnswer {
    /// The final status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// Every header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Bytes,
}

/// Sends `method url` with `headers` and `body` over HTTP/1.1, waiting for `100 Continue`
/// before the body; the whole exchange must end within `limit`.
pub async fn send(
    method: &str,
    url: &reqwest::Url,
    headers: &[(String, String)],
    body: &Bytes,
    limit: Duration,
) -> Result<RawAnswer, String> {
    timeout(limit, exchange(method, url, headers, body))
        .await
        .map_err(|_| format!("no answer within {} s", limit.as_secs()))?
}

async fn exchange(
    method: &str,
    url: &reqwest::Url,
    headers: &[(String, String)],
    body: &Bytes,
) -> Result<RawAnswer, String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let mut stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("connecting to {host}:{port}: {e}"))?;
    let mut target = url.path().to_string();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| format!("writing the request head: {e}"))?;

    let mut received = Vec::new();
    let early = timeout(CONTINUE_WAIT, read_head(&mut stream, &mut received)).await;
    match early {
        Ok(Ok(end)) => {
            let status = status_of(&received[..end])?;
            if status != 100 {
                return finish(stream, received).await;
            }
            received.drain(..end);
        }
        Ok(Err(e)) => return Err(e),
        Err(_) => {}
    }
    stream
        .write_all(body)
        .await
        .map_err(|e| format!("writing the body: {e}"))?;
    finish(stream, received).await
}

/// Reads until a whole response head (`\r\n\r\n`) is in `buffer`; answers where it ends.
async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, String> {
    loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            return Ok(at + 4);
        }
        let mut chunk = [0u8; 8192];
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading the answer: {e}"))?;
        if n == 0 {
            return Err("the connection closed before an answer".into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Reads the rest of the final answer (the connection closes after it); what arrived before
/// a reset still counts when it is a whole answer.
async fn finish(mut stream: TcpStream, mut received: Vec<u8>) -> Result<RawAnswer, String> {
    let read = stream.read_to_end(&mut received).await;
    parse(&received).map_err(|problem| match read {
        Err(e) => format!("reading the answer: {e}"),
        Ok(_) => problem,
    })
}

/// Parses a whole HTTP/1.1 response.
fn parse(bytes: &[u8]) -> Result<RawAnswer, String> {
    let end = find(bytes, b"\r\n\r\n").ok_or("the answer has no complete head")? + 4;
    let head = String::from_utf8_lossy(&bytes[..end]);
    let status = status_of(&bytes[..end])?;
    let mut content_type = None;
    let mut chunked = false;
    let mut length = None;
    let mut headers = Vec::new();
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        headers.push((name.clone(), value.to_string()));
        match name.as_str() {
            "content-type" => content_type = Some(value.to_string()),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "content-length" => length = value.parse::<usize>().ok(),
            _ => {}
        }
    }
    let raw = &bytes[end..];
    let body = if chunked {
        dechunk(raw)?
    } else {
        match length {
            Some(n) if raw.len() < n => {
                return Err(format!(
                    "the answer body is cut at {} of {n} bytes",
                    raw.len()
                ))
            }
            Some(n) => raw[..n].to_vec(),
            None => raw.to_vec(),
        }
    };
    Ok(RawAnswer {
        status,
        content_type,
        headers,
        body: Bytes::from(body),
    })
}

fn status_of(head: &[u8]) -> Result<u16, String> {
    let line = head.split(|b| *b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next().and_then(|s| s.parse().ok())) {
        (Some(version), Some(status)) if version.starts_with("HTTP/1.") => Ok(status),
        _ => Err(format!("not an HTTP/1.1 status line: {line:?}")),
    }
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = find(raw, b"\r\n").ok_or("a chunk size line is cut")?;
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if raw.len() < size + 2 {
            return Err("a chunk is cut".into());
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_with_a_length_or_chunks() {
        let plain = parse(b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}").unwrap();
        assert_eq!(
            (plain.status, plain.content_type.as_deref(), &plain.body[..]),
            (413, Some("application/json"), &b"{}"[..])
        );
        let chunked = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!(&chunked.body[..], b"abcde");
        assert!(parse(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab")
            .unwrap_err()
            .contains("cut"));
        assert!(parse(b"garbage\r\n\r\n").is_err());
    }

    #[tokio::test]
    async fn a_refusal_before_the_body_is_read_arrives_and_the_body_is_not_sent() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            while find(&head, b"\r\n\r\n").is_none() {
                let mut chunk = [0u8; 1024];
                let n = socket.read(&mut chunk).await.unwrap();
                head.extend_from_slice(&chunk[..n]);
            }
            socket
                .write_all(b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 3\r\n\r\nbig")
                .await
                .unwrap();
            drop(socket);
            String::from_utf8(head).unwrap()
        });
        let url = reqwest::Url::parse(&format!("http://{address}/v1/uploads/U?Expires=1")).unwrap();
        let body = Bytes::from(vec![0u8; 20 * 1024 * 1024]);
        let headers = [("Content-Type".to_string(), "image/png".to_string())];
        let answer = send("PUT", &url, &headers, &body, Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!((answer.status, &answer.body[..]), (413, &b"big"[..]));
        let head = server.await.unwrap();
        assert!(
            head.starts_with("PUT /v1/uploads/U?Expires=1 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("Expect: 100-continue\r\n")
                && head.contains("Content-Length: 20971520\r\n"),
            "{head}"
        );
    }
}
