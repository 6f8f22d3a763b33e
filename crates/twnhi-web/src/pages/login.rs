//! 4.2 登入 LOGIN, and 登出.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use twnhi_account::{Msg, Password};

use crate::app::{Site, render};
use crate::pages::{F, refusal};
use crate::session::{EndedSession, RenewedSession, S, Sess};
use crate::templates::{FieldErrors, LoginPage, SysMsg, Text};
use crate::ua;

/// Why the login page was reached.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    /// `expired`: a logged-in page found no session; `out`: logged out; `password`: the
    /// password was changed.
    #[serde(default)]
    pub from: String,
}

/// The login form.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    password: String,
}

fn page_with(
    site: &Site,
    sess: &Sess,
    headers: &HeaderMap,
    message: SysMsg,
    errors: FieldErrors,
) -> Response {
    let ua = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    render(&LoginPage {
        l: site.layout(Some(sess), "login-title", "login"),
        env: ua::parse(ua),
        message,
        errors,
        news: site.news().views(5),
    })
}

/// `GET /login`.
pub(crate) async fn page(
    State(site): State<Site>,
    S(sess): S,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    if sess.logged_in() {
        return Redirect::to("/services").into_response();
    }
    let message = match q.from.as_str() {
        "expired" => SysMsg::error(vec![Text::msg(Msg::SessionExpired)]),
        "out" => SysMsg::ok(vec![Text::msg(Msg::LoggedOut)]),
        "password" => SysMsg::ok(vec![Text::msg(Msg::PasswordChanged)]),
        _ => SysMsg::none(),
    };
    page_with(&site, &sess, &headers, message, FieldErrors::default())
}

/// `POST /login`: the card was authenticated by the page script just before.
pub(crate) async fn submit(
    State(site): State<Site>,
    S(sess): S,
    headers: HeaderMap,
    F(form): F<LoginForm>,
) -> Response {
    let mut errors = FieldErrors::default();
    if form.password.is_empty() {
        errors.add("password", Text::id("password-required"));
        let message = errors.to_message();
        return page_with(&site, &sess, &headers, message, errors);
    }
    let password = Password::new(form.password);
    match site.service().login(&sess.caller(), &password).await {
        Ok(outcome) => {
            let mut resp = Redirect::to("/services").into_response();
            resp.extensions_mut()
                .insert(RenewedSession(outcome.session));
            resp
        }
        Err(e) => {
            let message = refusal(&e, &mut errors);
            page_with(&site, &sess, &headers, message, errors)
        }
    }
}

/// `POST /logout`.
pub(crate) async fn logout(State(site): State<Site>, S(sess): S) -> Response {
    if let Err(e) = site.service().logout(&sess.caller()).await {
        tracing::warn!(error = %e, "logout failed");
    }
    let mut resp = Redirect::to("/login?from=out").into_response();
    resp.extensions_mut().insert(EndedSession);
    resp
}
