//! Exit codes and the one-line bilingual error report.

use std::process::ExitCode;
use twnhi_card::CardError;

use crate::texts;

/// 0: done.
pub const OK: u8 = 0;
/// 1: anything else (a bug, a failure the other codes do not name).
pub const FAILURE: u8 = 1;
/// 2: bad usage or bad input (also what clap uses for argument errors).
pub const USAGE: u8 = 2;
/// 3: the environment: PC/SC service not running, no reader, no card, vpcd unreachable.
pub const ENVIRONMENT: u8 = 3;
/// 4: the card answered with an error or malformed data.
pub const CARD: u8 = 4;

/// Prints the error label (`cli-error`, both languages) and `message` on stderr and returns
/// `code`.
#[allow(clippy::print_stderr)]
pub fn report(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{}: {message}", texts::pair("cli-error"));
    ExitCode::from(code)
}

/// The tokio runtime of a command: one worker per core when `multi_thread`, else the current
/// thread. When one cannot be started, the catalog text `text_id` and the cause are reported
/// with `code`.
pub fn runtime(
    multi_thread: bool,
    code: u8,
    text_id: &str,
) -> Result<tokio::runtime::Runtime, ExitCode> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| report(code, format!("{}: {e}", texts::both(text_id))))
}

/// Maps a card error to its exit code and reports it.
pub fn card_error(e: &CardError) -> ExitCode {
    let code = if e.is_environment() {
        ENVIRONMENT
    } else {
        CARD
    };
    report(code, e)
}

/// Replaces the default panic output (a backtrace when `RUST_BACKTRACE` is set) with one
/// bilingual line: a panic is a bug, but the user should not get a wall of text.
#[allow(clippy::print_stderr)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "{}: {}: {what}{place}",
            texts::pair("cli-error"),
            texts::both("cli-internal-error")
        );
    }));
}
