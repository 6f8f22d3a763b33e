//! `twnhi mail render`, `twnhi mail send-test` and `twnhi qr`: thin commands over
//! `twnhi-notify`.
//!
//! ```text
//! $ twnhi mail render all --out previews
//! previews/confirmation.eml
//! previews/completion.eml
//! …
//! $ twnhi mail render deleted --lang en
//! ./deleted.en.eml
//! $ TWNHI_SMTP_URL='smtp://127.0.0.1:2525?tls=none' twnhi mail send-test --to test.one@example.com
//! 已寄出 sent: <twnhi.send-test-…@twnhi.example> smtp://127.0.0.1:2525 250 …
//! $ twnhi qr 3w21G7yR --png code.png
//! ```
//!
//! Exit codes: 0 done, 2 bad usage or input, 3 environment (SMTP server unreachable, refusing
//! or timing out; a file that cannot be written), 1 anything else. Errors are one bilingual
//! line on stderr.

use crate::exit;
use crate::texts;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use twnhi_account::Email;
use twnhi_account::messages::Lang;
use twnhi_notify::preview::{self, PreviewError};
use twnhi_notify::{
    LetterKind, LetterLangs, MailError, Mailer as _, MessageId, QrCode, Sender, SmtpConfig,
    SmtpMailer, TerminalColors,
};

/// Arguments of `twnhi mail render`.
#[derive(clap::Args, Debug)]
pub struct MailRenderArgs {
    /// The letter to preview: confirmation, completion, password-reset, cancellation,
    /// deleted, email-changed, password-changed, or `all`.
    #[arg(value_name = "LETTER")]
    pub letter: String,

    /// Only this language (`zh-TW` or `en`). Without it the preview is
    /// bilingual, zh-TW first, exactly as the letter is sent.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,

    /// Directory for the `.eml` files (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// Arguments of `twnhi mail send-test`.
#[derive(clap::Args, Debug)]
pub struct MailSendTestArgs {
    /// The SMTP server: `smtp://host[:port]` (STARTTLS, required),
    /// `smtps://host[:port]` (implicit TLS), `smtp://127.0.0.1:2525?tls=none` (plain, loopback
    /// only); `user:password@` for AUTH; `?timeout=SECONDS`. Prefer the environment variable
    /// to keep a password out of the process list.
    #[arg(
        long,
        value_name = "URL",
        env = "TWNHI_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp: String,

    /// The recipient.
    #[arg(long, value_name = "ADDR")]
    pub to: String,

    /// The letter to send (sample data).
    #[arg(long, value_name = "LETTER", default_value = "confirmation")]
    pub letter: String,

    /// The sender address (shown with the name of the NHI Administration).
    #[arg(long, value_name = "ADDR", default_value = preview::SAMPLE_SENDER)]
    pub from: String,

    /// An extra root certificate (PEM) to trust, for a relay with a private CA.
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// Arguments of `twnhi qr`.
#[derive(clap::Args, Debug)]
pub struct QrArgs {
    /// The text to encode (e.g. a device verification code).
    #[arg(value_name = "TEXT")]
    pub text: String,

    /// Write a PNG image to FILE instead of drawing in the terminal.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,

    /// Write an SVG image to FILE instead of drawing in the terminal.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,

    /// Draw for a terminal with a light background (default: dark background).
    #[arg(long)]
    pub light: bool,

    /// Pixels per module of the PNG.
    #[arg(long, value_name = "PX", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub scale: u32,
}

/// `all` or one letter.
fn parse_kinds(s: &str) -> Result<Vec<LetterKind>, ExitCode> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(LetterKind::ALL.to_vec());
    }
    s.parse::<LetterKind>()
        .map(|k| vec![k])
        .map_err(|e| exit::report(exit::USAGE, e))
}

fn parse_langs(s: Option<&str>) -> Result<LetterLangs, ExitCode> {
    match s {
        None => Ok(LetterLangs::Both),
        Some(v) if v.trim().eq_ignore_ascii_case("both") => Ok(LetterLangs::Both),
        Some(v) => v
            .parse::<Lang>()
            .map(LetterLangs::Only)
            .map_err(|e| exit::report(exit::USAGE, format!("{e} (zh-TW, en)"))),
    }
}

