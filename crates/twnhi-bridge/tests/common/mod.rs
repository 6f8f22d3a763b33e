//! Helpers shared by the bridge's integration tests: start a bridge on a free port, speak raw
//! HTTP/1.1 to it, open WebSockets with a chosen `Origin`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use twnhi_bridge::{Bridge, BridgeConfig, BridgeHandle, CardBackend};

/// How long any single wait in a test may take.
pub const STEP: Duration = Duration::from_secs(10);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A bridge on `127.0.0.1:0` over `backend`, configured further by `tweak`.
pub async fn start(
    backend: Arc<dyn CardBackend>,
    tweak: impl FnOnce(&mut BridgeConfig),
) -> BridgeHandle {
    let mut config = BridgeConfig::default();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.shutdown_grace = Duration::from_secs(2);
    tweak(&mut config);
    Bridge::new(config, backend)
        .unwrap()
        .bind()
        .await
        .unwrap()
        .spawn()
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one request (`Connection: close`) over `stream` and reads the whole response.
pub async fn http_over<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
) -> HttpResponse {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(STEP, stream.read_to_end(&mut raw))
        .await
        .expect("response in time")
        .ok();
    parse_response(&raw)
}

/// `http_over` a fresh TCP connection, with `Host: <addr>` unless `host` is given.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> HttpResponse {
    http_host(addr, &addr.to_string(), method, path, headers).await
}

pub async fn http_host(
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> HttpResponse {
    let tcp = TcpStream::connect(addr).await.unwrap();
    http_over(tcp, method, path, host, headers).await
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16)
                .unwrap();
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    HttpResponse {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

/// Opens a WebSocket on `path` with the given `Origin` (none when `None`).
pub async fn ws_connect(
    addr: SocketAddr,
    path: &str,
    origin: Option<&str>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
    if let Some(o) = origin {
        req.headers_mut()
            .insert("origin", HeaderValue::from_str(o).unwrap());
    }
    tokio::time::timeout(STEP, tokio_tungstenite::connect_async(req))
        .await
        .expect("handshake in time")
        .map(|(ws, _)| ws)
}

/// The bridge's own origin, which every test page would have.
pub fn own_origin(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

/// A WebSocket to `path` from the bridge's own origin.
pub async fn ws(addr: SocketAddr, path: &str) -> Ws {
    ws_connect(addr, path, Some(&own_origin(addr)))
        .await
        .unwrap()
}

/// The next text message (pings and pongs skipped); `None` when the connection ended.
pub async fn next_text<S>(ws: &mut WebSocketStream<S>) -> Option<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let msg = tokio::time::timeout(STEP, ws.next())
            .await
            .expect("message in time")?;
        match msg {
            Ok(Message::Text(t)) => return Some(t.to_string()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// Sends a legacy frame and returns the reply.
pub async fn legacy<S>(ws: &mut WebSocketStream<S>, frame: &str) -> String
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    ws.send(Message::Text(frame.into())).await.unwrap();
    next_text(ws).await.expect("a reply")
}

/// Opens `/v1/ws` and reads its `hello`.
pub async fn json_ws(addr: SocketAddr) -> Ws {
    let mut w = ws(addr, "/v1/ws").await;
    let hello: serde_json::Value = serde_json::from_str(&next_text(&mut w).await.unwrap()).unwrap();
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["protocol"], 1);
    w
}

/// Sends a JSON request and returns its reply, skipping events.
pub async fn call(ws: &mut Ws, request: serde_json::Value) -> serde_json::Value {
    ws.send(Message::Text(request.to_string().into()))
        .await
        .unwrap();
    loop {
        let text = next_text(ws).await.expect("a reply");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        if v["type"] != "event" {
            return v;
        }
    }
}

/// Waits for an event of kind `event`, skipping others; panics after [`STEP`].
pub async fn expect_event(ws: &mut Ws, event: &str) -> serde_json::Value {
    loop {
        let text = next_text(ws).await.expect("an event");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        if v["type"] == "event" && v["event"] == event {
            return v;
        }
    }
}

/// Percent-encodes a reader name for a URL path.
pub fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Checks that a card's command log is made of whole operations: every SELECT is followed by
/// its GET DATA P1 11 and GET DATA P1 24 (a read never interleaved with another), and that
/// there were `reads` of them.
pub fn assert_reads_not_interleaved(log: &[twnhi_sim::CommandRecord], reads: usize) {
    assert_eq!(whole_reads(log), reads);
}

/// Checks that a card's command log is made of whole reads and returns how many.
pub fn whole_reads(log: &[twnhi_sim::CommandRecord]) -> usize {
    let ops: Vec<(u8, u8)> = log.iter().map(|r| (r.ins, r.p1)).collect();
    assert_eq!(ops.len() % 3, 0, "commands: {ops:02X?}");
    for (i, chunk) in ops.chunks(3).enumerate() {
        assert_eq!(
            chunk,
            [(0xA4, 0x04), (0xCA, 0x11), (0xCA, 0x24)],
            "operation {i} interleaved: {ops:02X?}"
        );
    }
    ops.len() / 3
}
