//! The audio captcha: a well-formed WAV of fixed size, deterministic for a seed, with the
//! structure a listener relies on (a chime, five digits, a chime, five digits, each standing
//! out of the noise); and no text of the captcha gives the answer away.
//!
//! To listen to one: `cargo run -p twnhi-notify --example captcha_audio -- 37195 out.wav`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use twnhi_notify::captcha::audio::{self, DURATION_MS, SAMPLE_RATE, SAMPLES, WAV_BYTES};
use twnhi_notify::{Captcha, CaptchaAnswer, Lang};

fn clip(answer: &str, seed: u64) -> Vec<u8> {
    let captcha = Captcha::draw(
        CaptchaAnswer::parse(answer).unwrap(),
        &mut StdRng::seed_from_u64(seed),
    )
    .unwrap();
    captcha.audio(&mut StdRng::seed_from_u64(seed)).unwrap()
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Checks the RIFF header and returns the samples in `[-1, 1]`.
fn parse_wav(wav: &[u8]) -> Vec<f32> {
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(u32_at(wav, 4) as usize, wav.len() - 8);
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(&wav[12..16], b"fmt ");
    assert_eq!(u32_at(wav, 16), 16, "fmt chunk size");
    assert_eq!(u16_at(wav, 20), 1, "PCM");
    assert_eq!(u16_at(wav, 22), 1, "mono");
    assert_eq!(u32_at(wav, 24), SAMPLE_RATE);
    assert_eq!(u32_at(wav, 28), SAMPLE_RATE * 2, "byte rate");
    assert_eq!(u16_at(wav, 32), 2, "block align");
    assert_eq!(u16_at(wav, 34), 16, "bits a sample");
    assert_eq!(&wav[36..40], b"data");
    assert_eq!(u32_at(wav, 40) as usize, wav.len() - 44);
    wav[44..]
        .chunks_exact(2)
        .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) / 32768.0)
        .collect()
}

/// A sound found by the energy segmentation: start and end, in seconds.
#[derive(Debug)]
struct Segment {
    start: f32,
    end: f32,
}

/// Frame length and hop of the segmentation: 20 ms frames every 10 ms.
const FRAME: usize = 160;
const HOP: usize = 80;

