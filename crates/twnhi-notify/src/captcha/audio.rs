//! The audio captcha: the five digits of a [`CaptchaAnswer`] spoken in Mandarin and then in
//! English, over background babble and noise, as a WAV file made on the server.
//!
//! What a person hears, in a clip of exactly [`DURATION_MS`] milliseconds (9.6 s):
//!
//! 1. a short chime, then the five digits in Mandarin (「三 七 一 九 五」);
//! 2. a second chime, then the same five digits in English ("three seven one nine five");
//! 3. background noise until the end.
//!
//! How it is made, every random choice from the caller's RNG (a seeded RNG gives the same bytes):
//!
//! - **Voices**: the digits are recordings embedded in the crate (synthesised once by
//!   espeak-ng, two voices a language; `assets/captcha/README.md`). Each clip picks one voice
//!   for Mandarin and one for English.
//! - **Variation per digit**: playback rate 0.90–1.12 (speed and pitch together, within about
//!   two semitones), gain −2 to +1 dB, and a pause of 250–500 ms before it (longer around the
//!   chimes and at the start).
//! - **Noise**: five layers of babble — random digits of both languages and both voices,
//!   played *backwards*, at random rates (0.80–1.25) and gains, overlapping and running through
//!   the whole clip, together about 10–12 dB below the speech — and pink noise (high-passed at
//!   about 60 Hz) 20–26 dB below the speech. Reversed speech has the spectrum and rhythm of
//!   speech, so it masks the digits from a recogniser better than steady noise would, and its
//!   syllables are no digits; a listener hears it as a murmur in no language, behind the real
//!   digits. There is no stretch of digital silence to cut the clip at — though the digits,
//!   being louder, can still be found by their energy (the tests check that structure, which
//!   a listener relies on; a script can use it too).
//! - **Format**: RIFF WAVE, PCM 16-bit mono, [`SAMPLE_RATE`] Hz, no metadata chunk. Every
//!   clip has the same length and so the same size ([`WAV_BYTES`], 153,644 bytes), so nothing
//!   about the digits shows in the size of the response.
//!
//! Serve one clip per answer and replay that same clip when asked: renditions of one answer
//! with fresh noise could be averaged by a script. A new answer (【變更圖片】) gets a new clip.
//! Like the image, the clip slows scripts down but does not stop them (see the
//! [module documentation](super)).

use core::f64::consts::PI;

use rand_core::Rng;

use super::voices::{self, Language, VOICES, Voice};
use super::{CaptchaAnswer, CaptchaError, below, uniform};

/// Sample rate of the clip, in hertz.
pub const SAMPLE_RATE: u32 = voices::RATE;
/// Length of every clip, in milliseconds.
pub const DURATION_MS: u32 = 9_600;
/// Samples in every clip (mono).
pub const SAMPLES: usize = ms(DURATION_MS);
/// Size of every clip's WAV file, in bytes: the 44-byte header and 16-bit samples.
pub const WAV_BYTES: usize = 44 + 2 * SAMPLES;
/// The media type to serve the clip with.
pub const MEDIA_TYPE: &str = "audio/wav";

/// Samples in `ms` milliseconds.
const fn ms(ms: u32) -> usize {
    (ms as usize) * (SAMPLE_RATE as usize) / 1000
}

/// RMS level of a spoken digit before the final normalisation (full scale = 1).
const SPEECH_RMS: f64 = 0.2;
/// Silence kept after the last digit.
const TAIL_MS: u32 = 200;
/// Babble layers.
const BABBLE_LAYERS: usize = 5;
/// Peak of the finished clip (−1 dBFS).
const PEAK: f64 = 0.89;

/// A pause before a sound: drawn between `min` and `max` milliseconds, shortened towards
/// `min` only if the clip would not fit otherwise.
#[derive(Clone, Copy)]
struct Pause {
    min: u32,
    max: u32,
}

/// At the very start, before the first chime.
const LEAD: Pause = Pause { min: 150, max: 350 };
/// After a chime, before the first digit of a language.
const AFTER_CHIME: Pause = Pause { min: 350, max: 500 };
/// Between two digits.
const BETWEEN: Pause = Pause { min: 250, max: 500 };
/// After the Mandarin digits, before the second chime.
const BEFORE_ENGLISH: Pause = Pause { min: 500, max: 750 };

/// A sound to place, after a pause.
struct Placed {
    pause: Pause,
    /// The drawn pause, in samples.
    gap: usize,
    sound: Vec<f32>,
}

