//! The 5-digit captcha of the cancellation forms (圖片驗證碼, SPEC §4.7): an image, and an
//! audio clip of the same digits for people who cannot see it.
//!
//! **The image**: five digits from a built-in 5 × 7 bitmap font, each scaled, rotated, sheared
//! and shifted at random, the whole bent by two sine waves, crossed by random lines and
//! sprinkled with dots, on a noisy light background ([`Captcha::png`]).
//!
//! **The accessible alternative — an audio clip made on the server** ([`Captcha::audio`],
//! module [`audio`]): a chime, the same five digits spoken in Mandarin, a second chime, the
//! same digits in English, over reversed-speech babble and pink noise; a WAV file of fixed
//! length and size. Why audio: WCAG 2.1 success criterion 1.1.1 asks that a CAPTCHA's text
//! alternative describe its purpose (that is [`Captcha::alt_text`]) and that an alternative
//! in a *different sensory modality* be offered; hearing is that modality for blind and
//! low-vision people. The earlier alternative — the digits written out as words for screen
//! readers — put the answer into the page itself, so every script passed; nothing in the page
//! or its text ([`Captcha::alt_text`], [`Captcha::audio_instructions`], `Debug`) contains the
//! answer now, and the clip's size is the same for every answer.
//!
//! **Its limits, honestly**: speech recognition solves audio captchas, as OCR solves image
//! ones, and the voices are public (they are in this crate), so a determined script can match
//! them. Either form only slows scripts down. The real protections of the cancellation flow
//! are the throttling per client address and per ID number, the caps on letters sent and the
//! e-mail code (SPEC §5), which apply whichever form a person uses.
//!
//! **People who can neither see the image nor hear the clip** (deaf-blind people, among
//! others) cannot be served by any captcha; the page points them to the service hotline and
//! the counters, where staff do the cancellation (the web layer shows that, next to
//! [`Captcha::audio_instructions`]).
//!
//! Every random choice — the answer, the image's distortions, the clip's voices, timing and
//! noise — comes from the caller's RNG, so a seeded RNG gives the same bytes (tests) and the
//! operating system's gives fresh ones. One checker ([`CaptchaAnswer::matches`]) serves both
//! forms.
//!
//! ```
//! use rand::SeedableRng;
//! use twnhi_notify::captcha::audio;
//! use twnhi_notify::{Captcha, Lang};
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(7);
//! let captcha = Captcha::generate(&mut rng)?;
//! assert_eq!(captcha.answer().as_str().len(), 5);
//! assert!(captcha.png().starts_with(b"\x89PNG"));
//! assert!(captcha.answer().matches(captcha.answer().as_str()));
//!
//! let wav = captcha.audio(&mut rng)?;
//! assert!(wav.starts_with(b"RIFF"));
//! assert_eq!(wav.len(), audio::WAV_BYTES);
//! assert!(!Captcha::audio_instructions(Lang::En).contains(captcha.answer().as_str()));
//! # Ok::<(), twnhi_notify::CaptchaError>(())
//! ```

pub mod audio;
mod font;
mod voices;

use core::f64::consts::PI;
use core::fmt;
use twnhi_account::messages::bilingual;

use rand_core::{CryptoRng, Rng};
use twnhi_account::messages::{Lang, Msg};

use crate::raster::Gray;

/// Image width in pixels.
pub const WIDTH: u32 = 160;
/// Image height in pixels.
pub const HEIGHT: u32 = 60;
/// Number of digits.
pub const DIGITS: usize = 5;

/// Why a captcha could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptchaError {
    /// An answer that is not five ASCII digits.
    #[error("{}", bilingual("notify-captcha-digits"))]
    InvalidAnswer,
    /// The PNG encoder failed.
    #[error("{}", bilingual("notify-png"))]
    Png(#[source] png::EncodingError),
    /// The audio clip could not be made (unusable embedded voices; not expected).
    #[error("{}", bilingual("notify-captcha-audio"))]
    Audio,
}

/// The five digits a captcha asks for.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CaptchaAnswer([u8; DIGITS]);

/// A uniform integer in `0..n` by rejection sampling (no modulo bias).
fn below<R: Rng + ?Sized>(rng: &mut R, n: u32) -> u32 {
    let n = n.max(1);
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let v = rng.next_u32();
        if v < zone {
            return v % n;
        }
    }
}

/// A uniform `f64` in `[lo, hi)`.
fn uniform<R: Rng + ?Sized>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    // 53 random bits → [0, 1).
    let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    lo + (hi - lo) * unit
}

