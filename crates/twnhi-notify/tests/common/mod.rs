//! Test helpers: a small SMTP sink on the loopback (plain, STARTTLS, implicit TLS; modes that
//! refuse or hang) and a reader of the messages it receives.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// What the sink does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Takes every message.
    Accept,
    /// Answers the greeting with 554 (a server that refuses us).
    RefuseGreeting,
    /// Refuses every recipient with 550.
    RefuseRecipient,
    /// Answers MAIL FROM with 451 (try later).
    TempFail,
    /// Accepts TCP and never says anything.
    Hang,
    /// Requires AUTH PLAIN with these credentials.
    Auth(String, String),
}

/// How the sink speaks.
#[derive(Clone)]
pub enum Security {
    /// Plain text.
    Plain,
    /// Offers STARTTLS.
    StartTls(Arc<rustls::ServerConfig>),
    /// TLS from the first byte.
    Implicit(Arc<rustls::ServerConfig>),
}

/// One received message.
#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
    pub tls: bool,
    pub authenticated_as: Option<String>,
}

/// A running sink.
pub struct Sink {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost: (server config, certificate PEM).
pub fn tls_config() -> (Arc<rustls::ServerConfig>, String) {
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let cert_pem = ck.cert.pem();
    let cert_der = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        ck.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert_der], key)
    .unwrap();
    (Arc::new(config), cert_pem)
}

/// Starts a sink on 127.0.0.1 with a free port.
pub async fn start(mode: Mode, security: Security) -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let _ = tcp.set_nodelay(true);
            let (mode, security, store) = (mode.clone(), security.clone(), store.clone());
            tokio::spawn(async move {
                if mode == Mode::Hang {
                    // Hold the connection open, silently.
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    drop(tcp);
                    return;
                }
                match security {
                    Security::Plain => {
                        let _ = session(tcp, &mode, None, false, false, &store).await;
                    }
                    Security::StartTls(cfg) => {
                        if let Some(plain) =
                            session(tcp, &mode, Some(&cfg), false, false, &store).await
                            && let Ok(tls) = TlsAcceptor::from(cfg).accept(plain).await
                        {
                            let _ = session(tls, &mode, None, true, true, &store).await;
                        }
                    }
                    Security::Implicit(cfg) => {
                        if let Ok(tls) = TlsAcceptor::from(cfg).accept(tcp).await {
                            let _ = session(tls, &mode, None, true, false, &store).await;
                        }
                    }
                }
            });
        }
    });
    Sink {
        addr,
        received,
        task,
    }
}

async fn reply<S: AsyncWrite + Unpin>(w: &mut S, text: &str) -> std::io::Result<()> {
    // One write per reply: two small writes meet Nagle and delayed ACKs (40 ms each).
    w.write_all(format!("{text}\r\n").as_bytes()).await?;
    w.flush().await
}