/// A simple energy segmentation, as a listener hears the clip: frames louder than the
/// geometric mean of the noise floor (20th percentile of the frame levels) and the speech
/// level (99th percentile) are sound; sounds less than 150 ms apart are one; blips under
/// 60 ms are dropped. Returns the sounds, the floor and the threshold.
fn segments(samples: &[f32]) -> (Vec<Segment>, f32, f32) {
    let levels: Vec<f32> = samples
        .windows(FRAME)
        .step_by(HOP)
        .map(|w| (w.iter().map(|v| v * v).sum::<f32>() / FRAME as f32).sqrt())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let pct = |q: f32| sorted[((sorted.len() - 1) as f32 * q) as usize];
    let (floor, loud) = (pct(0.2), pct(0.99));
    let threshold = (floor * loud).sqrt();
    let secs = |frame: usize| (frame * HOP) as f32 / SAMPLE_RATE as f32;

    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, &l) in levels.iter().chain([0.0].iter()).enumerate() {
        match (l > threshold, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for r in runs {
        match merged.last_mut() {
            Some(last) if secs(r.0 - last.1) < 0.15 => last.1 = r.1,
            _ => merged.push(r),
        }
    }
    let found = merged
        .into_iter()
        .filter(|&(s, e)| secs(e - s) >= 0.06)
        .map(|(s, e)| Segment {
            start: secs(s),
            end: secs(e) + FRAME as f32 / SAMPLE_RATE as f32,
        })
        .collect();
    (found, floor, threshold)
}

/// Chime, five Mandarin digits, chime, five English digits: twelve sounds out of the noise.
fn assert_structure(answer: &str, seed: u64) {
    let samples = parse_wav(&clip(answer, seed));
    let (found, floor, threshold) = segments(&samples);
    assert_eq!(
        found.len(),
        12,
        "{answer} seed {seed}: floor {floor:.4}, threshold {threshold:.4}, {found:#?}"
    );
    // The sounds stand well above the noise floor (threshold ≥ 2 × floor, 6 dB).
    assert!(
        threshold > 2.0 * floor,
        "{answer} seed {seed}: {floor} {threshold}"
    );
    // Ordered, separated, and within the clip.
    for pair in found.windows(2) {
        assert!(
            pair[1].start > pair[0].end,
            "{answer} seed {seed}: {found:#?}"
        );
    }
    let last = found.last().unwrap();
    assert!(last.end <= DURATION_MS as f32 / 1000.0);
    // The digits are the length of spoken words, not clicks or drones.
    for (i, s) in found.iter().enumerate() {
        let len = s.end - s.start;
        if i != 0 && i != 6 {
            assert!(
                (0.12..0.9).contains(&len),
                "{answer} seed {seed}: {i} {s:?}"
            );
        }
    }
}

#[test]
fn the_clip_is_a_pcm_wav_of_fixed_size_and_length() {
    for (answer, seed) in [("37195", 1), ("00000", 2), ("98765", 3)] {
        let wav = clip(answer, seed);
        assert_eq!(wav.len(), WAV_BYTES);
        let samples = parse_wav(&wav);
        assert_eq!(samples.len(), SAMPLES);
        let secs = samples.len() as f32 / SAMPLE_RATE as f32;
        assert!((5.0..=10.0).contains(&secs), "{secs} s");
        assert!(wav.len() < 250_000);
        // Normalised to -1 dBFS: loud enough, never clipped.
        let peak = samples.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!((0.85..0.9).contains(&peak), "peak {peak}");
        // Noise everywhere: no stretch of digital silence a script could cut at.
        let silent = samples
            .windows(FRAME)
            .step_by(FRAME)
            .filter(|w| w.iter().all(|v| v.abs() < 0.002))
            .count();
        assert_eq!(silent, 0);
    }
    assert_eq!(audio::MEDIA_TYPE, "audio/wav");
    assert_eq!(WAV_BYTES, 153_644);
}

#[test]
fn a_seed_gives_the_same_bytes_and_other_seeds_other_bytes() {
    let answer = CaptchaAnswer::parse("37195").unwrap();
    let a = audio::wav(&answer, &mut StdRng::seed_from_u64(11)).unwrap();
    let b = audio::wav(&answer, &mut StdRng::seed_from_u64(11)).unwrap();
    assert_eq!(a, b);
    let c = audio::wav(&answer, &mut StdRng::seed_from_u64(12)).unwrap();
    assert_ne!(a, c);
    // Same as through the captcha.
    let captcha = Captcha::draw(answer.clone(), &mut StdRng::seed_from_u64(1)).unwrap();
    assert_eq!(captcha.audio(&mut StdRng::seed_from_u64(11)).unwrap(), a);
    // Another answer with the same seed differs too, at the same size.
    let other = CaptchaAnswer::parse("37196").unwrap();
    let d = audio::wav(&other, &mut StdRng::seed_from_u64(11)).unwrap();
    assert_ne!(a, d);
    assert_eq!(a.len(), d.len());
}

#[test]
fn a_listener_hears_a_chime_and_five_digits_twice() {
    for seed in 0..24 {
        let answer = CaptchaAnswer::random(&mut StdRng::seed_from_u64(1000 + seed));
        assert_structure(answer.as_str(), seed);
    }
}

#[test]
fn every_digit_is_heard_in_both_languages() {
    for d in 0..10 {
        let answer: String = std::iter::repeat_n(char::from(b'0' + d), 5).collect();
        for seed in 0..2 {
            assert_structure(&answer, u64::from(d) * 10 + seed);
        }
    }
}

const FIGURES: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '０', '１', '２', '３', '４', '５', '６',
    '７', '８', '９', '〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '兩', '壹',
    '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖',
];
const WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

fn assert_names_no_digit(text: &str) {
    assert!(!text.contains(FIGURES), "{text}");
    let lower = text.to_lowercase();
    for w in WORDS {
        assert!(!lower.contains(w), "{w} in {text}");
    }
}

#[test]
fn no_text_of_the_captcha_gives_the_answer_away() {
    for lang in [Lang::ZhTw, Lang::En] {
        assert_names_no_digit(Captcha::alt_text(lang));
        assert_names_no_digit(Captcha::audio_instructions(lang));
    }
    assert!(Captcha::alt_text(Lang::ZhTw).contains("語音驗證碼"));
    assert!(Captcha::alt_text(Lang::En).contains("audio captcha"));
    let captcha = Captcha::draw(
        CaptchaAnswer::parse("37195").unwrap(),
        &mut StdRng::seed_from_u64(5),
    )
    .unwrap();
    assert!(!format!("{captcha:?}").contains("37195"));
    assert_eq!(format!("{:?}", captcha.answer()), "CaptchaAnswer(…)");
    // The clip carries no text chunk: the `data` chunk follows the `fmt ` chunk directly.
    let wav = captcha.audio(&mut StdRng::seed_from_u64(5)).unwrap();
    assert_eq!(&wav[36..40], b"data");
    assert_eq!(u32_at(&wav, 40) as usize, wav.len() - 44);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_answer_and_seed_give_a_clip(n in 0u32..100_000, seed in any::<u64>()) {
        let answer = CaptchaAnswer::parse(&format!("{n:05}")).unwrap();
        let wav = audio::wav(&answer, &mut StdRng::seed_from_u64(seed)).unwrap();
        prop_assert_eq!(wav.len(), WAV_BYTES);
        prop_assert_eq!(&wav[..4], b"RIFF");
    }
}
