//! The HTTP side: routes, the origin and host guard, CORS and Private Network Access, and
//! the two WebSocket protocols.

use crate::clients::Member;
use crate::config::{Origin, host_name, split_host_port};
use crate::conn::shutting_down;
use crate::legacy::{self, LegacyCommand};
use crate::protocol::{
    ErrorBody, EventMessage, Hello, PROTOCOL_VERSION, Reply, Request, parse_au, parse_request,
    parse_sign,
};
use crate::service::{MAX_READER_NAME, Shared};
use axum::Json;
use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, Request as HttpRequest, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, broadcast};
use twnhi_texts::{self as texts, Lang, bilingual};

/// How long browsers may cache a preflight answer.
const PREFLIGHT_MAX_AGE: &str = "600";

/// The application: every route behind the guard.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let preflight = || async { StatusCode::NO_CONTENT };
    Router::new()
        .route("/", get(crate::page::index))
        .route("/check.js", get(crate::page::script))
        .route("/check.css", get(crate::page::style))
        .route("/echo", get(legacy_ws))
        .route("/v1/ws", get(json_ws))
        .route("/v1/status", get(http_status).options(preflight))
        .route("/v1/readers", get(http_readers).options(preflight))
        .route(
            "/v1/certificates",
            get(http_certificates).options(preflight),
        )
        .route(
            "/v1/readers/{reader}/card",
            get(http_card).options(preflight),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

/// A catalog message as a plain-text line: `zh-TW / English\n`.
fn line(id: &str) -> String {
    let mut s = bilingual(id);
    s.push('\n');
    s
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, line("bridge-http-not-found"))
}

/// Whether the data paths (card data, WebSockets) are asked for.
fn is_data_path(path: &str) -> bool {
    path == "/echo" || path == "/v1" || path.starts_with("/v1/")
}

/// Whether `origin` is the bridge's own origin, as reached through `host`.
fn same_origin(origin: &str, host: &str, tls: bool) -> bool {
    let Ok(o) = Origin::parse(origin) else {
        return false;
    };
    let scheme = if tls { "https" } else { "http" };
    let Some((name, port)) = split_host_port(host.trim()) else {
        return false;
    };
    let port = port.unwrap_or(if tls { 443 } else { 80 });
    o.scheme == scheme && o.host == name && o.effective_port() == port
}

/// What the guard decided about a request's origin.
enum Verdict {
    /// Same origin, or no browser origin at all (a local program, a navigation).
    Local,
    /// An allowed cross-origin page: answer with CORS headers for it.
    Cross(HeaderValue),
    /// Refused.
    Refused,
}

fn judge(headers: &HeaderMap, host: &str, shared: &Shared) -> Verdict {
    match headers.get(header::ORIGIN) {
        Some(value) => {
            let Ok(origin) = value.to_str() else {
                return Verdict::Refused;
            };
            if same_origin(origin, host, shared.tls) {
                Verdict::Local
            } else if shared.config.origins.allows(origin) {
                Verdict::Cross(value.clone())
            } else {
                Verdict::Refused
            }
        }
        // Browsers send Origin with every cross-origin fetch and every WebSocket handshake,
        // but not with no-cors subresource loads (<img>, <script>): those say where they
        // come from in Sec-Fetch-Site, and get nothing unless they are same-origin.
        None => match headers.get("sec-fetch-site").map(HeaderValue::as_bytes) {
            None | Some(b"same-origin" | b"none") => Verdict::Local,
            Some(_) => Verdict::Refused,
        },
    }
}

/// Headers every response gets.
fn harden(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// Refuses requests for other host names (DNS rebinding), refuses data to other origins
/// (403, no CORS headers), answers CORS / Private Network Access preflights of allowed
/// origins, and adds CORS headers to their responses.
async fn guard(State(shared): State<Arc<Shared>>, req: HttpRequest, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| shared.config.host_allowed(h))
        .map(str::to_owned);
    let Some(host) = host else {
        tracing::warn!(
            host = ?req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).and_then(host_name),
            "request refused: host name not allowed"
        );
        let mut resp = text(StatusCode::FORBIDDEN, line("bridge-http-host-refused"));
        harden(&mut resp);
        return resp;
    };
    if !is_data_path(req.uri().path()) {
        let mut resp = next.run(req).await;
        harden(&mut resp);
        return resp;
    }
    let verdict = judge(req.headers(), &host, &shared);
    let cors_origin = match verdict {
        Verdict::Refused => {
            tracing::warn!(
                origin = ?req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(|o| o.chars().take(100).collect::<String>()),
                path = %req.uri().path(),
                "request refused: origin not allowed"
            );
            let mut resp = text(StatusCode::FORBIDDEN, line("bridge-http-origin-refused"));
            harden(&mut resp);
            return resp;
        }
        Verdict::Local => None,
        Verdict::Cross(o) => Some(o),
    };
    let mut resp = if req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        preflight(req.headers())
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    if let Some(origin) = cors_origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    harden(&mut resp);
    resp
}

