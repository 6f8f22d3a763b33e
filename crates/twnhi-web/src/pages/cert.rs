//! The citizen certificate login (自然人憑證, manual §六): the JSON endpoints the page script
//! calls, with the session cookie and the `X-CSRF-Token` header like the card's.
//!
//! 1. `POST /cert/challenge` → `{"challenge", "expires_at"}`: the page has the local bridge
//!    sign the challenge's ASCII bytes with the certificate card (the PIN goes only to the
//!    bridge).
//! 2. `POST /cert/verify` with `{"challenge", "chain": [certificate…], "signature", "scheme",
//!    "id_number", "birth_date"}` — certificates as base64 DER or PEM, the citizen's first;
//!    the signature base64; the scheme `pkcs1-sha256` (default), `pss-sha256` or
//!    `ecdsa-p256-sha256`; the birth date `YYYY-MM-DD` or ROC (`079/01/01`). Renews the
//!    session cookie and answers `{"name", "id_no_masked", "logged_in", "next"}`; every
//!    refusal is the one `CertLoginFailed` answer.
//! 3. `POST /cert/apply` (行動裝置帳號申請) with the password, its confirmation and the
//!    contact fields of the apply form.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use twnhi_account::{Password, RocDate};
use twnhi_service::twnhi_pki::{self, SignatureScheme};
use twnhi_service::{CertApplyInput, CertLoginInput, ServiceError};

use crate::api::{ApiError, error_body};
use crate::app::Site;
use crate::pages::J;
use crate::session::{RenewedSession, S};
use crate::templates::{ContactForm, FieldErrors};

/// The most certificates a chain may hold (the citizen's and its CAs').
const MAX_CHAIN: usize = 4;

/// Step 1's answer.
#[derive(Serialize)]
pub(crate) struct ChallengeResponse {
    challenge: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// `POST /cert/challenge`.
pub(crate) async fn challenge(
    State(site): State<Site>,
    S(sess): S,
) -> Result<Json<ChallengeResponse>, ApiError> {
    let c = site.service().cert_challenge(&sess.caller()).await?;
    Ok(Json(ChallengeResponse {
        challenge: c.challenge.to_string(),
        expires_at: c.expires_at,
    }))
}

/// Step 2's request.
#[derive(Deserialize)]
pub(crate) struct VerifyRequest {
    challenge: String,
    chain: Vec<String>,
    signature: String,
    #[serde(default)]
    scheme: Option<String>,
    id_number: String,
    birth_date: String,
}

/// Step 2's answer.
#[derive(Serialize)]
pub(crate) struct VerifyResponse {
    name: String,
    id_no_masked: String,
    logged_in: bool,
    next: &'static str,
}

/// One certificate as the page sends it: PEM, or base64 of DER. Anything else is empty
/// bytes, which the verification refuses as malformed (and audits).
fn certificate_bytes(s: &str) -> Vec<u8> {
    let s = s.trim();
    if s.starts_with("-----BEGIN") {
        return twnhi_pki::load::certificate(s.as_bytes(), "chain")
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default();
    }
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default()
}

fn birth_date(s: &str) -> Result<NaiveDate, ServiceError> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    RocDate::parse(s)
        .map(RocDate::to_naive)
        .map_err(|e| ServiceError::Invalid(e.into()))
}

/// `POST /cert/verify`.
pub(crate) async fn verify(
    State(site): State<Site>,
    S(sess): S,
    J(req): J<VerifyRequest>,
) -> Result<Response, ApiError> {
    let scheme = match req.scheme.as_deref().map(str::parse::<SignatureScheme>) {
        None => SignatureScheme::RsaPkcs1Sha256,
        Some(Ok(s)) => s,
        // a scheme twnhi does not know: no certificate could log in with it
        Some(Err(_)) => return Err(ServiceError::CertLoginFailed.into()),
    };
    let chain: Vec<Vec<u8>> = req
        .chain
        .iter()
        .take(MAX_CHAIN)
        .map(|c| certificate_bytes(c))
        .collect();
    let signature = base64::engine::general_purpose::STANDARD
        .decode(req.signature.trim())
        .unwrap_or_default();
    let input = CertLoginInput {
        challenge: req.challenge,
        chain,
        scheme,
        signature,
        id_number: req.id_number,
        birth_date: birth_date(&req.birth_date)?,
    };
    let outcome = site.service().cert_login(&sess.caller(), input).await?;
    let mut resp = Json(VerifyResponse {
        name: outcome.holder.name,
        id_no_masked: outcome.holder.id_number_masked,
        logged_in: outcome.registration_id.is_some(),
        next: "/mobile",
    })
    .into_response();
    resp.extensions_mut()
        .insert(RenewedSession(outcome.session));
    Ok(resp)
}

/// 行動裝置帳號申請's request: the password and the apply form's contact fields.
#[derive(Deserialize)]
pub(crate) struct ApplyRequest {
    password: String,
    confirmation: String,
    #[serde(flatten)]
    contacts: ContactForm,
}

/// 行動裝置帳號申請's answer: the message's key and text, and warnings.
#[derive(Serialize)]
pub(crate) struct ApplyResponse {
    message: &'static str,
    text: String,
    warnings: Vec<&'static str>,
}

/// `POST /cert/apply`.
pub(crate) async fn apply(
    State(site): State<Site>,
    S(sess): S,
    J(req): J<ApplyRequest>,
) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    let Some(contacts) = crate::pages::contacts(&req.contacts, &mut errors) else {
        let field = ["email", "spare_email", "mobile", "phone"]
            .into_iter()
            .find_map(|f| errors.get(f).map(|t| (f, t.clone())));
        return Ok(match field {
            Some((f, text)) => error_body(axum::http::StatusCode::BAD_REQUEST, f, &text),
            None => ApiError::from(ServiceError::CertLoginRequired).into_response(),
        });
    };
    let outcome = site
        .service()
        .cert_apply(
            &sess.caller(),
            CertApplyInput {
                password: Password::new(req.password),
                confirmation: Password::new(req.confirmation),
                contacts,
            },
        )
        .await?;
    Ok(Json(ApplyResponse {
        message: outcome.message.key(),
        text: outcome.message.to_string(),
        warnings: outcome.warnings.iter().map(|m| m.key()).collect(),
    })
    .into_response())
}
