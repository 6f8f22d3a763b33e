//! The browser session of the pages: resolved once per request by a middleware (a new
//! anonymous session is opened when the cookie is missing or its session ended), the CSRF
//! token and origin checked for every `POST`, and the cookie written back when the session
//! is new or was renewed (login) or ended (logout).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use twnhi_service::{Caller, ServiceError, SessionToken, SessionView};

use crate::app::Site;
use crate::security::{self, cookies, csrf};
use crate::templates::Text;

/// The session of the request, put into the request's extensions by [`layer`].
#[derive(Clone, Debug)]
pub(crate) struct Sess {
    /// The session token (the cookie's value).
    pub token: SessionToken,
    /// What the session holds.
    pub view: SessionView,
    /// The client address, for throttling and the audit trail.
    pub client: String,
}

impl Sess {
    /// The caller of the use cases.
    pub(crate) fn caller(&self) -> Caller {
        Caller::new(self.token.clone()).with_client(self.client.clone())
    }

    /// Whether a registration is logged in.
    pub(crate) fn logged_in(&self) -> bool {
        self.view.registration_id.is_some()
    }
}

/// Put into a response's extensions by a handler that replaced the session (login, logout):
/// the cookie is rewritten with this token.
#[derive(Clone, Debug)]
pub(crate) struct RenewedSession(pub SessionToken);

/// Put into a response's extensions by a handler that ended the session (logout): the cookie
/// is deleted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EndedSession;

/// Resolves the session, checks CSRF and origin on `POST`, writes the cookie back.
pub(crate) async fn layer(State(site): State<Site>, req: Request, next: Next) -> Response {
    let json = security::wants_json(&req);
    let client = security::client_ip(&site, req.headers(), security::peer(&req)).to_string();
    let security_mode = site.config().cookies;
    let presented = cookies::read(req.headers(), cookies::name(security_mode))
        .and_then(|c| SessionToken::parse(&c).ok());
    let (token, view, new) = match presented {
        Some(t) => match site.service().session_info(&t).await {
            Ok(view) => (t, view, false),
            Err(ServiceError::SessionExpired) => match open(&site).await {
                Ok((t, v)) => (t, v, true),
                Err(resp) => return resp,
            },
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return site.plain_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &Text::of_service(&e),
                    json,
                );
            }
        },
        None => match open(&site).await {
            Ok((t, v)) => (t, v, true),
            Err(resp) => return resp,
        },
    };

    let req = if req.method() == Method::GET || req.method() == Method::HEAD {
        req
    } else {
        match check_post(&site, &token, req).await {
            Ok(req) => req,
            Err(resp) => return with_cookie(&site, resp, new.then_some(&token)),
        }
    };

    let mut req = req;
    req.extensions_mut().insert(Sess {
        token: token.clone(),
        view,
        client,
    });
    let resp = next.run(req).await;
    if resp.extensions().get::<EndedSession>().is_some() {
        let mut resp = resp;
        if let Ok(v) = HeaderValue::from_str(&cookies::clear(site.config().cookies)) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
        return resp;
    }
    let renewed = resp.extensions().get::<RenewedSession>().cloned();
    match renewed {
        Some(RenewedSession(t)) => with_cookie(&site, resp, Some(&t)),
        None => with_cookie(&site, resp, new.then_some(&token)),
    }
}

async fn open(site: &Site) -> Result<(SessionToken, SessionView), Response> {
    match site.service().open_session().await {
        Ok(t) => Ok((
            t,
            SessionView {
                registration_id: None,
                card: None,
            },
        )),
        Err(e) => {
            tracing::error!(error = %e, "cannot open a session");
            Err(site.plain_error(
                StatusCode::SERVICE_UNAVAILABLE,
                &Text::of_service(&e),
                false,
            ))
        }
    }
}

fn with_cookie(site: &Site, mut resp: Response, token: Option<&SessionToken>) -> Response {
    if let Some(t) = token
        && let Ok(v) = HeaderValue::from_str(&cookies::set(site.config().cookies, t.expose()))
    {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

/// Checks the origin and the CSRF token of a state-changing request (header
/// `X-CSRF-Token`, or the form field `csrf` of an urlencoded body, which is read here and put
/// back for the handler).
async fn check_post(site: &Site, token: &SessionToken, req: Request) -> Result<Request, Response> {
    let json = security::wants_json(&req);
    if !security::same_origin(site, req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-origin form post refused");
        return Err(security::forbidden(site, json));
    }
    if let Some(h) = req
        .headers()
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if site.csrf().verify(token.expose(), h) {
            Ok(req)
        } else {
            Err(security::forbidden(site, json))
        };
    }
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(security::forbidden(site, json));
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, site.config().max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return Err(security::too_large(site, json)),
    };
    let ok = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == csrf::FIELD)
        .is_some_and(|(_, v)| site.csrf().verify(token.expose(), &v));
    if !ok {
        tracing::warn!(path = %parts.uri.path(), "form post without a valid CSRF token");
        return Err(security::forbidden(site, json));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The session of a request (put there by [`layer`]); a handler outside the layer gets a
/// `500`.
pub(crate) struct S(pub Sess);

impl<St: Send + Sync> axum::extract::FromRequestParts<St> for S {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &St,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Sess>()
            .cloned()
            .map(S)
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
