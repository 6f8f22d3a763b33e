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
//!
//! And the pages of manual §六: `GET /cert/login` (the login: ID number, birth date, PIN,
//! 【確認】 — the page script `cert.js` asks the local bridge for the certificate and the
//! signature; the PIN goes only to the bridge), `GET /mobile` (the 行動裝置作業 module),
//! `GET /mobile/apply` (行動裝置帳號申請) and `GET /mobile/renew` (行動裝置續領申請), both
//! posting to `/cert/apply`. The module's other items are the card path's pages, which take
//! the certificate session unchanged: `/device/verify`, `/devices`, `/profile`, `/password`.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use twnhi_account::{Password, RocDate};
use twnhi_service::twnhi_pki::{self, SignatureScheme};
use twnhi_service::{CertApplyInput, CertLoginInput, ServiceError};

use crate::api::{ApiError, error_body};
use crate::app::{Site, render};
use crate::pages::J;
use crate::session::{RenewedSession, S, Sess};
use crate::templates::{
    ContactForm, DeviceCodeView, DeviceRow, FieldErrors, Layout, SysMsg, Texts as _,
};

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

// ----- the pages -------------------------------------------------------------------------------

/// The items of the 行動裝置作業 module (manual §六 (四)): link, catalog id, key.
pub(crate) const MENU: &[(&str, &str, &str)] = &[
    ("/mobile/apply", "cert-menu-apply", "apply"),
    ("/mobile/renew", "cert-menu-renew", "renew"),
    ("/device/verify", "cert-menu-device-code", "device-code"),
    ("/devices", "cert-menu-devices", "devices"),
    ("/profile", "cert-menu-profile", "profile"),
    ("/password", "cert-menu-password", "password"),
];

/// The catalog ids `assets/cert.js` shows.
const SCRIPT_TEXT_IDS: &[&str] = &[
    "cert-fields-required",
    "cert-working",
    "cert-no-certificate",
    "site-js-unreachable",
    "site-js-busy",
];

/// `{"id": {"zh", "en"}}` of [`SCRIPT_TEXT_IDS`] for the page script, `<` escaped.
fn script_texts() -> String {
    let map: serde_json::Map<String, serde_json::Value> = SCRIPT_TEXT_IDS
        .iter()
        .map(|id| {
            (
                (*id).to_owned(),
                serde_json::json!({
                    "zh": twnhi_account::messages::text(twnhi_account::Lang::ZhTw, id),
                    "en": twnhi_account::messages::text(twnhi_account::Lang::En, id),
                }),
            )
        })
        .collect();
    serde_json::Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
}

#[derive(Template)]
#[template(path = "cert_login.html")]
struct LoginPage {
    l: Layout,
    available: bool,
    texts: String,
}

#[derive(Template)]
#[template(path = "cert_mobile.html")]
struct MobilePage {
    l: Layout,
    via_cert: bool,
    holder_name: String,
    id_masked: String,
}

#[derive(Template)]
#[template(path = "cert_apply.html")]
struct ApplyPage {
    l: Layout,
    title: &'static str,
    key: &'static str,
    renew: bool,
    via_cert: bool,
    holder_name: String,
    id_masked: String,
    errors: FieldErrors,
    texts: String,
}

/// The person the module's menu names on the card path's pages it reuses.
pub(crate) struct ModuleHolder {
    pub holder_name: String,
    pub id_masked: String,
}

/// `Some` in a certificate session: the card path's pages the 行動裝置作業 module reuses
/// (行動裝置認證, 行動裝置管理作業) then show the module's menu, as the manual does.
pub(crate) fn module_holder(sess: &Sess) -> Option<ModuleHolder> {
    let card = sess.view.card.as_ref()?;
    (card.via == twnhi_service::AuthMethod::Certificate).then(|| ModuleHolder {
        holder_name: card.name.clone(),
        id_masked: card.id_number_masked.clone(),
    })
}

/// 行動裝置認證 in a certificate session (`device_verify.html` with the menu and the account
/// as 「T22006****【已申請】」).
#[derive(Template)]
#[template(path = "cert_device_verify.html")]
pub(crate) struct CertDeviceVerifyPage {
    pub l: Layout,
    pub message: SysMsg,
    pub account: String,
    pub code: Option<DeviceCodeView>,
    pub holder: ModuleHolder,
}

/// 行動裝置管理作業 in a certificate session (`devices.html` with the menu).
#[derive(Template)]
#[template(path = "cert_devices.html")]
pub(crate) struct CertDevicesPage {
    pub l: Layout,
    pub message: SysMsg,
    pub devices: Vec<DeviceRow>,
    pub holder: ModuleHolder,
}

