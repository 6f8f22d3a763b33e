//! The mobile app's JSON API (`/api/v1/...`, described in `docs/openapi.yaml`): bind a device
//! with the code shown on the site, log in from an active device with the registration
//! password and the device's TOTP, list the account's devices and log out with the
//! short-lived bearer token. No cookies, so no CSRF; every error is `{"error": {"code", "message_zh",
//! "message_en"}}`.
//!
//! The handlers read like the flows: typed extractors (`ApiJson`, `Bearer`,
//! `ClientAddr`) take the request apart, the use case runs, and every failure — a malformed
//! body, an invalid field, a refusal of the use case — is an `ApiError` returned with `?`,
//! which answers itself ([`IntoResponse`]) with its status, `Retry-After` and
//! `WWW-Authenticate` as due.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::device::{DeviceId, DeviceInfo, DeviceState};
use twnhi_account::{IdNumber, Localized, Password};
use twnhi_service::{AppLoginInput, BindDeviceInput, ServiceError, SessionToken};

use crate::app::Site;
use crate::security;
use crate::templates::Text;

/// `{"zh": …, "en": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Traditional Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// An error answer: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable machine-readable code: the message key of the catalog (`LoginFailed`,
    /// `CodeIncorrect`, `DeviceNotActive`, `TooManyAttempts` …).
    pub code: String,
    /// zh-TW message.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
}

/// `POST /api/v1/devices/bind`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BindRequest {
    /// The registrant's ID number.
    pub id_number: String,
    /// The 8-character device verification code (case-sensitive), scanned or typed.
    pub code: String,
    /// Platform, e.g. `Android`.
    pub platform: String,
    /// Model, e.g. `Sony Xperia`.
    pub model: String,
    /// The device identifier (UUID or platform ID).
    pub device_id: String,
}

/// The TOTP parameters of a bound device.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TotpParams {
    /// The secret, unpadded base32 (RFC 4648).
    pub secret: String,
    /// Digits per code.
    pub digits: u8,
    /// Seconds per step.
    pub period: u64,
    /// Always `SHA1`.
    pub algorithm: String,
}

/// The answer to a bind.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BindResponse {
    /// 行動裝置認證成功 / The mobile device has been verified.
    pub message: Message,
    /// The device identifier, as bound.
    pub device_id: String,
    /// The device's TOTP secret and parameters: keep them in the device's secure storage;
    /// they are given only once.
    pub totp: TotpParams,
}

/// `POST /api/v1/login`.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The ID number.
    pub id_number: String,
    /// The registration password.
    pub password: String,
    /// The device identifier (an active, bound device).
    pub device_id: String,
    /// The device's current TOTP code.
    pub totp: String,
}

impl core::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LoginRequest(***)")
    }
}

/// The answer to a login: a short-lived bearer token.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The token, for `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until it ends.
    pub expires_in: i64,
    /// When it ends (RFC 3339).
    pub expires_at: DateTime<Utc>,
}

impl core::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A device of the account, as the app sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceJson {
    /// 裝置識別碼, masked.
    pub device_id_masked: String,
    /// 平台.
    pub platform: String,
    /// 裝置型號.
    pub model: String,
    /// 認證時間 (RFC 3339).
    pub verified_at: DateTime<Utc>,
    /// 認證時間, ROC form (`109/10/19 11:22:51`).
    pub verified_at_roc: String,
    /// `active` or `disabled`.
    pub state: String,
    /// Whether this is the device the token was issued to.
    pub this_device: bool,
}

/// `GET /api/v1/devices`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesResponse {
    /// The account's devices (deleted ones are not listed), most recently verified first.
    pub devices: Vec<DeviceJson>,
}

/// The answer to `POST /api/v1/logout`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutResponse {
    /// 您已登出系統。 / You have logged out.
    pub message: Message,
}

pub(crate) fn error_body(status: StatusCode, code: &str, text: &Text) -> Response {
    (
        status,
        Json(ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message_zh: text.zh.clone(),
                message_en: text.en.clone(),
            },
        }),
    )
        .into_response()
}

/// The HTTP status of a use-case error.
pub(crate) fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::Closed { .. } | ServiceError::Overloaded { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ServiceError::LoginFailed
        | ServiceError::SessionExpired
        | ServiceError::CurrentPasswordIncorrect
        | ServiceError::Totp(_) => StatusCode::UNAUTHORIZED,
        ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Flow(_)
        | ServiceError::Device(_)
        | ServiceError::CardNotRegistrant
        | ServiceError::ReauthenticationRequired
        | ServiceError::Locked { .. } => StatusCode::FORBIDDEN,
        ServiceError::Busy => StatusCode::CONFLICT,
        // The database failing (a full disk, a lost server) is temporary: try again later.
        ServiceError::Store { .. } => StatusCode::SERVICE_UNAVAILABLE,
        ServiceError::Sam { .. } | ServiceError::Internal { .. } => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

/// `Retry-After` in seconds for a throttled or overloaded answer.
pub(crate) fn retry_after(e: &ServiceError) -> Option<i64> {
    match e {
        ServiceError::Throttled { retry_at } => Some(
            retry_at
                .signed_duration_since(Utc::now())
                .num_seconds()
                .max(1),
        ),
        ServiceError::Overloaded { retry_after_secs } => Some(i64::from(*retry_after_secs)),
        _ => None,
    }
}

/// A failed app API request: answers `{"error": {...}}` with the status of its kind.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// The use case refused or failed.
    Service(ServiceError),
    /// The body is not the JSON asked for (or too large).
    BadJson(JsonRejection),
    /// A field is invalid: the catalog key and its message.
    Invalid {
        /// The catalog key.
        code: &'static str,
        /// The message.
        text: Text,
    },
}