/// The WAV clip of `answer` (see the [module documentation](self)): always [`WAV_BYTES`]
/// bytes, [`DURATION_MS`] milliseconds at [`SAMPLE_RATE`] Hz.
///
/// In production pass a cryptographically secure RNG (the operating system's or
/// `rand::rng()`): noise that a script could predict, it could subtract.
///
/// # Errors
/// [`CaptchaError::Audio`] if the embedded voices are unusable (not expected: the tests play
/// every digit of every voice).
pub fn wav<R: Rng + ?Sized>(answer: &CaptchaAnswer, rng: &mut R) -> Result<Vec<u8>, CaptchaError> {
    let samples = render(answer, rng)?;
    encode(&samples)
}

/// One voice of the two, at random.
fn pick_voice<R: Rng + ?Sized>(rng: &mut R) -> Voice {
    VOICES
        .get(below(rng, VOICES.len() as u32) as usize)
        .copied()
        .unwrap_or(Voice::Low)
}

/// Samples of a pause drawn in its range.
fn draw_gap<R: Rng + ?Sized>(rng: &mut R, pause: Pause) -> usize {
    ms(pause.min) + below(rng, (ms(pause.max) - ms(pause.min) + 1) as u32) as usize
}

/// `x` scaled to an RMS of 1 (unchanged if silent).
fn unit_rms(mut x: Vec<f32>) -> Vec<f32> {
    let n = x.len().max(1) as f64;
    let rms = (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / n).sqrt();
    if rms > 1e-6 {
        for v in &mut x {
            *v = (f64::from(*v) / rms) as f32;
        }
    }
    x
}

/// `x` played at `rate` times its speed (Catmull–Rom interpolation): higher and shorter
/// above 1, lower and longer below.
fn resample(x: &[f32], rate: f64) -> Vec<f32> {
    let Some(last) = x.len().checked_sub(1) else {
        return Vec::new();
    };
    if !(rate.is_finite() && rate > 0.1) {
        return x.to_vec();
    }
    let at = |i: isize| -> f32 {
        let i = i.clamp(0, last as isize) as usize;
        x.get(i).copied().unwrap_or(0.0)
    };
    let out_len = (last as f64 / rate).floor() as usize + 1;
    (0..out_len)
        .map(|n| {
            let pos = n as f64 * rate;
            let k = pos.floor();
            let t = (pos - k) as f32;
            let k = k as isize;
            let (p0, p1, p2, p3) = (at(k - 1), at(k), at(k + 1), at(k + 2));
            let a = -0.5 * p0 + 1.5 * p1 - 1.5 * p2 + 0.5 * p3;
            let b = p0 - 2.5 * p1 + 2.0 * p2 - 0.5 * p3;
            let c = -0.5 * p0 + 0.5 * p2;
            ((a * t + b) * t + c) * t + p1
        })
        .collect()
}

/// Adds `sound` into `buf` from sample `at` (which may be negative: the start is cut).
fn mix_into(buf: &mut [f32], at: isize, sound: &[f32], gain: f32) {
    let skip_sound = usize::try_from(-at).unwrap_or(0);
    let skip_buf = usize::try_from(at).unwrap_or(0);
    for (b, s) in buf
        .iter_mut()
        .skip(skip_buf)
        .zip(sound.iter().skip(skip_sound))
    {
        *b += s * gain;
    }
}

/// The chime before each language: a bell-like 880 Hz tone with its octave, 220 ms.
fn chime() -> Vec<f32> {
    let rate = f64::from(SAMPLE_RATE);
    (0..ms(220))
        .map(|i| {
            let t = i as f64 / rate;
            let envelope = (t / 0.008).min(1.0) * (-t / 0.07).exp();
            let tone = 0.8 * (2.0 * PI * 880.0 * t).sin() + 0.3 * (2.0 * PI * 1760.0 * t).sin();
            (tone * envelope) as f32
        })
        .collect()
}

/// A spoken digit with its own rate and gain, at the speech level.
fn spoken<R: Rng + ?Sized>(
    rng: &mut R,
    language: Language,
    voice: Voice,
    digit: u8,
) -> Result<Vec<f32>, CaptchaError> {
    let raw = voices::samples(language, voice, digit);
    if raw.is_empty() {
        return Err(CaptchaError::Audio);
    }
    let rate = uniform(rng, 0.90, 1.12);
    let gain = (SPEECH_RMS * uniform(rng, 0.8, 1.12)) as f32;
    let mut out = resample(&unit_rms(raw), rate);
    for v in &mut out {
        *v *= gain;
    }
    Ok(out)
}