/// 行動裝置密碼變更 in a certificate session (`password.html` with the menu).
#[derive(Template)]
#[template(path = "cert_password.html")]
pub(crate) struct CertPasswordPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub holder: ModuleHolder,
}

/// 基本資料變更 in a certificate session (`profile.html` with the menu).
#[derive(Template)]
#[template(path = "cert_profile.html")]
pub(crate) struct CertProfilePage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: ContactForm,
    pub holder: ModuleHolder,
}

/// `GET /cert/login`: the certificate login (manual §六 (一)); without a configured
/// certificate login, a bilingual notice instead of the form.
pub(crate) async fn login_page(State(site): State<Site>, S(sess): S) -> Response {
    render(&LoginPage {
        l: site.layout(Some(&sess), "cert-login-title", "cert-login"),
        available: site.service().cert_login_available(),
        texts: script_texts(),
    })
}

/// Who the module's pages show: the certificate login's person (or a logged-in
/// registration's); `None` sends the browser to the certificate login.
async fn holder(site: &Site, sess: &Sess) -> Option<(bool, String, String)> {
    if let Some(card) = &sess.view.card
        && card.via == twnhi_service::AuthMethod::Certificate
    {
        return Some((true, card.name.clone(), card.id_number_masked.clone()));
    }
    if !sess.logged_in() {
        return None;
    }
    let view = site.service().account_view(&sess.caller()).await.ok()?;
    Some((false, view.name, view.id_number_masked))
}

fn to_cert_login() -> Response {
    Redirect::to("/cert/login").into_response()
}

/// `GET /mobile`: the 行動裝置作業 module (manual §六 (二)).
pub(crate) async fn mobile_page(State(site): State<Site>, S(sess): S) -> Response {
    let Some((via_cert, holder_name, id_masked)) = holder(&site, &sess).await else {
        return to_cert_login();
    };
    render(&MobilePage {
        l: site.layout(Some(&sess), "cert-module", "cert-mobile"),
        via_cert,
        holder_name,
        id_masked,
    })
}

async fn apply_view(site: &Site, sess: &Sess, renew: bool) -> Response {
    let Some((via_cert, holder_name, id_masked)) = holder(site, sess).await else {
        return to_cert_login();
    };
    let (title, key, page_id) = if renew {
        ("cert-menu-renew", "renew", "cert-renew")
    } else {
        ("cert-menu-apply", "apply", "cert-apply")
    };
    render(&ApplyPage {
        l: site.layout(Some(sess), title, page_id),
        title,
        key,
        renew,
        via_cert,
        holder_name,
        id_masked,
        errors: FieldErrors::default(),
        texts: script_texts(),
    })
}

/// `GET /mobile/apply`: 行動裝置帳號申請 (manual §六 (三)).
pub(crate) async fn apply_page(State(site): State<Site>, S(sess): S) -> Response {
    apply_view(&site, &sess, false).await
}

/// `GET /mobile/renew`: 行動裝置續領申請 — the same application for a person whose account
/// exists (`Service::cert_apply` sets the new password and contacts).
pub(crate) async fn renew_page(State(site): State<Site>, S(sess): S) -> Response {
    apply_view(&site, &sess, true).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_account::Lang;
    use twnhi_account::messages;

    #[test]
    fn the_script_finds_every_text_it_uses() {
        let script = crate::assets::CERT_JS;
        let mut used = std::collections::BTreeSet::new();
        for call in ["zh('", "en('", "failure('"] {
            for (i, _) in script.match_indices(call) {
                let rest = &script[i + call.len()..];
                used.insert(&rest[..rest.find('\'').unwrap()]);
            }
        }
        let listed: std::collections::BTreeSet<&str> = SCRIPT_TEXT_IDS.iter().copied().collect();
        assert_eq!(used, listed);
        let texts = script_texts();
        let json: serde_json::Value = serde_json::from_str(&texts).unwrap();
        for id in SCRIPT_TEXT_IDS {
            assert!(
                messages::has(Lang::ZhTw, id) && messages::has(Lang::En, id),
                "{id}"
            );
            assert_eq!(json[id]["zh"], messages::text(Lang::ZhTw, id));
        }
        assert!(!texts.contains('<'));
    }

    #[test]
    fn birth_dates_in_both_calendars() {
        let d = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        assert_eq!(birth_date("1990-01-01").unwrap(), d);
        assert_eq!(birth_date(" 079/01/01 ").unwrap(), d);
        assert!(birth_date("1990/13/01").is_err());
    }
}