/// `twnhi mail render LETTER [--lang zh-TW|en] [--out DIR]`: writes `.eml` previews with
/// sample data and prints their paths.
#[allow(clippy::print_stdout)]
pub fn mail_render(args: &MailRenderArgs) -> ExitCode {
    let kinds = match parse_kinds(&args.letter) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let langs = match parse_langs(args.lang.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    match preview::write_previews(&args.out, &kinds, langs) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::from(exit::OK)
        }
        Err(e @ PreviewError::Io { .. }) => exit::report(exit::ENVIRONMENT, e),
        Err(e) => exit::report(exit::FAILURE, e),
    }
}

fn mail_error_code(e: &MailError) -> u8 {
    match e {
        MailError::InvalidAddress { .. } => exit::USAGE,
        MailError::Rejected { .. }
        | MailError::Transient { .. }
        | MailError::Timeout { .. }
        | MailError::Connect { .. }
        | MailError::Tls { .. }
        | MailError::Auth { .. }
        | MailError::Io { .. } => exit::ENVIRONMENT,
        _ => exit::FAILURE,
    }
}

/// `twnhi mail send-test --smtp URL --to ADDR [--letter L] [--from ADDR]`: sends one sample
/// letter over SMTP (its own single-threaded tokio runtime) and prints the server's answer.
#[allow(clippy::print_stdout)]
pub fn mail_send_test(args: &MailSendTestArgs) -> ExitCode {
    let kind = match args.letter.parse::<LetterKind>() {
        Ok(k) => k,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let to = match Email::parse(&args.to) {
        Ok(a) => a,
        Err(e) => return exit::report(exit::USAGE, format!("--to: {e}")),
    };
    let from = match Email::parse(&args.from) {
        Ok(a) => a,
        Err(e) => return exit::report(exit::USAGE, format!("--from: {e}")),
    };
    let mut config = match SmtpConfig::from_url(&args.smtp) {
        Ok(c) => c,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    if let Some(path) = &args.ca_cert {
        match std::fs::read(path) {
            Ok(pem) => config = config.with_root_certificate_pem(&pem),
            Err(e) => {
                return exit::report(
                    exit::ENVIRONMENT,
                    format!(
                        "{}: {e}",
                        texts::both_with(
                            "cli-cannot-read",
                            &[("path", path.display().to_string().into())]
                        )
                    ),
                );
            }
        }
    }
    let mailer = match SmtpMailer::new(&config) {
        Ok(m) => m,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let sender = Sender::new(from);
    let letter = match preview::render_sample(kind, LetterLangs::Both) {
        Ok(l) => l,
        Err(e) => return exit::report(exit::FAILURE, e),
    };
    let now = chrono::Utc::now();
    let key = format!(
        "send-test-{}-{}",
        now.format("%Y%m%d%H%M%S%f"),
        std::process::id()
    );
    let mail = match MessageId::for_key(&key, sender.address().domain())
        .and_then(|id| twnhi_notify::compose(&letter, &sender, &to, id, now))
    {
        Ok(m) => m,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let runtime = match exit::runtime(false, exit::ENVIRONMENT, "cli-async-runtime") {
        Ok(r) => r,
        Err(code) => return code,
    };
    match runtime.block_on(mailer.send(&mail)) {
        Ok(d) => {
            println!("{}: {} {}", texts::pair("cli-sent"), d.message_id, d.detail);
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            // The cause (e.g. "Connection refused") helps whoever set the server up.
            let cause = std::error::Error::source(&e)
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            exit::report(mail_error_code(&e), format!("{e}{cause}"))
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    std::fs::write(path, bytes).map_err(|e| {
        exit::report(
            exit::ENVIRONMENT,
            format!(
                "{}: {e}",
                texts::both_with(
                    "cli-cannot-write",
                    &[("path", path.display().to_string().into())]
                )
            ),
        )
    })
}

/// `twnhi qr TEXT [--png FILE] [--svg FILE]`: draws the QR code in the terminal (Unicode half
/// blocks), or writes the images.
pub fn qr(args: &QrArgs) -> ExitCode {
    let code = match QrCode::new(&args.text) {
        Ok(c) => c,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    if args.png.is_none() && args.svg.is_none() {
        let colors = if args.light {
            TerminalColors::LightBackground
        } else {
            TerminalColors::DarkBackground
        };
        let mut out = std::io::stdout().lock();
        return match out
            .write_all(code.to_terminal(colors).as_bytes())
            .and_then(|()| out.flush())
        {
            Ok(()) => ExitCode::from(exit::OK),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(exit::OK),
            Err(e) => exit::report(exit::FAILURE, format!("{}: {e}", texts::both("cli-stdout"))),
        };
    }
    if let Some(path) = &args.png {
        let png = match code.to_png(args.scale) {
            Ok(p) => p,
            Err(e) => return exit::report(exit::FAILURE, e),
        };
        if let Err(code) = write_file(path, &png) {
            return code;
        }
    }
    if let Some(path) = &args.svg
        && let Err(code) = write_file(path, code.to_svg().as_bytes())
    {
        return code;
    }
    ExitCode::from(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_writes_every_letter() {
        let dir = tempfile::tempdir().unwrap();
        let args = MailRenderArgs {
            letter: "all".into(),
            lang: None,
            out: dir.path().to_path_buf(),
        };
        assert_eq!(mail_render(&args), ExitCode::from(exit::OK));
        // One file per kind of letter, named after it.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = twnhi_notify::LetterKind::ALL
            .iter()
            .map(|k| format!("{}.eml", k.slug()))
            .collect();
        expected.sort();
        assert_eq!(names, expected);
        let args = MailRenderArgs {
            letter: "deleted".into(),
            lang: Some("en".into()),
            out: dir.path().to_path_buf(),
        };
        assert_eq!(mail_render(&args), ExitCode::from(exit::OK));
        assert!(dir.path().join("deleted.en.eml").exists());
    }

    #[test]
    fn bad_input_is_usage() {
        let dir = tempfile::tempdir().unwrap();
        for (letter, lang) in [("nope", None), ("all", Some("fr"))] {
            let args = MailRenderArgs {
                letter: letter.into(),
                lang: lang.map(Into::into),
                out: dir.path().to_path_buf(),
            };
            assert_eq!(mail_render(&args), ExitCode::from(exit::USAGE));
        }
        let send = |smtp: &str, to: &str| MailSendTestArgs {
            smtp: smtp.into(),
            to: to.into(),
            letter: "confirmation".into(),
            from: preview::SAMPLE_SENDER.into(),
            ca_cert: None,
        };
        assert_eq!(
            mail_send_test(&send(
                "smtp://mail.example?tls=none",
                "test.one@example.com"
            )),
            ExitCode::from(exit::USAGE)
        );
        assert_eq!(
            mail_send_test(&send("smtp://127.0.0.1:25?tls=none", "not an address")),
            ExitCode::from(exit::USAGE)
        );
        let qr_args = QrArgs {
            text: String::new(),
            png: None,
            svg: None,
            light: false,
            scale: 8,
        };
        assert_eq!(qr(&qr_args), ExitCode::from(exit::USAGE));
    }

    #[test]
    fn unreachable_smtp_is_environment() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let args = MailSendTestArgs {
            smtp: format!("smtp://127.0.0.1:{port}?tls=none&timeout=5"),
            to: "test.one@example.com".into(),
            letter: "confirmation".into(),
            from: preview::SAMPLE_SENDER.into(),
            ca_cert: None,
        };
        assert_eq!(mail_send_test(&args), ExitCode::from(exit::ENVIRONMENT));
    }

    #[test]
    fn qr_writes_files() {
        let dir = tempfile::tempdir().unwrap();
        let args = QrArgs {
            text: "3w21G7yR".into(),
            png: Some(dir.path().join("c.png")),
            svg: Some(dir.path().join("c.svg")),
            light: false,
            scale: 4,
        };
        assert_eq!(qr(&args), ExitCode::from(exit::OK));
        assert!(
            std::fs::read(dir.path().join("c.png"))
                .unwrap()
                .starts_with(b"\x89PNG")
        );
        assert!(
            std::fs::read_to_string(dir.path().join("c.svg"))
                .unwrap()
                .contains("<svg")
        );
        let bad = QrArgs {
            png: Some(dir.path().join("missing-dir/c.png")),
            svg: None,
            ..args
        };
        assert_eq!(qr(&bad), ExitCode::from(exit::ENVIRONMENT));
    }
}