impl CaptchaAnswer {
    /// Five digits from a cryptographically secure RNG.
    pub fn random<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut d = [0u8; DIGITS];
        for x in &mut d {
            // `below(10)` < 10, so the cast is exact.
            *x = b'0' + below(rng, 10) as u8;
        }
        CaptchaAnswer(d)
    }

    /// Parses a stored answer (exactly five ASCII digits).
    ///
    /// # Errors
    /// [`CaptchaError::InvalidAnswer`].
    pub fn parse(input: &str) -> Result<Self, CaptchaError> {
        let bytes: [u8; DIGITS] = input
            .as_bytes()
            .try_into()
            .map_err(|_| CaptchaError::InvalidAnswer)?;
        if bytes.iter().all(u8::is_ascii_digit) {
            Ok(CaptchaAnswer(bytes))
        } else {
            Err(CaptchaError::InvalidAnswer)
        }
    }

    /// The digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Always ASCII digits.
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Whether a person's input is this answer: white space ignored, full-width digits
    /// (０–９, typed with a Chinese input method) accepted; compared in constant time.
    #[must_use]
    pub fn matches(&self, input: &str) -> bool {
        let mut typed = [0u8; DIGITS];
        let mut n = 0usize;
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            let ascii = match c {
                '0'..='9' => c as u32 as u8,
                '０'..='９' => (c as u32 - '０' as u32) as u8 + b'0', // cjk-ok: full-width digits the parser accepts
                _ => return false,
            };
            match typed.get_mut(n) {
                Some(slot) => *slot = ascii,
                None => return false,
            }
            n += 1;
        }
        let diff = typed
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        n == DIGITS && diff == 0
    }
}

impl fmt::Debug for CaptchaAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaptchaAnswer(…)")
    }
}

/// A captcha: its answer and the PNG image; the audio clip is made on demand
/// ([`Captcha::audio`]).
#[derive(Clone)]
pub struct Captcha {
    answer: CaptchaAnswer,
    png: Vec<u8>,
}

impl fmt::Debug for Captcha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captcha")
            .field("png_bytes", &self.png.len())
            .finish_non_exhaustive()
    }
}

/// Per-glyph transform: centre, rotation, scale (pixels per font cell), shear, ink level.
struct Glyph {
    digit: u8,
    cx: f64,
    cy: f64,
    cos: f64,
    sin: f64,
    scale: f64,
    shear: f64,
    ink: f64,
}

/// Smooth coverage of the glyph at font coordinates (u, v): bilinear over the bitmap cells,
/// then a soft threshold, so scaled strokes get rounded anti-aliased edges.
fn coverage(digit: u8, u: f64, v: f64) -> f64 {
    let (fu, fv) = (u - 0.5, v - 0.5);
    let (x0, y0) = (fu.floor(), fv.floor());
    let (tx, ty) = (fu - x0, fv - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let cell = |x: i64, y: i64| if font::ink(digit, x, y) { 1.0 } else { 0.0 };
    let top = cell(x0, y0) * (1.0 - tx) + cell(x0 + 1, y0) * tx;
    let bottom = cell(x0, y0 + 1) * (1.0 - tx) + cell(x0 + 1, y0 + 1) * tx;
    let value = top * (1.0 - ty) + bottom * ty;
    ((value - 0.3) / 0.35).clamp(0.0, 1.0)
}

impl Captcha {
    /// A new captcha: a random answer from a cryptographically secure RNG, drawn with noise
    /// from the same RNG.
    ///
    /// # Errors
    /// [`CaptchaError::Png`] (not expected).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self, CaptchaError> {
        let answer = CaptchaAnswer::random(rng);
        Self::draw(answer, rng)
    }

    /// Draws a given answer again (【變更圖片】 with the same answer, or tests) with noise from
    /// `rng`.
    ///
    /// # Errors
    /// [`CaptchaError::Png`] (not expected).
    pub fn draw<R: Rng + ?Sized>(answer: CaptchaAnswer, rng: &mut R) -> Result<Self, CaptchaError> {
        let img = render(&answer, rng);
        let png = img.to_png().map_err(CaptchaError::Png)?;
        Ok(Captcha { answer, png })
    }

    /// The answer (keep it server-side; compare with [`CaptchaAnswer::matches`]).
    #[must_use]
    pub fn answer(&self) -> &CaptchaAnswer {
        &self.answer
    }

    /// The PNG image, [`WIDTH`] × [`HEIGHT`] pixels, greyscale.
    #[must_use]
    pub fn png(&self) -> &[u8] {
        &self.png
    }

    /// Consumes the captcha, giving back the answer and the PNG.
    #[must_use]
    pub fn into_parts(self) -> (CaptchaAnswer, Vec<u8>) {
        (self.answer, self.png)
    }

    /// The accessible alternative: the same digits spoken in Mandarin and then in English over
    /// background noise, as a WAV file ([`audio::WAV_BYTES`] bytes, [`audio::DURATION_MS`] ms;
    /// see the [`audio`] module). Same as [`audio::wav`] on [`Captcha::answer`].
    ///
    /// Make one clip per answer and serve that one again when the person replays it.
    ///
    /// # Errors
    /// [`CaptchaError::Audio`] (not expected).
    pub fn audio<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Vec<u8>, CaptchaError> {
        audio::wav(&self.answer, rng)
    }

    /// The `alt` text of the image: what it is, and that an audio alternative exists. Names
    /// no digit at all (neither the answer's nor any other), in figures or in words.
    #[must_use]
    pub fn alt_text(lang: Lang) -> &'static str {
        Msg::CaptchaAlt.text(lang)
    }

    /// What the audio clip holds and what to do with it, for the text beside its player.
    /// Names no digit at all, in figures or in words.
    #[must_use]
    pub fn audio_instructions(lang: Lang) -> &'static str {
        Msg::CaptchaAudioInstructions.text(lang)
    }
}