impl ApiError {
    /// An invalid field, with the message of its error.
    pub(crate) fn invalid(e: impl Localized) -> ApiError {
        ApiError::Invalid {
            code: e.msg().key(),
            text: Text::of(&e),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        ApiError::Service(e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        ApiError::BadJson(r)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Service(e) => service_error(&e),
            ApiError::BadJson(r) => bad_json(&r),
            ApiError::Invalid { code, text } => error_body(StatusCode::BAD_REQUEST, code, &text),
        }
    }
}

/// A use-case error as JSON (with `Retry-After` when throttled or overloaded).
pub(crate) fn service_error(e: &ServiceError) -> Response {
    if !e.is_refusal() && !matches!(e, ServiceError::Overloaded { .. }) {
        tracing::error!(error = %e, "app API request failed");
    }
    let status = status_of(e);
    let mut resp = error_body(status, e.msg().key(), &Text::of_service(e));
    if let Some(secs) = retry_after(e)
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}

fn bad_json(rejection: &JsonRejection) -> Response {
    tracing::debug!(error = %rejection, "malformed app API request");
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return error_body(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            &Text::id("request-too-large"),
        );
    }
    error_body(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        &Text::id("request-malformed-fields"),
    )
}

/// A JSON body; a malformed one is an `ApiError`.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// The token of `Authorization: Bearer …`; without one (or a malformed one) the request is
/// answered as a session that ended.
pub(crate) struct Bearer(pub(crate) SessionToken);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        bearer(&parts.headers)
            .map(Bearer)
            .ok_or(ApiError::Service(ServiceError::SessionExpired))
    }
}

/// The client's address as the throttles count it (the peer, or `X-Forwarded-For` behind a
/// trusted proxy).
pub(crate) struct ClientAddr(pub(crate) String);

impl FromRequestParts<Site> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, site: &Site) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0);
        Ok(ClientAddr(
            security::client_ip(site, &parts.headers, peer).to_string(),
        ))
    }
}

/// `POST /api/v1/devices/bind`.
pub(crate) async fn bind(
    State(site): State<Site>,
    ClientAddr(client): ClientAddr,
    ApiJson(b): ApiJson<BindRequest>,
) -> Result<(StatusCode, Json<BindResponse>), ApiError> {
    let input = BindDeviceInput {
        id_number: IdNumber::parse(&b.id_number).map_err(ApiError::invalid)?,
        code: b.code.trim().to_owned(),
        device_id: DeviceId::parse(&b.device_id).map_err(ApiError::invalid)?,
        info: DeviceInfo::new(&b.platform, &b.model).map_err(ApiError::invalid)?,
    };
    let bound = site.service().bind_device(Some(&client), input).await?;
    Ok((
        StatusCode::CREATED,
        Json(BindResponse {
            message: Message {
                zh: bound.message.zh().to_owned(),
                en: bound.message.en().to_owned(),
            },
            device_id: bound.device_id.as_str().to_owned(),
            totp: TotpParams {
                secret: bound.totp_secret.to_string(),
                digits: bound.totp_digits,
                period: bound.totp_step_secs,
                algorithm: "SHA1".to_owned(),
            },
        }),
    ))
}

/// `POST /api/v1/login`.
pub(crate) async fn login(
    State(site): State<Site>,
    ClientAddr(client): ClientAddr,
    ApiJson(b): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let input = AppLoginInput {
        id_number: IdNumber::parse(&b.id_number).map_err(ApiError::invalid)?,
        password: Password::new(b.password),
        device_id: DeviceId::parse(&b.device_id).map_err(ApiError::invalid)?,
        totp_code: b.totp.trim().to_owned(),
    };
    let s = site.service().app_login(Some(&client), input).await?;
    let expires_in = s
        .expires_at
        .signed_duration_since(Utc::now())
        .num_seconds()
        .max(0);
    Ok((
        [(axum::http::header::PRAGMA, "no-cache")],
        Json(LoginResponse {
            access_token: s.token.expose().to_owned(),
            token_type: "Bearer".to_owned(),
            expires_in,
            expires_at: s.expires_at,
        }),
    ))
}

fn bearer(headers: &HeaderMap) -> Option<SessionToken> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    SessionToken::parse(token.trim()).ok()
}

/// `GET /api/v1/devices` with `Authorization: Bearer <token>`.
pub(crate) async fn devices(
    State(site): State<Site>,
    Bearer(token): Bearer,
) -> Result<Json<DevicesResponse>, ApiError> {
    let devices = site
        .service()
        .app_devices(&token)
        .await?
        .into_iter()
        .map(|d| DeviceJson {
            device_id_masked: d.device.device_id_masked,
            platform: d.device.platform,
            model: d.device.model,
            verified_at: d.device.verified_at,
            verified_at_roc: d.device.verified_at_roc,
            state: match d.device.state {
                DeviceState::Active => "active",
                DeviceState::Disabled => "disabled",
                DeviceState::Deleted => "deleted",
            }
            .to_owned(),
            this_device: d.this_device,
        })
        .collect();
    Ok(Json(DevicesResponse { devices }))
}

/// `POST /api/v1/logout` with `Authorization: Bearer <token>`: the token ends now.
pub(crate) async fn logout(
    State(site): State<Site>,
    ClientAddr(client): ClientAddr,
    Bearer(token): Bearer,
) -> Result<Json<LogoutResponse>, ApiError> {
    let msg = site.service().app_logout(Some(&client), &token).await?;
    Ok(Json(LogoutResponse {
        message: Message {
            zh: msg.zh().to_owned(),
            en: msg.en().to_owned(),
        },
    }))
}