/// The answer to a CORS preflight of an allowed origin (the guard adds
/// `Access-Control-Allow-Origin`).
fn preflight(headers: &HeaderMap) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, OPTIONS"),
    );
    // Echo the request headers asked for when they are plain header names.
    if let Some(asked) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        && asked.len() <= 256
        && asked
            .as_bytes()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b',' | b' '))
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    // Private Network Access (Chrome): a public page reaching a loopback service.
    if headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        h.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    resp
}

/// A JSON error response of the HTTP endpoints: `{"error": {code, message_zh, message_en}}`.
fn error_response(body: ErrorBody) -> Response {
    #[derive(Serialize)]
    struct Wrapped {
        error: ErrorBody,
    }
    let status =
        StatusCode::from_u16(body.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(Wrapped { error: body })).into_response()
}

fn json_result<T: Serialize>(r: Result<T, ErrorBody>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(e),
    }
}

async fn http_status(State(shared): State<Arc<Shared>>) -> Response {
    let Some(_permit) = shared.admit().await else {
        return error_response(ErrorBody::busy());
    };
    Json(shared.status_result().await).into_response()
}

async fn http_readers(State(shared): State<Arc<Shared>>) -> Response {
    let Some(_permit) = shared.admit().await else {
        return error_response(ErrorBody::busy());
    };
    json_result(shared.readers_result().await)
}

async fn http_certificates(State(shared): State<Arc<Shared>>) -> Response {
    let Some(_permit) = shared.admit().await else {
        return error_response(ErrorBody::busy());
    };
    json_result(shared.certificates_result().await)
}

async fn http_card(State(shared): State<Arc<Shared>>, Path(reader): Path<String>) -> Response {
    let Some(_permit) = shared.admit().await else {
        return error_response(ErrorBody::busy());
    };
    if reader.is_empty() || reader.len() > MAX_READER_NAME {
        return error_response(crate::protocol::bad("bridge-request-bad-reader-name"));
    }
    json_result(shared.read_result(Some(reader)).await)
}

async fn upgrade<F, Fut>(shared: Arc<Shared>, ws: WebSocketUpgrade, session: F) -> Response
where
    F: FnOnce(WebSocket, Arc<Shared>, OwnedSemaphorePermit) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(permit) = shared.admit().await else {
        tracing::warn!("WebSocket refused: too many clients, all in a request");
        return error_response(ErrorBody::busy());
    };
    let max = shared.config.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_failed_upgrade(|e| tracing::debug!(error = %e, "WebSocket upgrade failed"))
        .on_upgrade(move |socket| session(socket, shared, permit))
}

async fn legacy_ws(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    upgrade(shared, ws, legacy_session).await
}

async fn json_ws(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    upgrade(shared, ws, json_session).await
}

/// The longest a message to a client may take to leave (a client that reads nothing fills
/// its socket buffer; it is then dropped).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the close frame may take to leave.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Sends `message`; `false` when the client is gone or does not read.
async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.send(frame)).await;
}

/// What ended a read from the socket.
enum Incoming {
    Text(String),
    Binary,
    Other,
    End,
}

/// Classifies the next message; errors (an oversized message among them) end the session
/// with close code 1009 or 1002.
async fn next_message(
    socket: &mut WebSocket,
    item: Option<Result<Message, axum::Error>>,
) -> Incoming {
    match item {
        None | Some(Ok(Message::Close(_))) => Incoming::End,
        Some(Ok(Message::Text(t))) => {
            let text = t.as_str().to_owned();
            wipe(t.into());
            Incoming::Text(text)
        }
        Some(Ok(Message::Binary(_))) => Incoming::Binary,
        Some(Ok(_)) => Incoming::Other,
        Some(Err(e)) => {
            // tungstenite's capacity errors: "Space limit exceeded: Message too long: …".
            let shown = e.to_string().to_ascii_lowercase();
            let too_big = shown.contains("too long") || shown.contains("limit");
            tracing::debug!(too_big, "WebSocket read failed; closing");
            let (code, reason) = if too_big {
                (close_code::SIZE, "message too big")
            } else {
                (close_code::PROTOCOL, "protocol error")
            };
            close(socket, code, reason).await;
            Incoming::End
        }
    }
}

