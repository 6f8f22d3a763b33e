//! The image captcha of the cancellation pages: the use case issues the answer (bound to the
//! session, one try); the page draws it. The drawing is kept per session for a few minutes so
//! that re-displaying a form (【檢核】, a field error) shows the same image; 【變更圖片】 and
//! every check by the use case make a new one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use twnhi_account::Lang;
use twnhi_notify::{Captcha, CaptchaAnswer};
use twnhi_service::ServiceError;

use crate::app::Site;
use crate::session::Sess;
use crate::templates::CaptchaView;

/// How long a drawing is reused.
const KEEP: Duration = Duration::from_secs(600);
/// Most drawings kept (oldest dropped first).
const MAX: usize = 4096;

/// Drawings by session digest.
#[derive(Debug, Default)]
pub(crate) struct CaptchaCache {
    map: Mutex<HashMap<String, (CaptchaView, Instant)>>,
}

impl CaptchaCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (CaptchaView, Instant)>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &str) -> Option<CaptchaView> {
        let map = self.lock();
        map.get(key)
            .filter(|(_, at)| at.elapsed() < KEEP)
            .map(|(v, _)| v.clone())
    }

    fn put(&self, key: String, view: CaptchaView) {
        let mut map = self.lock();
        if map.len() >= MAX {
            map.retain(|_, (_, at)| at.elapsed() < KEEP);
            if map.len() >= MAX
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(key, (view, Instant::now()));
    }
}

fn view_of(captcha: &Captcha) -> CaptchaView {
    CaptchaView {
        data_uri: format!("data:image/png;base64,{}", STANDARD.encode(captcha.png())),
        alt: format!(
            "{} {}",
            Captcha::alt_text(Lang::ZhTw),
            Captcha::alt_text(Lang::En)
        ),
        text_zh: captcha.text_challenge(Lang::ZhTw),
        text_en: captcha.text_challenge(Lang::En),
    }
}

/// A new captcha for the session (replacing the previous one).
pub(crate) async fn fresh(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    let answer = site.service().new_captcha(&sess.caller()).await?;
    let answer = CaptchaAnswer::parse(&answer).map_err(|_| ServiceError::Internal {
        what: "captcha answer",
    })?;
    let captcha = Captcha::draw(answer, &mut rand::rng()).map_err(|_| ServiceError::Internal {
        what: "captcha drawing",
    })?;
    let view = view_of(&captcha);
    site.captchas().put(sess.token.digest(), view.clone());
    Ok(view)
}

/// The session's current captcha drawing, or a new one.
pub(crate) async fn current(site: &Site, sess: &Sess) -> Result<CaptchaView, ServiceError> {
    match site.captchas().get(&sess.token.digest()) {
        Some(v) => Ok(v),
        None => fresh(site, sess).await,
    }
}
