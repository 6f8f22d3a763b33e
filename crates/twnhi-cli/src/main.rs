//! `twnhi`: the command-line entry point. Thin: parses arguments, sets up logging, calls the
//! library crates, maps their errors to exit codes.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// jemalloc gives memory back to the system after a burst (its background thread purges
/// unused pages after ~10 s); glibc's malloc kept what a burst of 1,000 logins had used in its
/// per-thread arenas (`docs/performance.md`).
#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod cmd_account;
mod cmd_admin;
mod cmd_bridge;
mod cmd_card;
mod cmd_demo;
mod cmd_notify;
mod cmd_serve;
mod database;
mod exit;
mod signal;
mod texts;

/// twnhi — 健保卡網路服務註冊 (NHI Card Online Services Registration), open source.
///
/// Reads Taiwan NHI cards over PC/SC, simulates cards for development, runs the local card
/// component browsers talk to (`bridge`), checks ID numbers and passwords, previews letters,
/// and manages the registry of insured persons.
///
/// Exit codes: 0 success · 1 failure · 2 bad usage or bad input · 3 environment (no PC/SC
/// service, no reader, no card) · 4 card error.
#[derive(Parser, Debug)]
#[command(
    name = "twnhi",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Log filter for diagnostics on stderr (e.g. `info`, `twnhi_pcsc=debug`).
    #[arg(long, global = true, env = "TWNHI_LOG", default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 展示 The whole system in one process: site, synthetic registry, simulated card, mailbox.
    Demo(cmd_demo::DemoArgs),
    /// 網站 Run the registration site (pages and the app API) over SQLite.
    Serve(Box<cmd_serve::ServeArgs>),
    /// 健保卡 NHI card: list readers, read, watch, decode, simulate.
    #[command(subcommand)]
    Card(cmd_card::CardCommand),
    // The bridge's help is defined on BridgeArgs (a doc comment here would replace it).
    Bridge(Box<cmd_bridge::BridgeArgs>),
    /// 身分證號 ID numbers: check format, check digit, kind and sex.
    #[command(subcommand)]
    Id(IdCommand),
    /// 註冊密碼 Registration passwords: check against the password rules.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// 通知信 Letters: preview every letter, send a test letter over SMTP.
    #[command(subcommand)]
    Mail(MailCommand),
    /// QR 碼 Draw a QR code in the terminal, or write it as PNG or SVG.
    Qr(cmd_notify::QrArgs),
    /// 管理 Registry of insured persons and the counter's work: import, demo, suspend,
    /// reinstate, show.
    #[command(subcommand)]
    Admin(cmd_admin::AdminCommand),
}

#[derive(Subcommand, Debug)]
enum MailCommand {
    /// Write `.eml` previews of a letter (or `all`) with sample data.
    Render(cmd_notify::MailRenderArgs),
    /// Send one letter with sample data through an SMTP server.
    SendTest(cmd_notify::MailSendTestArgs),
}

#[derive(Subcommand, Debug)]
enum IdCommand {
    /// Check ID numbers (national, resident new and old format); exit 0 when all are valid.
    Check(cmd_account::IdCheckArgs),
}

#[derive(Subcommand, Debug)]
enum PasswordCommand {
    /// Check one password read from stdin: strength and every rule it breaks.
    Check(cmd_account::PasswordCheckArgs),
}

fn main() -> ExitCode {
    exit::install_panic_hook();
    let cli = Cli::parse();
    init_logging(&cli.log);
    match &cli.command {
        Command::Demo(a) => cmd_demo::run(a),
        Command::Serve(a) => cmd_serve::run(a),
        Command::Card(c) => cmd_card::run(c),
        Command::Bridge(a) => cmd_bridge::run(a),
        Command::Id(IdCommand::Check(a)) => cmd_account::id_check(a),
        Command::Password(PasswordCommand::Check(a)) => cmd_account::password_check(a),
        Command::Mail(MailCommand::Render(a)) => cmd_notify::mail_render(a),
        Command::Mail(MailCommand::SendTest(a)) => cmd_notify::mail_send_test(a),
        Command::Qr(a) => cmd_notify::qr(a),
        Command::Admin(c) => cmd_admin::run(c),
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .init();
}