/// Overwrites a received message's buffer with zeros when nothing else shares it (a `sign`
/// request carries a PIN; the session keeps its own copy, wiped in turn).
fn wipe(bytes: axum::body::Bytes) {
    use zeroize::Zeroize;
    if let Ok(mut buffer) = bytes.try_into_mut() {
        buffer.as_mut().zeroize();
    }
}

/// The timing every WebSocket session shares: its entry among the sessions (for closing the
/// longest-idle one when the client slots run out), the idle deadline (pushed back by every
/// frame from the client, pongs included), the pings, and shutdown.
struct Lifeline {
    member: Member,
    idle_timeout: Duration,
    idle: Pin<Box<tokio::time::Sleep>>,
    ping: tokio::time::Interval,
    stop: tokio::sync::watch::Receiver<bool>,
}

/// Why a session's wait ended, besides a frame from the client.
enum Wake<T> {
    /// A frame (or the end of the stream) from the client.
    Frame(Option<Result<Message, axum::Error>>),
    /// Something else the session waits for (events).
    Other(T),
    /// Time to ping.
    Ping,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

impl Lifeline {
    fn new(shared: &Shared) -> Lifeline {
        let c = &shared.config;
        let now = tokio::time::Instant::now();
        let mut ping = tokio::time::interval_at(now + c.ws_ping_interval, c.ws_ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Lifeline {
            member: shared.sessions.register(),
            idle_timeout: c.ws_idle_timeout,
            idle: Box::pin(tokio::time::sleep(c.ws_idle_timeout)),
            ping,
            stop: shared.shutdown.subscribe(),
        }
    }

    /// Waits for the next frame, `other`, a ping tick, or a reason to close.
    async fn wait<T>(&mut self, socket: &mut WebSocket, other: impl Future<Output = T>) -> Wake<T> {
        let wake = tokio::select! {
            () = shutting_down(&mut self.stop) => Wake::Close(close_code::AWAY, "shutting down"),
            () = self.member.told_to_close() => {
                tracing::debug!("closing the longest-idle WebSocket to admit a new client");
                Wake::Close(close_code::AGAIN, "too many clients")
            }
            () = &mut self.idle => {
                tracing::debug!("closing an idle WebSocket");
                Wake::Close(close_code::AWAY, "idle timeout")
            }
            _ = self.ping.tick() => Wake::Ping,
            v = other => Wake::Other(v),
            item = socket.recv() => Wake::Frame(item),
        };
        if matches!(wake, Wake::Frame(_)) {
            let deadline = tokio::time::Instant::now() + self.idle_timeout;
            self.idle.as_mut().reset(deadline);
        }
        wake
    }
}

/// `/echo`: the legacy protocol, one text frame in, one text frame out, in order.
async fn legacy_session(mut socket: WebSocket, shared: Arc<Shared>, _permit: OwnedSemaphorePermit) {
    let mut life = Lifeline::new(&shared);
    tracing::debug!("legacy client connected");
    loop {
        let item = match life.wait(&mut socket, std::future::pending::<()>()).await {
            Wake::Frame(item) => item,
            Wake::Ping => {
                if !send(&mut socket, Message::Ping(Default::default())).await {
                    break;
                }
                continue;
            }
            Wake::Close(code, reason) => {
                close(&mut socket, code, reason).await;
                break;
            }
            Wake::Other(()) => continue,
        };
        let reply = match next_message(&mut socket, item).await {
            Incoming::End => break,
            Incoming::Other => continue,
            Incoming::Binary => legacy::immediate_reply(LegacyCommand::Unknown).unwrap_or_default(),
            Incoming::Text(t) => {
                life.member.busy();
                legacy_reply(&shared, &t).await
            }
        };
        let sent = send(&mut socket, Message::Text(reply.into())).await;
        life.member.idle();
        if !sent {
            break;
        }
    }
    tracing::debug!("legacy client disconnected");
}

async fn legacy_reply(shared: &Shared, frame: &str) -> String {
    let command = LegacyCommand::parse(frame);
    if let Some(reply) = legacy::immediate_reply(command) {
        tracing::debug!(command = command.label(), "legacy request");
        return reply;
    }
    match shared.read(None).await {
        Ok((reader, read)) => {
            tracing::debug!(command = command.label(), reader = %reader, "legacy request answered");
            legacy::basic_reply(&read)
        }
        Err(e) => e.legacy_code().to_string(),
    }
}

fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| {
        let msg = |lang| serde_json::Value::String(texts::text(lang, "bridge-internal-error"));
        format!(
            r#"{{"type":"error","id":null,"error":{{"code":9999,"message_zh":{},"message_en":{}}}}}"#,
            msg(Lang::ZhTw),
            msg(Lang::En)
        )
    })
}