/// The chimes and digits in order, each after its pause.
fn speech<R: Rng + ?Sized>(
    answer: &CaptchaAnswer,
    rng: &mut R,
) -> Result<Vec<Placed>, CaptchaError> {
    let mut placed = Vec::with_capacity(2 + 2 * super::DIGITS);
    for (language, first_pause) in [
        (Language::Mandarin, LEAD),
        (Language::English, BEFORE_ENGLISH),
    ] {
        let voice = pick_voice(rng);
        let gap = draw_gap(rng, first_pause);
        placed.push(Placed {
            pause: first_pause,
            gap,
            sound: chime(),
        });
        for (i, d) in answer.0.iter().enumerate() {
            let pause = if i == 0 { AFTER_CHIME } else { BETWEEN };
            let gap = draw_gap(rng, pause);
            let sound = spoken(rng, language, voice, d.wrapping_sub(b'0'))?;
            placed.push(Placed { pause, gap, sound });
        }
    }
    Ok(placed)
}

/// Shortens the pauses, each in proportion to how far it was drawn above its minimum, until
/// everything fits in [`SAMPLES`] with the tail.
fn fit(placed: &mut [Placed]) -> Result<(), CaptchaError> {
    let needed: usize = placed.iter().map(|p| p.gap + p.sound.len()).sum::<usize>() + ms(TAIL_MS);
    let Some(over) = needed.checked_sub(SAMPLES).filter(|&o| o > 0) else {
        return Ok(());
    };
    let slack: usize = placed
        .iter()
        .map(|p| p.gap.saturating_sub(ms(p.pause.min)))
        .sum();
    if over > slack {
        return Err(CaptchaError::Audio);
    }
    for p in placed {
        let room = p.gap.saturating_sub(ms(p.pause.min));
        // Rounded up, so the cuts add up to at least `over`; never more than `room`.
        let cut = room.saturating_mul(over).div_ceil(slack.max(1)).min(room);
        p.gap -= cut;
    }
    Ok(())
}

/// Babble: layers of reversed digits of both languages, overlapping, through the whole clip.
fn babble<R: Rng + ?Sized>(rng: &mut R, buf: &mut [f32]) {
    let level = SPEECH_RMS * uniform(rng, 0.125, 0.17);
    for _ in 0..BABBLE_LAYERS {
        let mut at = -(below(rng, ms(400) as u32) as isize);
        // Each round moves on by at least 100 ms (in practice by a whole digit, 200 ms or
        // more); the bound only guards the loop.
        for _ in 0..(DURATION_MS / 100 + 8) {
            if at >= buf.len() as isize {
                break;
            }
            let language = if below(rng, 2) == 0 {
                Language::Mandarin
            } else {
                Language::English
            };
            let voice = pick_voice(rng);
            let digit = below(rng, 10) as u8;
            let mut sound = unit_rms(voices::samples(language, voice, digit));
            sound.reverse();
            let sound = resample(&sound, uniform(rng, 0.80, 1.25));
            let gain = (level * uniform(rng, 0.7, 1.1)) as f32;
            mix_into(buf, at, &sound, gain);
            let step = sound.len() + below(rng, ms(100) as u32) as usize;
            at += step.max(ms(100)) as isize;
        }
    }
}

