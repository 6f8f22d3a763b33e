//! `twnhi cert …`: citizen digital certificates (自然人憑證): the card's certificates and
//! signatures through its PKCS#11 module (`list`, `sign`, `twnhi-pkcs11`), and verification
//! (`verify`, [`cmd_cert_verify`]).

use crate::cmd_cert_verify;
use crate::exit;
use crate::texts;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use twnhi_pkcs11::{
    CertError, CertificateInfo, CertificateToken, Pin, Pkcs11Token, Scheme, TokenInfo,
    module::{MODULE_ENV, resolve_module},
    normalize_serial,
};

/// The `cert` subcommands. Their help is in the catalog (`cli-help.ftl`).
#[derive(Subcommand, Debug)]
pub enum CertCommand {
    /// List the certificate cards (PKCS#11 tokens) and their certificates.
    List(ListArgs),
    /// Sign data with a certificate's private key on the card (PIN on stdin).
    Sign(SignArgs),
    /// Verify a certificate: chain to trusted roots, validity, key usage, revocation.
    Verify(cmd_cert_verify::VerifyArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// The PKCS#11 module (default: the HiCOS module's usual path on this system).
    #[arg(long, value_name = "PATH", env = MODULE_ENV)]
    module: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The PKCS#11 module (default: the HiCOS module's usual path on this system).
    #[arg(long, value_name = "PATH", env = MODULE_ENV)]
    module: Option<PathBuf>,
    /// The certificate's serial number, hex (as `list` shows it).
    #[arg(long = "cert", value_name = "SERIAL_HEX")]
    cert: String,
    /// The data to sign, hex (a server's challenge).
    #[arg(long, value_name = "HEX")]
    data_hex: String,
    /// The signature scheme.
    #[arg(long, value_name = "SCHEME", default_value = "pkcs1-sha256")]
    scheme: Scheme,
}

pub fn run(cmd: &CertCommand) -> ExitCode {
    match cmd {
        CertCommand::List(a) => list(a),
        CertCommand::Sign(a) => sign(a),
        CertCommand::Verify(a) => cmd_cert_verify::run(a),
    }
}

/// Maps a certificate card error to its exit code (3 environment, 4 the card's answer, as
/// for NHI cards) and reports it.
fn cert_error(e: &CertError) -> ExitCode {
    let code = if e.is_environment() {
        exit::ENVIRONMENT
    } else {
        exit::CARD
    };
    exit::report(code, e)
}

fn open(module: Option<&std::path::Path>) -> Result<Pkcs11Token, CertError> {
    Pkcs11Token::open(resolve_module(module)?)
}

/// Writes a line to stdout; a closed pipe (`| head`) ends quietly.
fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

#[derive(Serialize)]
struct ListJson<'a> {
    module: String,
    tokens: &'a [TokenInfo],
    certificates: &'a [CertificateInfo],
}

fn list(args: &ListArgs) -> ExitCode {
    let token = match open(args.module.as_deref()) {
        Ok(t) => t,
        Err(e) => return cert_error(&e),
    };
    let tokens = match token.tokens() {
        Ok(t) if t.is_empty() => return cert_error(&CertError::NoToken),
        Ok(t) => t,
        Err(e) => return cert_error(&e),
    };
    let certificates = match token.certificates() {
        Ok(c) => c,
        Err(e) => return cert_error(&e),
    };
    if args.json {
        let json = ListJson {
            module: token.path().display().to_string(),
            tokens: &tokens,
            certificates: &certificates,
        };
        out(&serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
        return ExitCode::SUCCESS;
    }
    // One line per token, then its certificates indented: tab-separated fields.
    for t in &tokens {
        out(&format!(
            "{} {}\t{}\t{}\t{}\t{}",
            texts::pair("cli-cert-token"),
            t.slot,
            t.label,
            t.manufacturer,
            t.serial,
            texts::pair(t.pin.text_id())
        ));
        for c in certificates.iter().filter(|c| c.slot == t.slot) {
            out(&format!(
                "  {}\t{}\t{} – {}\t{}\t{}",
                c.serial,
                c.key,
                c.not_before.format("%Y-%m-%d"),
                c.not_after.format("%Y-%m-%d"),
                c.subject,
                texts::both_with("cli-cert-issuer", &[("issuer", c.issuer.as_str().into())]),
            ));
        }
    }
    ExitCode::SUCCESS
}

/// Reads the PIN: one line of stdin. On a terminal it asks for it on stderr and does not
/// echo it (Unix).
fn read_pin() -> Result<Pin, CertError> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        #[allow(clippy::print_stderr)]
        {
            eprint!("{} ", texts::both("cli-cert-pin-prompt"));
        }
    }
    let _echo = terminal.then(no_echo::Guard::new).flatten();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if terminal {
        #[allow(clippy::print_stderr)]
        {
            eprintln!();
        }
    }
    match read {
        Ok(_) => Pin::from_line(line),
        Err(_) => Err(CertError::PinFormat),
    }
}

/// Terminal echo off while the PIN is typed (Unix; elsewhere the PIN should be piped).
mod no_echo {
    /// Turns echo back on when dropped.
    pub struct Guard {
        #[cfg(unix)]
        saved: rustix::termios::Termios,
    }

    impl Guard {
        #[cfg(unix)]
        pub fn new() -> Option<Guard> {
            use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
            let stdin = std::io::stdin();
            let saved = tcgetattr(&stdin).ok()?;
            let mut quiet = saved.clone();
            quiet.local_modes.remove(LocalModes::ECHO);
            tcsetattr(&stdin, OptionalActions::Now, &quiet).ok()?;
            Some(Guard { saved })
        }

        #[cfg(not(unix))]
        pub fn new() -> Option<Guard> {
            None
        }
    }

    #[cfg(unix)]
    impl Drop for Guard {
        fn drop(&mut self) {
            use rustix::termios::{OptionalActions, tcsetattr};
            let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
        }
    }
}

fn sign(args: &SignArgs) -> ExitCode {
    let Some(serial) = normalize_serial(&args.cert) else {
        return exit::report(
            exit::USAGE,
            texts::both_with(
                "cli-cert-bad-serial",
                &[("serial", args.cert.as_str().into())],
            ),
        );
    };
    let compact: String = args
        .data_hex
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let data = match hex::decode(&compact) {
        Ok(d) => d,
        Err(e) => {
            return exit::report(
                exit::USAGE,
                texts::both_with("cli-card-bad-hex", &[("error", e.to_string().into())]),
            );
        }
    };
    // The module first: no PIN is asked for when there is no card to give it to.
    let token = match open(args.module.as_deref()) {
        Ok(t) => t,
        Err(e) => return cert_error(&e),
    };
    let pin = match read_pin() {
        Ok(p) => p,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    match token.sign(&serial, &pin, args.scheme, &data) {
        Ok(signature) => {
            use base64::Engine as _;
            out(&base64::engine::general_purpose::STANDARD.encode(signature));
            ExitCode::SUCCESS
        }
        Err(e) => cert_error(&e),
    }
}
