//! The captcha of the cancellation pages: the use case issues the answer (bound to the
//! session, one try); the page draws it as an image and offers the same digits as an audio
//! clip (`GET /cancel/captcha.wav`) for people who cannot see it — nothing in the page says
//! the answer (`twnhi_notify::captcha`). The drawing and the clip's seed are kept per session
//! for a few minutes so that re-displaying a form (【檢核】, a field error) shows the same
//! image and replaying plays the same clip (fresh noise on every replay would let a script
//! average it away); 【變更圖片】 and every check by the use case make a new one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng};
use twnhi_account::Lang;
use twnhi_notify::captcha::audio;
use twnhi_notify::{Captcha, CaptchaAnswer};
use twnhi_service::ServiceError;
use zeroize::Zeroizing;

use crate::app::Site;
use crate::session::{S, Sess};
use crate::templates::{CaptchaView, Text};

/// How long a drawing is reused.
const KEEP: Duration = Duration::from_secs(600);
/// Most drawings kept (oldest dropped first).
const MAX: usize = 4096;

/// What is kept of one session's captcha: the page's view, and what the audio clip is made
/// from (the answer and the seed of its noise; the clip itself, ~150 KB, is made on request).
#[derive(Clone)]
struct Kept {
    view: CaptchaView,
    answer: CaptchaAnswer,
    audio_seed: Zeroizing<[u8; 32]>,
    at: Instant,
}

/// Captchas by session digest.
#[derive(Default)]
pub(crate) struct CaptchaCache {
    map: Mutex<HashMap<String, Kept>>,
    serial: AtomicU64,
}

impl core::fmt::Debug for CaptchaCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CaptchaCache").finish_non_exhaustive()
    }
}

impl CaptchaCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Kept>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &str) -> Option<Kept> {
        let map = self.lock();
        map.get(key).filter(|k| k.at.elapsed() < KEEP).cloned()
    }

    fn put(&self, key: String, kept: Kept) {
        let mut map = self.lock();
        if map.len() >= MAX {
            map.retain(|_, k| k.at.elapsed() < KEEP);
            if map.len() >= MAX
                && let Some(oldest) = map.iter().min_by_key(|(_, k)| k.at).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(key, kept);
    }
}

fn view_of(captcha: &Captcha, serial: u64) -> CaptchaView {
    CaptchaView {
        data_uri: format!("data:image/png;base64,{}", STANDARD.encode(captcha.png())),
        alt: format!(
            "{} {}",
            Captcha::alt_text(Lang::ZhTw),
            Captcha::alt_text(Lang::En)
        ),
        audio_url: format!("/cancel/captcha.wav?r={serial}"),
        audio_zh: Captcha::audio_instructions(Lang::ZhTw),
        audio_en: Captcha::audio_instructions(Lang::En),
    }
}

/// A new captcha for the session (replacing the previous one).
pub(crate) async fn fresh(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    let answer = site.service().new_captcha(&sess.caller()).await?;
    let answer = CaptchaAnswer::parse(&answer).map_err(|_| ServiceError::Internal {
        what: "captcha answer",
    })?;
    let mut rng = rand::rng();
    let captcha = Captcha::draw(answer.clone(), &mut rng).map_err(|_| ServiceError::Internal {
        what: "captcha drawing",
    })?;
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(&mut seed[..]);
    let serial = site.captchas().serial.fetch_add(1, Ordering::Relaxed);
    let view = view_of(&captcha, serial);
    site.captchas().put(
        sess.token.digest(),
        Kept {
            view: view.clone(),
            answer,
            audio_seed: seed,
            at: Instant::now(),
        },
    );
    Ok(view)
}

/// The session's current captcha drawing, or a new one.
pub(crate) async fn current(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    match site.captchas().get(&sess.token.digest()) {
        Some(k) => Ok(k.view),
        None => fresh(site, sess).await,
    }
}

/// `GET /dev/captcha` (the demo's dev pages only): the answer of the session's captcha, as
/// plain text — how the demo's browser tests get past the captcha. A site serving citizens
/// never routes it ([`crate::WebConfig::dev_pages`] is off in `twnhi serve`).
pub(crate) async fn dev_answer(State(site): State<Site>, S(sess): S) -> Response {
    match site.captchas().get(&sess.token.digest()) {
        Some(kept) => {
            let mut resp = kept.answer.as_str().to_owned().into_response();
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
    let Some(kept) = site.captchas().get(&sess.token.digest()) else {
        return site.plain_error(
            StatusCode::NOT_FOUND,
            &Text::id("captcha-expired-page"),
            false,
        );
    };
    let mut rng = StdRng::from_seed(*kept.audio_seed);
    match audio::wav(&kept.answer, &mut rng) {
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