/// Pink noise (Paul Kellet's economical filter over white noise), high-passed, at an RMS of
/// `level`.
fn pink<R: Rng + ?Sized>(rng: &mut R, buf: &mut [f32], level: f64) {
    let (mut b0, mut b1, mut b2) = (0.0f64, 0.0f64, 0.0f64);
    // A one-pole high-pass (about 60 Hz) keeps the rumble, useless to mask speech, out.
    let (mut last_in, mut last_out) = (0.0f64, 0.0f64);
    let noise: Vec<f64> = (0..buf.len())
        .map(|_| {
            let white = uniform(rng, -1.0, 1.0);
            b0 = 0.99765 * b0 + white * 0.099_046_0;
            b1 = 0.96300 * b1 + white * 0.296_516_4;
            b2 = 0.57000 * b2 + white * 1.052_691_3;
            let pink = b0 + b1 + b2 + white * 0.1848;
            last_out = 0.955 * (last_out + pink - last_in);
            last_in = pink;
            last_out
        })
        .collect();
    let n = noise.len().max(1) as f64;
    let rms = (noise.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
    if rms > 1e-9 {
        for (b, v) in buf.iter_mut().zip(&noise) {
            *b += (v / rms * level) as f32;
        }
    }
}

/// The clip as 16-bit samples.
fn render<R: Rng + ?Sized>(answer: &CaptchaAnswer, rng: &mut R) -> Result<Vec<i16>, CaptchaError> {
    let mut placed = speech(answer, rng)?;
    fit(&mut placed)?;
    let mut mix = vec![0f32; SAMPLES];
    let mut at = 0usize;
    for p in &placed {
        at += p.gap;
        mix_into(&mut mix, at as isize, &p.sound, 1.0);
        at += p.sound.len();
    }
    babble(rng, &mut mix);
    let pink_level = SPEECH_RMS * uniform(rng, 0.05, 0.1);
    pink(rng, &mut mix, pink_level);

    let peak = mix.iter().fold(0f32, |m, v| m.max(v.abs()));
    if !(peak.is_finite() && peak > 1e-6) {
        return Err(CaptchaError::Audio);
    }
    let scale = PEAK * 32767.0 / f64::from(peak);
    Ok(mix
        .iter()
        .map(|&v| (f64::from(v) * scale).round().clamp(-32768.0, 32767.0) as i16)
        .collect())
}

/// A RIFF WAVE file: PCM, 16-bit, mono, [`SAMPLE_RATE`] Hz; the `fmt ` and `data` chunks only.
fn encode(samples: &[i16]) -> Result<Vec<u8>, CaptchaError> {
    let data_len = u32::try_from(samples.len() * 2).map_err(|_| CaptchaError::Audio)?;
    let riff_len = data_len.checked_add(36).ok_or(CaptchaError::Audio)?;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&riff_len.to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // bytes a second
    out.extend_from_slice(&2u16.to_le_bytes()); // bytes a frame
    out.extend_from_slice(&16u16.to_le_bytes()); // bits a sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_shape_and_scales_length() {
        let ramp: Vec<f32> = (0..101).map(|i| i as f32 / 100.0).collect();
        let slow = resample(&ramp, 0.5);
        assert_eq!(slow.len(), 201);
        assert!((slow[100] - 0.5).abs() < 1e-5);
        assert!((slow[101] - 0.505).abs() < 1e-4);
        let fast = resample(&ramp, 2.0);
        assert_eq!(fast.len(), 51);
        assert!(resample(&[], 1.0).is_empty());
        assert_eq!(resample(&[0.5], 1.3), vec![0.5]);
        assert_eq!(resample(&ramp, f64::NAN).len(), ramp.len());
    }

    #[test]
    fn mixing_cuts_at_both_ends() {
        let mut buf = vec![0f32; 4];
        mix_into(&mut buf, -2, &[1.0, 2.0, 3.0, 4.0], 1.0);
        assert_eq!(buf, vec![3.0, 4.0, 0.0, 0.0]);
        mix_into(&mut buf, 3, &[1.0, 2.0], 2.0);
        assert_eq!(buf, vec![3.0, 4.0, 0.0, 2.0]);
        mix_into(&mut buf, 10, &[1.0], 1.0);
        assert_eq!(buf, vec![3.0, 4.0, 0.0, 2.0]);
    }

    #[test]
    fn the_longest_possible_speech_fits() {
        // Every digit at its longest voice and slowest rate, every pause at its minimum.
        let longest = |language| {
            (0..10u8)
                .flat_map(|d| VOICES.map(|v| voices::samples(language, v, d).len()))
                .max()
                .unwrap_or(0)
        };
        let slow = |n: usize| (n as f64 / 0.90).ceil() as usize + 1;
        let digits = 5 * slow(longest(Language::Mandarin)) + 5 * slow(longest(Language::English));
        let pauses = ms(LEAD.min)
            + 2 * ms(AFTER_CHIME.min)
            + 8 * ms(BETWEEN.min)
            + ms(BEFORE_ENGLISH.min)
            + ms(TAIL_MS);
        let needed = digits + pauses + 2 * chime().len();
        assert!(needed <= SAMPLES, "{needed} > {SAMPLES}");
    }

    #[test]
    fn fitting_shortens_pauses_only_as_needed() {
        let mut placed: Vec<Placed> = (0..4)
            .map(|_| Placed {
                pause: BETWEEN,
                gap: ms(BETWEEN.max),
                sound: vec![0.0; SAMPLES / 5],
            })
            .collect();
        fit(&mut placed).unwrap();
        let total: usize = placed.iter().map(|p| p.gap + p.sound.len()).sum();
        assert!(total + ms(TAIL_MS) <= SAMPLES);
        assert!(placed.iter().all(|p| p.gap >= ms(BETWEEN.min)));
        // Too long even with the shortest pauses.
        placed[0].sound = vec![0.0; SAMPLES];
        assert!(fit(&mut placed).is_err());
    }

    #[test]
    fn the_header_is_canonical() {
        let w = encode(&[1, -2]).unwrap();
        assert_eq!(w.len(), 48);
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(u32::from_le_bytes([w[4], w[5], w[6], w[7]]), 40);
        assert_eq!(&w[36..40], b"data");
        assert_eq!(&w[44..], &[1, 0, 0xFE, 0xFF]);
    }
}
