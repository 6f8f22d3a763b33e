//! QR codes decode back to their payload (with the `rqrr` decoder); captchas are deterministic
//! for a seeded RNG, varied otherwise, and readable PNGs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use rand::SeedableRng;
use rand::rngs::StdRng;
use twnhi_notify::captcha::{DIGITS, HEIGHT, WIDTH};
use twnhi_notify::{Captcha, CaptchaAnswer, Lang, QrCode, QrError, TerminalColors};

/// Decodes a greyscale PNG into (width, height, pixels).
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

fn rqrr_decode(w: usize, h: usize, pixels: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    img.detect_grids()
        .into_iter()
        .map(|g| g.decode().unwrap().1)
        .collect()
}

#[test]
fn png_decodes_back_to_the_payload() {
    for payload in [
        "3w21G7yR",
        "3Cp2R25w",
        "twnhi:device?code=3w21G7yR&exp=2020-10-27T16:46:50%2B08:00",
        "健保卡網路服務註冊",
        &"x".repeat(300),
    ] {
        let qr = QrCode::new(payload).unwrap();
        for px in [3, 6] {
            let (w, h, pixels) = decode_png(&qr.to_png(px).unwrap());
            assert_eq!(w, h);
            assert_eq!(w, (qr.width() + 8) * px as usize);
            assert_eq!(
                rqrr_decode(w, h, &pixels),
                vec![payload.to_owned()],
                "{payload} at {px}px"
            );
        }
    }
}

/// Rasterises our own SVG (unit squares from the path) and decodes it.
#[test]
fn svg_decodes_back_to_the_payload() {
    let payload = "3w21G7yR";
    let qr = QrCode::new(payload).unwrap();
    let svg = qr.to_svg();
    assert!(svg.contains("role=\"img\""));
    let side = qr.width() + 8;
    assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let scale = 4;
    let w = side * scale;
    let mut pixels = vec![255u8; w * w];
    for square in d.split('M').filter(|s| !s.is_empty()) {
        let coords: Vec<usize> = square
            .trim_end_matches("h1v1h-1z")
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        for dy in 0..scale {
            for dx in 0..scale {
                pixels[(coords[1] * scale + dy) * w + coords[0] * scale + dx] = 0;
            }
        }
    }
    assert_eq!(rqrr_decode(w, w, &pixels), vec![payload.to_owned()]);
}

/// Reads the half-block drawing back into modules and decodes it.
#[test]
fn terminal_rendering_decodes_back_to_the_payload() {
    let payload = "3Cp2R25w";
    let qr = QrCode::new(payload).unwrap();
    for colors in [
        TerminalColors::DarkBackground,
        TerminalColors::LightBackground,
    ] {
        let text = qr.to_terminal(colors);
        let side = qr.width() + 8;
        let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        assert_eq!(lines.len(), side.div_ceil(2));
        assert!(lines.iter().all(|l| l.len() == side));
        let scale = 4;
        let w = side * scale;
        let mut pixels = vec![255u8; w * w];
        for (row, line) in lines.iter().enumerate() {
            for (x, c) in line.iter().enumerate() {
                let (top, bottom) = match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    ' ' => (false, false),
                    other => panic!("unexpected {other:?}"),
                };
                for (half, ink) in [(0, top), (1, bottom)] {
                    let y = row * 2 + half;
                    if y >= side {
                        continue;
                    }
                    let dark = match colors {
                        TerminalColors::DarkBackground => !ink,
                        TerminalColors::LightBackground => ink,
                    };
                    if dark {
                        for dy in 0..scale {
                            for dx in 0..scale {
                                pixels[(y * scale + dy) * w + x * scale + dx] = 0;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(
            rqrr_decode(w, w, &pixels),
            vec![payload.to_owned()],
            "{colors:?}"
        );
    }
}

#[test]
fn qr_refusals() {
    assert!(matches!(QrCode::new(""), Err(QrError::Empty)));
    assert!(matches!(
        QrCode::new(&"x".repeat(5000)),
        Err(QrError::TooLong)
    ));
    let qr = QrCode::new("x").unwrap();
    assert!(matches!(qr.to_png(0), Err(QrError::BadSize)));
    assert!(matches!(qr.to_png(65), Err(QrError::BadSize)));
    assert!(!qr.is_dark(qr.width(), 0));
}

#[test]
fn captcha_is_deterministic_for_a_seed_and_varies_otherwise() {
    let a = Captcha::generate(&mut StdRng::seed_from_u64(1)).unwrap();
    let b = Captcha::generate(&mut StdRng::seed_from_u64(1)).unwrap();
    assert_eq!(a.answer(), b.answer());
    assert_eq!(a.png(), b.png());
    let c = Captcha::generate(&mut StdRng::seed_from_u64(2)).unwrap();
    assert_ne!(a.png(), c.png());
    // The same answer drawn twice looks different (【變更圖片】).
    let answer = CaptchaAnswer::parse("92220").unwrap();
    let d1 = Captcha::draw(answer.clone(), &mut StdRng::seed_from_u64(3)).unwrap();
    let d2 = Captcha::draw(answer.clone(), &mut StdRng::seed_from_u64(4)).unwrap();
    assert_ne!(d1.png(), d2.png());
    assert_eq!(d1.answer(), &answer);
}

#[test]
fn captcha_answers_are_uniform_digits() {
    let mut rng = StdRng::seed_from_u64(9);
    let mut counts = [0u32; 10];
    for _ in 0..2000 {
        let a = CaptchaAnswer::random(&mut rng);
        assert_eq!(a.as_str().len(), DIGITS);
        for b in a.as_str().bytes() {
            counts[usize::from(b - b'0')] += 1;
        }
    }
    // 10 000 digits: each about 1 000.
    for (d, n) in counts.iter().enumerate() {
        assert!((850..1150).contains(n), "digit {d}: {n}");
    }
}

#[test]
fn captcha_png_is_a_noisy_greyscale_image_with_ink() {
    let c = Captcha::generate(&mut StdRng::seed_from_u64(5)).unwrap();
    let (w, h, pixels) = decode_png(c.png());
    assert_eq!((w, h), (WIDTH as usize, HEIGHT as usize));
    let dark = pixels.iter().filter(|p| **p < 100).count();
    let light = pixels.iter().filter(|p| **p > 200).count();
    // Digits and noise draw ink, but the background dominates.
    assert!(dark > w * h / 20, "dark {dark}");
    assert!(light > w * h / 2, "light {light}");
    // Ink in each fifth of the width (one digit each).
    for i in 0..DIGITS {
        let (x0, x1) = (10 + i * 28, 10 + (i + 1) * 28);
        let ink = (0..h)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| pixels[y * w + x] < 100)
            .count();
        assert!(ink > 60, "digit {i} has {ink} dark pixels");
    }
}

#[test]
fn captcha_texts_point_to_the_audio_alternative_without_the_answer() {
    let c = Captcha::draw(
        CaptchaAnswer::parse("37195").unwrap(),
        &mut StdRng::seed_from_u64(6),
    )
    .unwrap();
    assert!(c.answer().matches("37195"));
    assert!(Captcha::alt_text(Lang::ZhTw).contains("語音驗證碼"));
    for lang in [Lang::ZhTw, Lang::En] {
        assert!(!Captcha::alt_text(lang).contains(|ch: char| ch.is_ascii_digit()));
        assert!(!Captcha::audio_instructions(lang).contains(|ch: char| ch.is_ascii_digit()));
    }
    assert!(!format!("{c:?}").contains("37195"));
}
