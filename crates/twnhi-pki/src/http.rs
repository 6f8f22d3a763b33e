//! The little HTTP this crate needs: `GET` a CRL, `POST` an OCSP request (RFC 6960 A.1),
//! over plain `http://` with hyper's HTTP/1.1 client.
//!
//! Only `http:` is taken. CRLs and OCSP responses are signed objects whose signatures are
//! checked here, so TLS would add no integrity; RFC 5280 (§ 4.2.1.13) and RFC 6960 (A.1)
//! publish them over http, and MOICA does; and a TLS check of the server that publishes
//! revocation would itself need revocation (the circularity RFC 5280 warns of).
//!
//! [`get`] and [`post`] are async (for callers on a tokio runtime); [`get_blocking`] runs
//! a `get` on a thread and a current-thread runtime of its own, so it may be called from
//! any thread, a runtime's included.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use std::time::Duration;

use crate::error::FetchError;

/// Limits of one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// For connecting, sending and reading the whole answer.
    pub timeout: Duration,
    /// The largest answer body taken, in bytes.
    pub max_bytes: usize,
}

impl Limits {
    /// For CRLs: 30 seconds, 64 MiB (a country's CRL runs to tens of megabytes).
    pub const CRL: Limits = Limits {
        timeout: Duration::from_secs(30),
        max_bytes: 64 << 20,
    };
    /// For OCSP: 10 seconds, 64 KiB (a response is a few kilobytes).
    pub const OCSP: Limits = Limits {
        timeout: Duration::from_secs(10),
        max_bytes: 64 << 10,
    };

    /// These limits with another timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Limits {
        self.timeout = timeout;
        self
    }

    /// These limits with another largest body.
    #[must_use]
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Limits {
        self.max_bytes = max_bytes;
        self
    }
}

/// `url` checked: an absolute `http://` URL with a host.
///
/// # Errors
/// [`FetchError::BadUrl`].
pub fn parse_url(url: &str) -> Result<Uri, FetchError> {
    let bad = |why: &str| FetchError::BadUrl {
        url: url.to_owned(),
        why: why.to_owned(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|e: hyper::http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(_) => {
            return Err(bad(
                "only http: URLs are taken (CRLs and OCSP answers are signed)",
            ));
        }
        None => return Err(bad("not an absolute URL")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    Ok(uri)
}

/// `GET url`: the body of a 200 answer.
///
/// # Errors
/// [`FetchError`]: a bad URL, no connection, a timeout, another status, a body too large.
pub async fn get(url: &str, limits: Limits) -> Result<Vec<u8>, FetchError> {
    exchange(Method::GET, url, None, None, limits).await
}

/// `POST url` with `body` of `content_type` (and `Accept` of `accept`): the body of a 200
/// answer.
///
/// # Errors
/// As [`get`].
pub async fn post(
    url: &str,
    content_type: &str,
    accept: &str,
    body: Vec<u8>,
    limits: Limits,
) -> Result<Vec<u8>, FetchError> {
    exchange(
        Method::POST,
        url,
        Some((content_type, body)),
        Some(accept),
        limits,
    )
    .await
}

/// [`get`] from blocking code: on a thread with a current-thread runtime of its own.
///
/// # Errors
/// As [`get`]; [`FetchError::Unreachable`] when the thread or runtime cannot be started.
pub fn get_blocking(url: &str, limits: Limits) -> Result<Vec<u8>, FetchError> {
    let failed = |detail: String| FetchError::Unreachable {
        url: url.to_owned(),
        detail,
    };
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("twnhi-pki-fetch".to_owned())
            .spawn_scoped(scope, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .enable_time()
                    .build()
                    .map_err(|e| failed(format!("runtime: {e}")))?;
                runtime.block_on(get(url, limits))
            })
            .map_err(|e| failed(format!("thread: {e}")))?;
        worker
            .join()
            .map_err(|_| failed("the fetch thread panicked".to_owned()))?
    })
}

async fn exchange(
    method: Method,
    url: &str,
    body: Option<(&str, Vec<u8>)>,
    accept: Option<&str>,
    limits: Limits,
) -> Result<Vec<u8>, FetchError> {
    let uri = parse_url(url)?;
    match tokio::time::timeout(
        limits.timeout,
        exchange_inner(method, &uri, url, body, accept, limits),
    )
    .await
    {
        Ok(result) => result,
        Err(_) => Err(FetchError::Timeout {
            url: url.to_owned(),
            after: limits.timeout,
        }),
    }
}

async fn exchange_inner(
    method: Method,
    uri: &Uri,
    url: &str,
    body: Option<(&str, Vec<u8>)>,
    accept: Option<&str>,
    limits: Limits,
) -> Result<Vec<u8>, FetchError> {
    let unreachable = |detail: String| FetchError::Unreachable {
        url: url.to_owned(),
        detail,
    };
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(80);
    // A bracketed IPv6 literal connects without its brackets.
    let connect_host = host.trim_start_matches('[').trim_end_matches(']');
    let stream = tokio::net::TcpStream::connect((connect_host, port))
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let driver = tokio::spawn(async move {
        // The connection ends with the exchange; its error, if any, shows in the answer.
        let _ = connection.await;
    });
    let authority = uri
        .authority()
        .map_or_else(|| host.to_owned(), ToString::to_string);
    let path = uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), ToString::to_string);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, authority)
        .header(
            hyper::header::USER_AGENT,
            concat!("twnhi/", env!("CARGO_PKG_VERSION")),
        );
    if let Some(accept) = accept {
        request = request.header(hyper::header::ACCEPT, accept);
    }
    let payload = match body {
        Some((content_type, bytes)) => {
            request = request.header(hyper::header::CONTENT_TYPE, content_type);
            bytes
        }
        None => Vec::new(),
    };
    let request =
        request
            .body(Full::new(Bytes::from(payload)))
            .map_err(|e| FetchError::BadUrl {
                url: url.to_owned(),
                why: e.to_string(),
            })?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let status = response.status();
    if status != StatusCode::OK {
        driver.abort();
        return Err(FetchError::Status {
            url: url.to_owned(),
            status: status.as_u16(),
        });
    }
    let collected = Limited::new(response.into_body(), limits.max_bytes)
        .collect()
        .await;
    driver.abort();
    match collected {
        Ok(body) => Ok(body.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(FetchError::TooLarge {
            url: url.to_owned(),
            limit: limits.max_bytes,
        }),
        Err(e) => Err(unreachable(e.to_string())),
    }
}