fn render<R: Rng + ?Sized>(answer: &CaptchaAnswer, rng: &mut R) -> Gray {
    let (w, h) = (f64::from(WIDTH), f64::from(HEIGHT));
    // Background: light, with faint speckle.
    let mut img = Gray::filled(WIDTH, HEIGHT, 255);
    for p in &mut img.pixels {
        *p = 225 + below(rng, 31) as u8;
    }

    // Glyph layout.
    let step = (w - 20.0) / DIGITS as f64;
    let glyphs: Vec<Glyph> = answer
        .0
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let angle = uniform(rng, -0.35, 0.35);
            Glyph {
                digit: d - b'0',
                cx: 10.0 + step * (i as f64 + 0.5) + uniform(rng, -3.0, 3.0),
                cy: h / 2.0 + uniform(rng, -3.5, 3.5),
                cos: angle.cos(),
                sin: angle.sin(),
                scale: uniform(rng, 4.3, 5.0),
                shear: uniform(rng, -0.25, 0.25),
                ink: uniform(rng, 0.0, 90.0),
            }
        })
        .collect();

    // Wave distortion parameters.
    let (ax, px, phx) = (
        uniform(rng, 1.5, 3.0),
        uniform(rng, 25.0, 45.0),
        uniform(rng, 0.0, 2.0 * PI),
    );
    let (ay, py, phy) = (
        uniform(rng, 1.5, 3.5),
        uniform(rng, 40.0, 80.0),
        uniform(rng, 0.0, 2.0 * PI),
    );

    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let (fx, fy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
            // Inverse wave.
            let sx = fx - ax * (2.0 * PI * fy / px + phx).sin();
            let sy = fy - ay * (2.0 * PI * fx / py + phy).sin();
            let mut best: Option<(f64, f64)> = None;
            for g in &glyphs {
                let (dx, dy) = (sx - g.cx, sy - g.cy);
                // Inverse rotation, then inverse shear, then to font cells.
                let rx = dx * g.cos + dy * g.sin;
                let ry = -dx * g.sin + dy * g.cos;
                let rx = rx - g.shear * ry;
                let u = rx / g.scale + font::COLS as f64 / 2.0;
                let v = ry / g.scale + font::ROWS as f64 / 2.0;
                let c = coverage(g.digit, u, v);
                if c > 0.0 && best.is_none_or(|(bc, _)| c > bc) {
                    best = Some((c, g.ink));
                }
            }
            if let Some((c, ink)) = best {
                let (xi, yi) = (i64::from(x), i64::from(y));
                let bg = f64::from(img.get(xi, yi).unwrap_or(255));
                let v = bg * (1.0 - c) + ink * c;
                img.set(xi, yi, v.round().clamp(0.0, 255.0) as u8);
            }
        }
    }

    // Lines across the digits.
    let lines = 3 + below(rng, 3);
    for _ in 0..lines {
        let (x0, y0) = (uniform(rng, 0.0, w * 0.3), uniform(rng, 5.0, h - 5.0));
        let (x1, y1) = (uniform(rng, w * 0.7, w), uniform(rng, 5.0, h - 5.0));
        let shade = below(rng, 120) as u8;
        let thick = below(rng, 2) == 1;
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) * 2.0) as i64;
        for s in 0..=steps {
            let t = s as f64 / steps.max(1) as f64;
            let (x, y) = (
                (x0 + (x1 - x0) * t).round() as i64,
                (y0 + (y1 - y0) * t).round() as i64,
            );
            img.set(x, y, shade);
            if thick {
                img.set(x, y + 1, shade);
            }
        }
    }

    // Salt and pepper.
    let dots = (WIDTH * HEIGHT) / 25;
    for _ in 0..dots {
        let x = i64::from(below(rng, WIDTH));
        let y = i64::from(below(rng, HEIGHT));
        let v = if below(rng, 2) == 0 {
            below(rng, 100) as u8
        } else {
            255
        };
        img.set(x, y, v);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        let a = CaptchaAnswer::parse("92220").unwrap();
        assert!(a.matches("92220"));
        assert!(a.matches(" 9 2 2 2 0 "));
        assert!(a.matches("９２２２０"));
        assert!(!a.matches("9222"));
        assert!(!a.matches("922200"));
        assert!(!a.matches("92221"));
        assert!(!a.matches("9222O"));
        assert!(!a.matches(""));
        assert!(CaptchaAnswer::parse("9222").is_err());
        assert!(CaptchaAnswer::parse("9222a").is_err());
        assert!(CaptchaAnswer::parse("９２２２０").is_err());
        assert_eq!(format!("{a:?}"), "CaptchaAnswer(…)");
    }
}
