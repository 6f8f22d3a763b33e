//! `twnhi`: the command-line entry point. Thin: parses arguments, sets up logging, calls the
//! library crates, maps their errors to exit codes.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
mod cmd_cert;
mod cmd_cert_verify;
mod cmd_demo;
mod cmd_generate;
mod cmd_notify;
mod cmd_serve;
mod database;
mod db_copy;
mod exit;
mod help;
mod signal;
mod texts;

/// twnhi, NHI Card Online Services Registration, open source.
///
/// The help of every command and argument comes from the catalog (`cli-help.ftl`, see
/// [`help`]); these comments are for the reader of the code.
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
    /// The whole system in one process: site, synthetic registry, simulated card, mailbox.
    Demo(cmd_demo::DemoArgs),
    /// Run the registration site (pages and the app API) over SQLite.
    Serve(Box<cmd_serve::ServeArgs>),
    /// NHI card: list readers, read, watch, decode, simulate.
    #[command(subcommand)]
    Card(cmd_card::CardCommand),
    /// Citizen digital certificates: list, sign (PKCS#11), verify.
    #[command(subcommand)]
    Cert(cmd_cert::CertCommand),
    // The bridge's help is defined on BridgeArgs (a doc comment here would replace it).
    Bridge(Box<cmd_bridge::BridgeArgs>),
    /// ID numbers: check format, check digit, kind and sex.
    #[command(subcommand)]
    Id(IdCommand),
    /// Registration passwords: check against the password rules.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// Letters: preview every letter, send a test letter over SMTP.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Draw a QR code in the terminal, or write it as PNG or SVG.
    Qr(cmd_notify::QrArgs),
    /// Registry of insured persons and the counter's work: import, demo, suspend,
    /// reinstate, show.
    #[command(subcommand)]
    Admin(cmd_admin::AdminCommand),
    /// Man pages and shell completions, for packaging (hidden).
    #[command(subcommand, hide = true)]
    Generate(cmd_generate::GenerateCommand),
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
    let cli = parse();
    init_logging(&cli.log);
    match &cli.command {
        Command::Demo(a) => cmd_demo::run(a),
        Command::Serve(a) => cmd_serve::run(a),
        Command::Card(c) => cmd_card::run(c),
        Command::Cert(c) => cmd_cert::run(c),
        Command::Bridge(a) => cmd_bridge::run(a),
        Command::Id(IdCommand::Check(a)) => cmd_account::id_check(a),
        Command::Password(PasswordCommand::Check(a)) => cmd_account::password_check(a),
        Command::Mail(MailCommand::Render(a)) => cmd_notify::mail_render(a),
        Command::Mail(MailCommand::SendTest(a)) => cmd_notify::mail_send_test(a),
        Command::Qr(a) => cmd_notify::qr(a),
        Command::Admin(c) => cmd_admin::run(c),
        Command::Generate(c) => cmd_generate::run(c),
    }
}

/// The command line, parsed with the help from the catalog ([`help::localized`]); errors and
/// exit codes as `Cli::parse()` (bad usage exits with 2).
fn parse() -> Cli {
    let mut cmd = help::localized(Cli::command());
    let matches = cmd.get_matches_mut();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit())
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
