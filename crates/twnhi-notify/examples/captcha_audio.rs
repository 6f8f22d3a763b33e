//! Writes an audio captcha to a WAV file, to listen to it.
//!
//! ```text
//! cargo run -p twnhi-notify --example captcha_audio -- [ANSWER] [FILE]
//! ```
//!
//! ANSWER is five digits (random if left out, empty or `-`); FILE defaults to `captcha.wav` in the system's
//! temporary directory. The path written is printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;

use twnhi_notify::{Captcha, CaptchaAnswer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut rng = rand::rng();
    let answer = match args.next().filter(|a| !a.is_empty() && a != "-") {
        Some(a) => CaptchaAnswer::parse(&a)?,
        None => CaptchaAnswer::random(&mut rng),
    };
    let path = args
        .next()
        .map_or_else(|| std::env::temp_dir().join("captcha.wav"), PathBuf::from);
    let captcha = Captcha::draw(answer, &mut rng)?;
    std::fs::write(&path, captcha.audio(&mut rng)?)?;
    println!("{} ({})", path.display(), captcha.answer().as_str());
    Ok(())
}
