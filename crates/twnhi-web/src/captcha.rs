//! The captcha of the cancellation pages: the use case issues the answer (bound to the
//! session, one try); the page draws it as an image and offers the same digits as an audio
//! clip (`GET /cancel/captcha.wav`) for people who cannot see it — nothing in the page says
//! the answer (`twnhi_notify::captcha`). Nothing is kept in this process: the store keeps
//! the answer sealed under the session's token, and the seeds of the drawing and of the clip
//! are derived from that token ([`twnhi_service::Service::captcha_on_screen`]), so whichever
//! replica serves a request, re-displaying a form (【檢核】, a field error) shows the same
//! image and replaying plays the same clip (fresh noise on every replay would let a script
//! average it away); 【變更圖片】 and every check by the use case make a new one.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::SeedableRng;
use rand::rngs::StdRng;
use twnhi_account::Lang;
use twnhi_notify::captcha::audio;
use twnhi_notify::{Captcha, CaptchaAnswer};
use twnhi_service::{CaptchaOnScreen, ServiceError};

use crate::app::Site;
use crate::session::{S, Sess};
use crate::templates::{CaptchaView, Text};

fn view_of(shown: &CaptchaOnScreen) -> Result<CaptchaView, ServiceError> {
    let answer = CaptchaAnswer::parse(&shown.answer).map_err(|_| ServiceError::Internal {
        what: "captcha answer",
    })?;
    let mut rng = StdRng::from_seed(*shown.draw_seed);
    let captcha = Captcha::draw(answer, &mut rng).map_err(|_| ServiceError::Internal {
        what: "captcha drawing",
    })?;
    Ok(CaptchaView {
        data_uri: format!("data:image/png;base64,{}", STANDARD.encode(captcha.png())),
        alt: format!(
            "{} {}",
            Captcha::alt_text(Lang::ZhTw),
            Captcha::alt_text(Lang::En)
        ),
        audio_url: format!("/cancel/captcha.wav?r={}", shown.tag),
        audio_zh: Captcha::audio_instructions(Lang::ZhTw),
        audio_en: Captcha::audio_instructions(Lang::En),
    })
}

/// A new captcha for the session (replacing the previous one).
pub(crate) async fn fresh(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    site.service().new_captcha(&sess.caller()).await?;
    match site.service().captcha_on_screen(&sess.caller()).await? {
        Some(shown) => view_of(&shown),
        None => Err(ServiceError::Internal {
            what: "captcha just issued",
        }),
    }
}

/// The session's current captcha drawing, or a new one.
pub(crate) async fn current(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    match site.service().captcha_on_screen(&sess.caller()).await? {
        Some(shown) => view_of(&shown),
        None => fresh(site, sess).await,
    }
}

/// The session's captcha on screen, if any (a store error counts as none: the pages then
/// say the captcha expired).
async fn on_screen(site: &Site, sess: &Sess) -> Option<CaptchaOnScreen> {
    match site.service().captcha_on_screen(&sess.caller()).await {
        Ok(shown) => shown,
        Err(e) => {
            tracing::debug!(error = %e, "no captcha on screen");
            None
        }
    }
}

/// `GET /dev/captcha` (the demo's dev pages only): the answer of the session's captcha, as
/// plain text — how the demo's browser tests get past the captcha. A site serving citizens
/// never routes it ([`crate::WebConfig::dev_pages`] is off in `twnhi serve`).
pub(crate) async fn dev_answer(State(site): State<Site>, S(sess): S) -> Response {
    match on_screen(&site, &sess).await {
        Some(shown) => {
            let mut resp = shown.answer.as_str().to_owned().into_response();
            resp.headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /cancel/captcha.wav`: the session's captcha as an audio clip (the same clip every
/// time for one captcha). `404` when the session has no captcha on screen.
pub(crate) async fn audio_clip(State(site): State<Site>, S(sess): S) -> Response {
    let Some(shown) = on_screen(&site, &sess).await else {
        return site.plain_error(
            StatusCode::NOT_FOUND,
            &Text::id("captcha-expired-page"),
            false,
        );
    };
    let Ok(answer) = CaptchaAnswer::parse(&shown.answer) else {
        return site.plain_error(
            StatusCode::NOT_FOUND,
            &Text::id("captcha-expired-page"),
            false,
        );
    };
    let mut rng = StdRng::from_seed(*shown.audio_seed);
    match audio::wav(&answer, &mut rng) {
        Ok(wav) => {
            let mut resp = wav.into_response();
            let h = resp.headers_mut();
            h.insert(CONTENT_TYPE, HeaderValue::from_static(audio::MEDIA_TYPE));
            h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "captcha audio failed");
            site.plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &Text::msg(twnhi_account::Msg::SystemError),
                false,
            )
        }
    }
}
