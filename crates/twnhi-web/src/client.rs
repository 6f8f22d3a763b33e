//! A client of the app API, as the mobile app (健保快易通) uses it: bind a device with the code
//! shown on the site, log in with the ID number, the registration password and the device's
//! TOTP, list the devices, log out. `examples/mobile_app.rs` of the repository drives it.
//!
//! It speaks plain HTTP/1.1 (hyper) and is meant for the demo, tests and benchmarks on a
//! trusted network; a real app talks to the site over HTTPS with its platform's HTTP stack.
//!
//! ```no_run
//! # async fn example() -> Result<(), twnhi_web::client::ClientError> {
//! use twnhi_web::api::{BindRequest, LoginRequest};
//! use twnhi_web::client::{AppClient, totp_now};
//!
//! let app = AppClient::new("http://127.0.0.1:8080/")?;
//! let bound = app.bind(&BindRequest {
//!     id_number: "A123456789".into(),
//!     code: "3w21G7yR".into(),
//!     platform: "Android".into(),
//!     model: "Pixel 8".into(),
//!     device_id: "0f8c2d9e-demo-device".into(),
//! }).await?;
//! let login = app.login(&LoginRequest {
//!     id_number: "A123456789".into(),
//!     password: "Tw#2024nhi".into(),
//!     device_id: bound.device_id.clone(),
//!     totp: totp_now(&bound.totp)?,
//! }).await?;
//! let devices = app.devices(&login.access_token).await?;
//! println!("{} devices", devices.devices.len());
//! app.logout(&login.access_token).await?;
//! # Ok(()) }
//! ```

use axum::body::Bytes;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use axum::http::{Method, Request, StatusCode};
use chrono::Utc;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::net::TcpStream;
use twnhi_account::totp::{TotpPolicy, TotpSecret};
use url::Url;

use crate::api::{
    BindRequest, BindResponse, DevicesResponse, ErrorBody, LoginRequest, LoginResponse,
    LogoutResponse, TotpParams,
};

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The base URL is not `http://host[:port]/…`.
    #[error("{}", crate::error::joined("client-error-url", &[], " / "))]
    Url,
    /// The server could not be reached.
    #[error("{}", crate::error::joined("client-error-connect", &[("source", .0.to_string().into())], " / "))]
    Connect(#[source] std::io::Error),
    /// The HTTP exchange failed.
    #[error("{}", crate::error::joined("client-error-http", &[("source", .0.to_string().into())], " / "))]
    Http(#[source] hyper::Error),
    /// The site refused: its bilingual error.
    #[error("{} / {} ({status})", .body.error.message_zh, .body.error.message_en)]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The error body.
        body: ErrorBody,
    },
    /// An answer that is not the expected JSON.
    #[error("{}", crate::error::joined("client-error-unexpected", &[("status", status.to_string().into()), ("detail", detail.into())], " / "))]
    Unexpected {
        /// The HTTP status.
        status: StatusCode,
        /// What was wrong.
        detail: String,
    },
    /// The TOTP parameters cannot make a code.
    #[error("{}", crate::error::joined("client-error-totp", &[], " / "))]
    Totp,
}

/// The app's client.
#[derive(Clone, Debug)]
pub struct AppClient {
    base: Url,
    authority: String,
}

impl AppClient {
    /// A client of the site at `base` (`http://127.0.0.1:8080/`).
    ///
    /// # Errors
    /// [`ClientError::Url`].
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let mut base = Url::parse(base).map_err(|_| ClientError::Url)?;
        if base.scheme() != "http" {
            return Err(ClientError::Url);
        }
        let host = base.host_str().ok_or(ClientError::Url)?.to_owned();
        let port = base.port_or_known_default().unwrap_or(80);
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        Ok(AppClient {
            base,
            authority: format!("{host}:{port}"),
        })
    }

    /// `POST /api/v1/devices/bind`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn bind(&self, req: &BindRequest) -> Result<BindResponse, ClientError> {
        self.call(Method::POST, "api/v1/devices/bind", Some(req), None)
            .await
    }

    /// `POST /api/v1/login`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ClientError> {
        self.call(Method::POST, "api/v1/login", Some(req), None)
            .await
    }

    /// `GET /api/v1/devices`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn devices(&self, token: &str) -> Result<DevicesResponse, ClientError> {
        self.call::<(), _>(Method::GET, "api/v1/devices", None, Some(token))
            .await
    }

    /// `POST /api/v1/logout`: the token ends now.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn logout(&self, token: &str) -> Result<LogoutResponse, ClientError> {
        self.call::<(), _>(Method::POST, "api/v1/logout", None, Some(token))
            .await
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        token: Option<&str>,
    ) -> Result<T, ClientError> {
        let url = self.base.join(path).map_err(|_| ClientError::Url)?;
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let payload = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ClientError::Unexpected {
                status: StatusCode::BAD_REQUEST,
                detail: e.to_string(),
            })?,
            None => Vec::new(),
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(target)
            .header(HOST, &self.authority)
            .header(ACCEPT, "application/json");
        if body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        if let Some(t) = token {
            builder = builder.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        let request =
            builder
                .body(Full::new(Bytes::from(payload)))
                .map_err(|e| ClientError::Unexpected {
                    status: StatusCode::BAD_REQUEST,
                    detail: e.to_string(),
                })?;
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(ClientError::Connect)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(ClientError::Http)?;
        let driver = tokio::spawn(async move {
            let _ = conn.await;
        });
        let response = sender
            .send_request(request)
            .await
            .map_err(ClientError::Http)?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(ClientError::Http)?
            .to_bytes();
        driver.abort();
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
                status,
                detail: e.to_string(),
            })
        } else {
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => Err(ClientError::Api { status, body }),
                Err(_) => Err(ClientError::Unexpected {
                    status,
                    detail: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                }),
            }
        }
    }
}

/// The device's TOTP code now, as the app computes it from what the bind returned.
///
/// # Errors
/// [`ClientError::Totp`].
pub fn totp_now(params: &TotpParams) -> Result<String, ClientError> {
    totp_at(params, Utc::now())
}

/// The device's TOTP code at `t`.
///
/// # Errors
/// [`ClientError::Totp`].
pub fn totp_at(params: &TotpParams, t: chrono::DateTime<Utc>) -> Result<String, ClientError> {
    if !params.algorithm.eq_ignore_ascii_case("SHA1") {
        return Err(ClientError::Totp);
    }
    let secret = TotpSecret::from_base32(&params.secret).map_err(|_| ClientError::Totp)?;
    let policy = TotpPolicy {
        digits: params.digits,
        step_secs: params.period,
        ..TotpPolicy::default()
    };
    policy.code_at(&secret, t).map_err(|_| ClientError::Totp)
}