/// `/v1/ws`: the JSON protocol, replies in request order, events pushed in between.
async fn json_session(mut socket: WebSocket, shared: Arc<Shared>, _permit: OwnedSemaphorePermit) {
    let mut life = Lifeline::new(&shared);
    let mut events = shared.sink.subscribe();
    let mut events_open = true;
    tracing::debug!("JSON client connected");
    let hello = Hello {
        kind: "hello".into(),
        protocol: PROTOCOL_VERSION,
        version: env!("CARGO_PKG_VERSION").into(),
        backend: shared.backend.kind().into(),
    };
    if !send(&mut socket, Message::Text(to_text(&hello).into())).await {
        return;
    }
    loop {
        let next_event = async {
            if events_open {
                events.recv().await
            } else {
                std::future::pending().await
            }
        };
        let out = match life.wait(&mut socket, next_event).await {
            Wake::Close(code, reason) => {
                close(&mut socket, code, reason).await;
                break;
            }
            Wake::Ping => {
                if !send(&mut socket, Message::Ping(Default::default())).await {
                    break;
                }
                continue;
            }
            Wake::Other(ev) => match ev {
                Ok(e) => to_text(&EventMessage {
                    kind: "event",
                    event: &e,
                }),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a slow client missed events");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => {
                    events_open = false;
                    continue;
                }
            },
            Wake::Frame(item) => match next_message(&mut socket, item).await {
                Incoming::End => break,
                Incoming::Other => continue,
                Incoming::Binary => to_text(&Reply {
                    id: serde_json::Value::Null,
                    kind: "error".into(),
                    result: None,
                    error: Some(crate::protocol::bad("bridge-request-binary")),
                }),
                Incoming::Text(t) => {
                    life.member.busy();
                    // A `sign` request carries a PIN: the bridge's copy of the frame is wiped
                    // once answered.
                    let t = zeroize::Zeroizing::new(t);
                    to_text(&json_reply(&shared, &t).await)
                }
            },
        };
        if !send(&mut socket, Message::Text(out.into())).await {
            break;
        }
        if life.member.is_busy() {
            life.member.idle();
        }
    }
    tracing::debug!("JSON client disconnected");
}

async fn json_reply(shared: &Shared, text: &str) -> Reply {
    let (id, request) = match parse_request(text) {
        Ok(r) => r,
        Err(reply) => {
            tracing::debug!("bad JSON request");
            return *reply;
        }
    };
    let kind = request.kind();
    tracing::debug!(request = kind, "JSON request");
    let result = match request {
        Request::Status => Ok(value(&shared.status_result().await)),
        Request::Readers => shared.readers_result().await.map(|r| value(&r)),
        Request::Read { reader } => shared.read_result(reader).await.map(|r| value(&r)),
        Request::Challenge { reader } => shared.challenge_result(reader).await.map(|r| value(&r)),
        Request::Authenticate { au, reader } => match parse_au(&au) {
            Ok(au) => shared
                .authenticate_result(reader, au)
                .await
                .map(|r| value(&r)),
            Err(e) => Err(e),
        },
        Request::Certificates => shared.certificates_result().await.map(|r| value(&r)),
        Request::Sign {
            serial,
            data,
            scheme,
            pin,
        } => match (
            parse_sign(&serial, &data, scheme.as_deref()),
            pin.into_pin(),
        ) {
            (Ok((serial, data, scheme)), Ok(pin)) => shared
                .sign_result(serial, data, scheme, pin)
                .await
                .map(|r| value(&r)),
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(ErrorBody::cert(&e)),
        },
    };
    match result {
        Ok(v) => Reply {
            id,
            kind: kind.into(),
            result: Some(v),
            error: None,
        },
        Err(e) => Reply {
            id,
            kind: kind.into(),
            result: None,
            error: Some(e),
        },
    }
}

fn value<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_needs_scheme_host_and_port() {
        assert!(same_origin(
            "http://127.0.0.1:7777",
            "127.0.0.1:7777",
            false
        ));
        assert!(!same_origin(
            "https://127.0.0.1:7777",
            "127.0.0.1:7777",
            false
        ));
        assert!(same_origin(
            "https://localhost:7777",
            "localhost:7777",
            true
        ));
        assert!(!same_origin(
            "http://localhost:7778",
            "localhost:7777",
            false
        ));
        assert!(same_origin("http://localhost", "localhost", false));
        assert!(!same_origin("garbage", "localhost", false));
    }

    #[test]
    fn data_paths() {
        assert!(is_data_path("/echo"));
        assert!(is_data_path("/v1/ws"));
        assert!(is_data_path("/v1/readers/x/card"));
        assert!(!is_data_path("/"));
        assert!(!is_data_path("/check.js"));
        assert!(!is_data_path("/echoes"));
    }
}
