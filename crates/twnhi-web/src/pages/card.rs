//! The card-authentication endpoints the page script calls (SPEC §3): JSON in and out, the
//! session cookie and the `X-CSRF-Token` header.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::app::Site;
use crate::pages::J;
use crate::session::S;

/// Step 1's answer.
#[derive(Serialize)]
pub(crate) struct NonceResponse {
    nonce: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// `POST /card/nonce`.
pub(crate) async fn nonce(
    State(site): State<Site>,
    S(sess): S,
) -> Result<Json<NonceResponse>, ApiError> {
    let n = site.service().card_auth_begin(&sess.caller()).await?;
    Ok(Json(NonceResponse {
        nonce: n.nonce.to_string(),
        expires_at: n.expires_at,
    }))
}

/// Step 3's request: the bridge's `challenge` result relayed.
#[derive(Deserialize)]
pub(crate) struct AnswerRequest {
    nonce: String,
    card_no: String,
    rc: String,
}

/// Step 3's answer: `au` for the bridge's `authenticate`.
#[derive(Serialize)]
pub(crate) struct AnswerResponse {
    au: String,
}

fn hex_bytes(s: &str, max: usize) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() > 2 * max {
        return None;
    }
    hex::decode(s).ok()
}

/// `POST /card/answer`.
pub(crate) async fn answer(
    State(site): State<Site>,
    S(sess): S,
    J(req): J<AnswerRequest>,
) -> Result<Json<AnswerResponse>, ApiError> {
    let rc = hex_bytes(&req.rc, 64).unwrap_or_default();
    let a = site
        .service()
        .card_auth_respond(&sess.caller(), &req.nonce, &req.card_no, &rc)
        .await?;
    Ok(Json(AnswerResponse {
        au: hex::encode_upper(a.au),
    }))
}

/// Step 5's request: the bridge's `authenticate` result relayed.
#[derive(Deserialize)]
pub(crate) struct VerifyRequest {
    nonce: String,
    cr: String,
}

/// Step 5's answer: the card holder from the registry.
#[derive(Serialize)]
pub(crate) struct VerifyResponse {
    name: String,
    card_no_masked: String,
    id_no_masked: String,
}

/// `POST /card/verify`.
pub(crate) async fn verify(
    State(site): State<Site>,
    S(sess): S,
    J(req): J<VerifyRequest>,
) -> Result<Json<VerifyResponse>, ApiError> {
    let cr = hex_bytes(&req.cr, 64).unwrap_or_default();
    let holder = site
        .service()
        .card_auth_finish(&sess.caller(), &req.nonce, &cr)
        .await?;
    Ok(Json(VerifyResponse {
        name: holder.name,
        card_no_masked: holder.card_number_masked,
        id_no_masked: holder.id_number_masked,
    }))
}
