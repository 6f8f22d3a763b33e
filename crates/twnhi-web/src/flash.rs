//! Post/Redirect/Get: every form that succeeds answers `303 See Other` to a page of its own,
//! and what that page must say (the result, a device code) travels in a short-lived signed
//! cookie — a *flash* — read once by that page and deleted. Refreshing the page or going back
//! to it then never re-posts a form, and nothing is kept in this process: any replica of the
//! site serves the page that follows (the signing key is derived from the server key, as the
//! CSRF key is). The flash is bound to the session it was made for (another session's cookie
//! does not verify), except after a password change, whose session has just ended.
//!
//! The cookie holds catalog texts already formatted, never a password; it is `HttpOnly`,
//! `SameSite=Lax`, `Secure` (except on the plain-http loopback demo) and lives two minutes.

use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use twnhi_service::SessionToken;

use crate::app::Site;
use crate::config::CookieSecurity;
use crate::session::Sess;
use crate::templates::{SysMsg, Text};

/// How long a flash waits for the page it was made for (seconds).
const LIFETIME_SECS: i64 = 120;
/// The largest cookie value written (a browser keeps 4096 bytes per cookie).
const MAX_VALUE: usize = 3800;
const DOMAIN: &[u8] = b"twnhi-web-flash-v1\0";

/// The result pages of the forms that end a flow (`GET /done`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Done {
    /// 確認申請 accepted.
    Apply,
    /// The e-mail address confirmed.
    Verify,
    /// The confirmation link used, expired or altered (with 重寄認證信).
    VerifyLinkUsed,
    /// 重寄認證信 sent.
    Resend,
    /// 忘記註冊密碼 sent.
    Forgot,
    /// The password reset.
    Reset,
    /// 刪除註冊 requested.
    CancelRequested,
    /// 刪除註冊 confirmed.
    CancelConfirmed,
    /// 刪除註冊 stopped.
    CancelStopped,
    /// The password changed (the session ended).
    PasswordChanged,
    /// A new main e-mail address confirmed from its letter.
    EmailChange,
}

impl Done {
    /// The catalog id of the page title, the page id, and the buttons.
    pub(crate) fn page(
        self,
    ) -> (
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
    ) {
        let home = ("/login", "button-back-home");
        match self {
            Done::Apply => ("page-title-apply", "apply-done", vec![home]),
            Done::Verify => ("page-title-verify-email", "done", vec![home]),
            Done::VerifyLinkUsed => (
                "page-title-verify-email",
                "link-invalid",
                vec![("/resend", "button-resend"), home],
            ),
            Done::Resend => ("page-title-resend", "done", vec![home]),
            Done::Forgot => ("page-title-forgot", "done", vec![home]),
            Done::Reset => ("page-title-reset", "done", vec![home]),
            Done::CancelRequested => ("page-title-cancel", "cancel-requested", vec![home]),
            Done::CancelConfirmed => ("page-title-cancel-confirm", "cancel-confirmed", vec![home]),
            Done::CancelStopped => ("page-title-cancel-stop", "cancel-stopped", vec![home]),
            Done::PasswordChanged => ("password-title", "password-changed", vec![home]),
            Done::EmailChange => ("page-title-email-change", "email-change-done", vec![home]),
        }
    }
}

/// The page a flash is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum To {
    /// `GET /done`: a result page.
    Done(Done),
    /// `GET /devices`: the table with the result of an action.
    Devices,
    /// `GET /profile`: the form with the result of 【儲存】.
    Profile,
    /// `GET /device/verify`: the device code just produced.
    DeviceCode,
}

impl To {
    fn path(self) -> &'static str {
        match self {
            To::Done(_) => "/done",
            To::Devices => "/devices",
            To::Profile => "/profile",
            To::DeviceCode => "/device/verify",
        }
    }
}

/// What the next page says.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Flash {
    /// The page.
    pub to: To,
    /// A success (or a refusal).
    pub ok: bool,
    /// The message's lines, zh-TW and English.
    pub lines: Vec<(String, String)>,
    /// Further notes.
    pub warnings: Vec<(String, String)>,
    /// What else the page needs (the device code and its validity).
    pub data: Vec<String>,
    /// Bound to the session that made it.
    bound: bool,
    /// Unix seconds after which it is ignored.
    exp: i64,
}

impl Flash {
    /// A flash for `to` with the message `lines`.
    pub(crate) fn new(to: To, ok: bool, lines: Vec<Text>) -> Self {
        Flash {
            to,
            ok,
            lines: lines.into_iter().map(|t| (t.zh, t.en)).collect(),
            warnings: Vec::new(),
            data: Vec::new(),
            bound: true,
            exp: 0,
        }
    }

    /// With further notes.
    pub(crate) fn warnings(mut self, warnings: Vec<Text>) -> Self {
        self.warnings = warnings.into_iter().map(|t| (t.zh, t.en)).collect();
        self
    }

    /// With data for the page.
    pub(crate) fn data(mut self, data: Vec<String>) -> Self {
        self.data = data;
        self
    }

    /// The lines as texts.
    pub(crate) fn texts(&self) -> Vec<Text> {
        self.lines
            .iter()
            .map(|(zh, en)| Text::new(zh.clone(), en.clone()))
            .collect()
    }

