//! The spoken digits embedded in the crate: `assets/captcha/{cmn,en}-{m,f}/0.ul` … `9.ul`,
//! made by `scripts/captcha-voices.sh` (espeak-ng, then sox: trimmed, peak-normalised to
//! -1 dBFS, 8000 samples a second, G.711 µ-law, no header). About 125 KB in all.

/// Sample rate of the embedded digits, in hertz.
pub(super) const RATE: u32 = 8000;

/// The language a digit is spoken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    /// Mandarin: 零 一 二 三 四 五 六 七 八 九.
    Mandarin,
    /// English: zero … nine.
    English,
}

/// One of the two synthetic voices of each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Voice {
    /// espeak-ng's default voice.
    Low,
    /// espeak-ng's "f3" variant.
    High,
}

/// Both voices, for drawing one at random.
pub(super) const VOICES: [Voice; 2] = [Voice::Low, Voice::High];

/// The ten digit files of one voice directory, in digit order.
macro_rules! digits {
    ($dir:literal) => {
        [
            include_bytes!(concat!("../../assets/captcha/", $dir, "/0.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/1.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/2.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/3.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/4.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/5.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/6.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/7.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/8.ul")),
            include_bytes!(concat!("../../assets/captcha/", $dir, "/9.ul")),
        ]
    };
}

const CMN_LOW: [&[u8]; 10] = digits!("cmn-m");
const CMN_HIGH: [&[u8]; 10] = digits!("cmn-f");
const EN_LOW: [&[u8]; 10] = digits!("en-m");
const EN_HIGH: [&[u8]; 10] = digits!("en-f");

/// The µ-law bytes of a digit (0–9) in a language and voice; empty for a digit above 9.
pub(super) fn encoded(language: Language, voice: Voice, digit: u8) -> &'static [u8] {
    let table = match (language, voice) {
        (Language::Mandarin, Voice::Low) => &CMN_LOW,
        (Language::Mandarin, Voice::High) => &CMN_HIGH,
        (Language::English, Voice::Low) => &EN_LOW,
        (Language::English, Voice::High) => &EN_HIGH,
    };
    table.get(usize::from(digit)).copied().unwrap_or(&[])
}

/// A digit (0–9) as samples in `[-1, 1]` at [`RATE`]; empty for a digit above 9.
pub(super) fn samples(language: Language, voice: Voice, digit: u8) -> Vec<f32> {
    encoded(language, voice, digit)
        .iter()
        .map(|&b| f32::from(ulaw_to_linear(b)) / 32768.0)
        .collect()
}

/// G.711 µ-law to 16-bit linear PCM (ITU-T G.711, as sox and every telephone decode it).
fn ulaw_to_linear(byte: u8) -> i16 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let mantissa = i16::from(u & 0x0F);
    // At most ((15 << 3) + 0x84) << 7 = 32_640: fits in i16.
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    if u & 0x80 != 0 { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulaw_decodes_like_g711() {
        // Silence, the extremes and a few codes in between (values from the G.711 tables).
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(ulaw_to_linear(0x7F), 0);
        assert_eq!(ulaw_to_linear(0x80), 32_124);
        assert_eq!(ulaw_to_linear(0x00), -32_124);
        assert_eq!(ulaw_to_linear(0xFE), 8);
        assert_eq!(ulaw_to_linear(0x7E), -8);
        assert_eq!(ulaw_to_linear(0xEF), 132);
        // Every code decodes without overflow, and the decoding is odd-symmetric.
        for b in 0..=0x7Fu8 {
            assert_eq!(ulaw_to_linear(b), -ulaw_to_linear(b | 0x80));
        }
    }

    #[test]
    fn every_digit_of_every_voice_is_present_and_not_silent() {
        for language in [Language::Mandarin, Language::English] {
            for voice in VOICES {
                for digit in 0..10u8 {
                    let s = samples(language, voice, digit);
                    let secs = s.len() as f32 / RATE as f32;
                    assert!(
                        (0.15..0.7).contains(&secs),
                        "{language:?} {voice:?} {digit}: {secs} s"
                    );
                    let peak = s.iter().fold(0f32, |m, x| m.max(x.abs()));
                    let rms = (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt();
                    // Peak-normalised to -1 dBFS by the script; speech, not a click.
                    assert!(peak > 0.8, "{language:?} {voice:?} {digit}: peak {peak}");
                    assert!(rms > 0.05, "{language:?} {voice:?} {digit}: rms {rms}");
                }
                assert!(samples(language, voice, 10).is_empty());
            }
        }
        // The two voices differ.
        assert_ne!(
            encoded(Language::English, Voice::Low, 7),
            encoded(Language::English, Voice::High, 7)
        );
    }

    #[test]
    fn the_assets_stay_small() {
        let total: usize = [Language::Mandarin, Language::English]
            .iter()
            .flat_map(|&l| VOICES.iter().map(move |&v| (l, v)))
            .flat_map(|(l, v)| (0..10u8).map(move |d| encoded(l, v, d).len()))
            .sum();
        assert!(total < 200_000, "{total} bytes");
    }
}