/// One SMTP session. Returns the stream when the client asked for STARTTLS (and `starttls`
/// was offered), after answering 220.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    mode: &Mode,
    starttls: Option<&Arc<rustls::ServerConfig>>,
    tls: bool,
    starttls_done: bool,
    store: &Mutex<Vec<Received>>,
) -> Option<S> {
    let mut io = BufReader::new(stream);
    // After STARTTLS the client speaks first (EHLO); otherwise the server greets.
    if !(tls && starttls_done) {
        let greeting = if *mode == Mode::RefuseGreeting {
            "554 5.7.1 sink.test: no service for you"
        } else {
            "220 sink.test ESMTP test sink"
        };
        reply(io.get_mut(), greeting).await.ok()?;
    }
    let mut from = String::new();
    let mut rcpt = Vec::new();
    let mut authed: Option<String> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if io.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            let mut caps = vec![
                "250-sink.test",
                "250-8BITMIME",
                "250-SMTPUTF8",
                "250-AUTH PLAIN LOGIN",
            ];
            if starttls.is_some() {
                caps.push("250-STARTTLS");
            }
            caps.push("250 SIZE 10485760");
            reply(io.get_mut(), &caps.join("\r\n")).await.ok()?;
        } else if upper == "STARTTLS" && starttls.is_some() {
            reply(io.get_mut(), "220 2.0.0 go ahead").await.ok()?;
            return Some(io.into_inner());
        } else if upper.starts_with("AUTH PLAIN") {
            let b64 = cmd.get("AUTH PLAIN ".len()..).unwrap_or("").trim();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap_or_default();
            let parts: Vec<String> = decoded
                .split(|b| *b == 0)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            let ok = match (mode, parts.as_slice()) {
                (Mode::Auth(u, p), [_, user, pass]) => user == u && pass == p,
                _ => false,
            };
            if ok {
                authed = parts.get(1).cloned();
                reply(io.get_mut(), "235 2.7.0 authenticated").await.ok()?;
            } else {
                reply(io.get_mut(), "535 5.7.8 bad credentials")
                    .await
                    .ok()?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            if matches!(mode, Mode::Auth(..)) && authed.is_none() {
                reply(io.get_mut(), "530 5.7.0 authentication required")
                    .await
                    .ok()?;
                continue;
            }
            if *mode == Mode::TempFail {
                reply(io.get_mut(), "451 4.3.0 try again later")
                    .await
                    .ok()?;
                continue;
            }
            from = cmd["MAIL FROM:".len()..].to_owned();
            rcpt.clear();
            reply(io.get_mut(), "250 2.1.0 ok").await.ok()?;
        } else if upper.starts_with("RCPT TO:") {
            if *mode == Mode::RefuseRecipient {
                reply(io.get_mut(), "550 5.1.1 no such mailbox")
                    .await
                    .ok()?;
                continue;
            }
            rcpt.push(cmd["RCPT TO:".len()..].to_owned());
            reply(io.get_mut(), "250 2.1.5 ok").await.ok()?;
        } else if upper == "DATA" {
            reply(io.get_mut(), "354 end with <CRLF>.<CRLF>")
                .await
                .ok()?;
            let mut data = String::new();
            loop {
                line.clear();
                if io.read_line(&mut line).await.ok()? == 0 {
                    return None;
                }
                if line == ".\r\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            store.lock().unwrap().push(Received {
                mail_from: from.clone(),
                rcpt_to: rcpt.clone(),
                data,
                tls,
                authenticated_as: authed.clone(),
            });
            reply(io.get_mut(), "250 2.0.0 queued as TEST").await.ok()?;
        } else if upper == "RSET" || upper == "NOOP" {
            reply(io.get_mut(), "250 2.0.0 ok").await.ok()?;
        } else if upper == "QUIT" {
            let _ = reply(io.get_mut(), "221 2.0.0 bye").await;
            return None;
        } else {
            reply(io.get_mut(), "502 5.5.2 not implemented")
                .await
                .ok()?;
        }
    }
}

// ------------------------------------------------------------------------------------------
// Reading messages.

/// A parsed message: unfolded headers and the body.
pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Parsed {
    pub fn parse(raw: &str) -> Parsed {
        let (head, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("continuation after a header");
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else {
                let (name, value) = line.split_once(':').expect("header line");
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
        Parsed {
            headers,
            body: body.to_owned(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// The parts of a multipart body: (content type, decoded text).
    pub fn parts(&self) -> Vec<(String, String)> {
        let ct = self.header("Content-Type").expect("content type");
        let boundary = ct
            .split("boundary=")
            .nth(1)
            .expect("boundary")
            .trim_matches('"')
            .to_owned();
        let delimiter = format!("--{boundary}");
        self.body
            .split(&delimiter)
            .skip(1)
            .filter(|p| !p.starts_with("--"))
            .map(|p| {
                let part = Parsed::parse(p.trim_start_matches("\r\n"));
                let ct = part.header("Content-Type").unwrap_or("").to_owned();
                let cte = part
                    .header("Content-Transfer-Encoding")
                    .unwrap_or("")
                    .to_ascii_lowercase();
                assert_eq!(cte, "base64", "parts are base64");
                let b64: String = part.body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .expect("base64 body");
                (ct, String::from_utf8(bytes).expect("UTF-8 body"))
            })
            .collect()
    }
}

/// Decodes RFC 2047 encoded-words (B and Q, UTF-8) in a header value; white space between
/// adjacent encoded-words is dropped.
pub fn decode_rfc2047(value: &str) -> String {
    let mut out = String::new();
    let mut last_was_word = false;
    let mut pending_space = String::new();
    for token in value.split_inclusive([' ', '\t']) {
        let word = token.trim_end();
        let trailing = &token[word.len()..];
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut it = w.splitn(3, '?');
                let (charset, enc, text) = (it.next()?, it.next()?, it.next()?);
                if !charset.eq_ignore_ascii_case("utf-8") {
                    return None;
                }
                let bytes = match enc {
                    "b" | "B" => base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .ok()?,
                    "q" | "Q" => q_decode(text),
                    _ => return None,
                };
                String::from_utf8(bytes).ok()
            });
        match decoded {
            Some(d) => {
                if !last_was_word {
                    out.push_str(&pending_space);
                }
                out.push_str(&d);
                last_was_word = true;
            }
            None => {
                out.push_str(&pending_space);
                out.push_str(word);
                last_was_word = false;
            }
        }
        pending_space = trailing.to_owned();
    }
    out
}

fn q_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(h, 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}