    /// The notes as texts.
    pub(crate) fn warning_texts(&self) -> Vec<Text> {
        self.warnings
            .iter()
            .map(|(zh, en)| Text::new(zh.clone(), en.clone()))
            .collect()
    }

    /// The lines as the page's 系統訊息.
    pub(crate) fn message(&self) -> SysMsg {
        let mut lines = self.texts();
        lines.extend(self.warning_texts());
        if self.ok {
            SysMsg::ok(lines)
        } else {
            SysMsg::error(lines)
        }
    }
}

fn name(security: CookieSecurity) -> &'static str {
    match security {
        CookieSecurity::PlainHttpLoopback => "twnhi-flash",
        CookieSecurity::Secure => "__Host-twnhi-flash",
    }
}

fn attributes(security: CookieSecurity) -> &'static str {
    match security {
        CookieSecurity::PlainHttpLoopback => "; Path=/; HttpOnly; SameSite=Lax",
        CookieSecurity::Secure => "; Path=/; HttpOnly; SameSite=Lax; Secure",
    }
}

fn tag(site: &Site, session: &str, payload: &str) -> String {
    site.csrf()
        .tag(DOMAIN, &[session.as_bytes(), payload.as_bytes()])
}

/// `303 See Other` to the flash's page, carrying it. `session` is the session it is for;
/// `None` when the request ended its session (the flash then verifies in any session).
pub(crate) fn redirect(site: &Site, session: Option<&SessionToken>, mut flash: Flash) -> Response {
    flash.bound = session.is_some();
    flash.exp = chrono::Utc::now().timestamp() + LIFETIME_SECS;
    let mut resp = StatusCode::SEE_OTHER.into_response();
    resp.headers_mut()
        .insert(LOCATION, HeaderValue::from_static(flash.to.path()));
    let Ok(json) = serde_json::to_vec(&flash) else {
        return resp;
    };
    let payload = URL_SAFE_NO_PAD.encode(json);
    let bound_to = session.map_or("", SessionToken::expose);
    let value = format!("{payload}.{}", tag(site, bound_to, &payload));
    if value.len() > MAX_VALUE {
        tracing::warn!(bytes = value.len(), "flash message too long for a cookie");
        return resp;
    }
    let security = site.config().cookies;
    let cookie = format!(
        "{}={value}{}; Max-Age={LIFETIME_SECS}",
        name(security),
        attributes(security)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

/// The flash presented with a request, read once: [`Taken::answer`] deletes the cookie.
pub(crate) struct Taken {
    present: bool,
    /// The flash, when it verified for this session and page and has not expired.
    pub flash: Option<Flash>,
}

impl Taken {
    /// `resp` with the flash cookie deleted (when one was presented).
    pub(crate) fn answer(self, site: &Site, mut resp: Response) -> Response {
        if self.present {
            let security = site.config().cookies;
            let cookie = format!("{}={}; Max-Age=0", name(security), attributes(security));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(SET_COOKIE, v);
            }
        }
        resp
    }
}

fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|text| text.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty() && v.len() <= MAX_VALUE)
        .map(|(_, v)| v.to_owned())
}

/// The flash of the request for page `to`.
pub(crate) fn take(site: &Site, headers: &HeaderMap, sess: &Sess, to: To) -> Taken {
    let Some(value) = read(headers, name(site.config().cookies)) else {
        return Taken {
            present: false,
            flash: None,
        };
    };
    Taken {
        present: true,
        flash: verify(site, &value, sess)
            .filter(|f| f.to == to || matches!((f.to, to), (To::Done(_), To::Done(_)))),
    }
}

fn verify(site: &Site, value: &str, sess: &Sess) -> Option<Flash> {
    let (payload, presented) = value.split_once('.')?;
    let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let flash: Flash = serde_json::from_slice(&json).ok()?;
    let bound_to = if flash.bound { sess.token.expose() } else { "" };
    let expected = tag(site, bound_to, payload);
    let ok = !expected.is_empty()
        && expected.len() == presented.len()
        && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()));
    (ok && flash.exp >= chrono::Utc::now().timestamp()).then_some(flash)
}

/// `GET /done`: the result page of a form that ended a flow, from its flash; without one
/// (refreshed after it was shown, or opened directly) the login page.
pub(crate) async fn done_page(
    axum::extract::State(site): axum::extract::State<Site>,
    crate::session::S(sess): crate::session::S,
    headers: HeaderMap,
) -> Response {
    let taken = take(&site, &headers, &sess, To::Done(Done::Apply));
    let resp = match &taken.flash {
        Some(f) => {
            let To::Done(done) = f.to else {
                return taken.answer(
                    &site,
                    axum::response::Redirect::to("/login").into_response(),
                );
            };
            let (title, page_id, links) = done.page();
            let l = if done == Done::PasswordChanged {
                site.layout(None, title, page_id)
            } else {
                site.layout(Some(&sess), title, page_id)
            };
            crate::app::render(&crate::templates::MessagePage {
                l,
                ok: f.ok,
                lines: f.texts(),
                warnings: f.warning_texts(),
                links,
            })
        }
        None => axum::response::Redirect::to("/login").into_response(),
    };
    taken.answer(&site, resp)
}
