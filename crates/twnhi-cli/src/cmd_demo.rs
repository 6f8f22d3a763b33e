//! `twnhi demo`: the whole system in one process, offline, with no configuration — the site,
//! a SQLite data directory with a synthetic registry, the card bridge with a simulated reader
//! holding a demo person's card, and a mailbox page for the letters.
//!
//! ```text
//! $ twnhi demo
//! twnhi demo — 健保卡網路服務註冊 展示 / NHI Card Online Services Registration demo
//!   網站 Site                 http://127.0.0.1:8080/
//!   …
//! ```
//!
//! Exit codes: 0 stopped with Ctrl-C, 2 a site address that is not loopback, 3 an address in
//! use or a data directory that cannot be written (or `--cert-token softhsm` without
//! SoftHSM2), 1 anything else. Errors are one bilingual line on stderr.
//!
//! # The citizen certificates in SoftHSM2
//! The people's simulated citizen certificates and keys go into SoftHSM2 tokens when the
//! SoftHSM2 module is installed (`--cert-token auto`, the default, or `softhsm`), otherwise
//! into in-process software tokens (`soft`). SoftHSM2 takes its configuration — where its
//! tokens are — from the environment variable `SOFTHSM2_CONF` only, read when the module is
//! initialised. A process cannot safely set its own environment once threads may run
//! (`std::env::set_var` is `unsafe`, and the workspace forbids `unsafe`), and the user's own
//! SoftHSM2 tokens must not receive the demo's. So `twnhi demo` runs as two processes:
//!
//! - the first makes a private directory in the system's temporary directory
//!   (`twnhi-demo-softhsm-<pid>`, mode 0700) with a `softhsm2.conf` naming its `tokens/`,
//!   and runs the same program with the same arguments again, with `SOFTHSM2_CONF` set to
//!   it (and [`SOFTHSM2_CHILD_ENV`] naming the module);
//! - the second is the demo: it makes one token per person there through the module.
//!
//! The first passes Ctrl-C and SIGTERM on to the second, waits for it, removes the directory
//! whatever way the demo ended (even a crash of the demo leaves no token behind) and exits
//! with the demo's exit code. On Linux the second also stops (SIGTERM) when the first is
//! killed outright.

use crate::exit;
use crate::texts;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use twnhi_demo::{CertificateTokens, DEMO_PIN, Demo, DemoError, DemoOptions};

/// Set by the first `twnhi demo` process for the second (see the module's documentation):
/// the SoftHSM2 module the demo keeps its citizen certificates in, with `SOFTHSM2_CONF`.
pub const SOFTHSM2_CHILD_ENV: &str = "TWNHI_DEMO_SOFTHSM2_MODULE";

/// Where `twnhi demo` keeps its people's simulated citizen certificates.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertToken {
    /// SoftHSM2 when installed, otherwise in-process software tokens.
    Auto,
    /// In-process software tokens.
    Soft,
    /// SoftHSM2 tokens (exit 3 when SoftHSM2 is not installed).
    Softhsm,
}

/// Arguments of `twnhi demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Data directory: the SQLite database, the key files, the mailbox and the
    /// announcements file (default: `twnhi-demo` in the system's temporary directory). Kept
    /// between runs: the same people, registrations and letters.
    #[arg(long, env = "TWNHI_DEMO_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Address of the site (loopback only: the demo serves plain http).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Address of the in-process card bridge.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7777")]
    pub bridge_listen: SocketAddr,

    /// How many synthetic people the registry holds.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub people: u16,

    /// Delete the data directory first (a fresh demo).
    #[arg(long)]
    pub fresh: bool,

    /// A PostgreSQL database (`postgres://user@host/db`, migrated at start) instead of the
    /// SQLite file in the data directory. `--fresh` does not empty it.
    #[arg(long, env = "TWNHI_DEMO_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Where the people's simulated citizen certificates and keys are kept: SoftHSM2 tokens
    /// when SoftHSM2 is installed (`auto`), in-process software tokens (`soft`), or SoftHSM2
    /// tokens (`softhsm`).
    #[arg(long, value_enum, value_name = "KIND", default_value = "auto")]
    pub cert_token: CertToken,
}

/// Runs `twnhi demo` until Ctrl-C: in this process with software tokens, or as the second
/// process of the SoftHSM2 arrangement (see the module's documentation).
pub fn run(args: &DemoArgs) -> ExitCode {
    if let Some(module) = std::env::var_os(SOFTHSM2_CHILD_ENV).filter(|m| !m.is_empty()) {
        if std::env::var_os("SOFTHSM2_CONF").is_none() {
            return exit::report(exit::USAGE, texts::both("cli-demo-softhsm-child"));
        }
        // Should the first process be killed outright (SIGKILL), the demo stops too.
        #[cfg(target_os = "linux")]
        if let Err(e) =
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::TERM))
        {
            tracing::debug!(error = %e, "no parent death signal");
        }
        return run_demo(
            args,
            CertificateTokens::SoftHsm2 {
                module: PathBuf::from(module),
            },
        );
    }
    let module = twnhi_pkcs11::module::find_softhsm2().filter(|_| cfg!(unix));
    match (args.cert_token, module) {
        (CertToken::Soft, _) | (CertToken::Auto, None) => run_demo(args, CertificateTokens::Soft),
        (CertToken::Softhsm, None) => {
            exit::report(exit::ENVIRONMENT, texts::both("cli-demo-no-softhsm"))
        }
        #[cfg(unix)]
        (CertToken::Auto | CertToken::Softhsm, Some(module)) => supervise(&module),
        #[cfg(not(unix))]
        (CertToken::Auto | CertToken::Softhsm, Some(_)) => run_demo(args, CertificateTokens::Soft),
    }
}

#[cfg(unix)]
/// The first process: a private SoftHSM2 directory, the demo in a second process with
/// `SOFTHSM2_CONF` naming it, signals passed on, the directory removed at the end.
fn supervise(module: &Path) -> ExitCode {
    let dir = match softhsm_dir() {
        Ok(d) => d,
        Err((path, e)) => {
            return exit::report(
                exit::ENVIRONMENT,
                format!(
                    "{}: {e}",
                    texts::both_with(
                        "cli-demo-softhsm-dir",
                        &[("path", path.display().to_string().into())]
                    )
                ),
            );
        }
    };
    let code = run_child(module, &dir);
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "SoftHSM2 directory not removed");
    } else {
        tracing::info!(dir = %dir.display(), "SoftHSM2 tokens removed");
    }
    code
}

#[cfg(unix)]
/// A new private directory for the demo's SoftHSM2 tokens: `softhsm2.conf` and `tokens/`.
fn softhsm_dir() -> Result<PathBuf, (PathBuf, std::io::Error)> {
    let base = std::env::temp_dir();
    let pid = std::process::id();
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    let mut n = 0u32;
    let dir = loop {
        let dir = base.join(format!("twnhi-demo-softhsm-{pid}-{n}"));
        match builder.create(&dir) {
            Ok(()) => break dir,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err((dir, e)),
        }
    };
    let tokens = dir.join("tokens");
    let conf = format!(
        "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n\
         slots.removable = false\n",
        tokens.display()
    );
    let made =
        std::fs::create_dir(&tokens).and_then(|()| std::fs::write(dir.join("softhsm2.conf"), conf));
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&dir);
        return Err((dir, e));
    }
    Ok(dir)
}

/// Runs this program again with the same arguments and `SOFTHSM2_CONF` set, passes Ctrl-C
/// and SIGTERM on to it, and returns its exit code.
#[cfg(unix)]
fn run_child(module: &Path, dir: &Path) -> ExitCode {
    use tokio::signal::unix::{SignalKind, signal};

    let failed = |e: std::io::Error| {
        exit::report(
            exit::FAILURE,
            format!("{}: {e}", texts::both("cli-demo-softhsm-start")),
        )
    };
    let runtime = match exit::runtime(false, exit::FAILURE, "cli-runtime") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let conf = dir.join("softhsm2.conf");
    runtime.block_on(async move {
        // The handlers first: from here on a Ctrl-C or SIGTERM cannot end this process
        // before the directory is removed.
        let (mut int, mut term) = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(i), Ok(t)) => (i, t),
            (Err(e), _) | (_, Err(e)) => return failed(e),
        };
        let exe = match std::env::current_exe() {
            Ok(e) => e,
            Err(e) => return failed(e),
        };
        let mut child = match std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("SOFTHSM2_CONF", &conf)
            .env(SOFTHSM2_CHILD_ENV, module)
            .spawn()
        {
            Ok(c) => c,
            Err(e) => return failed(e),
        };
        let pid = child.id();
        tracing::debug!(pid, conf = %conf.display(), "demo started with SoftHSM2");
        let waited = tokio::task::spawn_blocking(move || child.wait());
        tokio::pin!(waited);
        let status = loop {
            tokio::select! {
                status = &mut waited => break status,
                _ = int.recv() => forward_stop(pid),
                _ = term.recv() => forward_stop(pid),
            }
        };
        match status {
            Ok(Ok(status)) => status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .map_or(ExitCode::from(exit::FAILURE), ExitCode::from),
            Ok(Err(e)) => failed(e),
            Err(e) => failed(std::io::Error::other(e)),
        }
    })
}

/// Asks the demo process `pid` to stop (SIGTERM): a Ctrl-C in a terminal reaches it anyway,
/// a SIGTERM sent to the first process only would not.
#[cfg(unix)]
fn forward_stop(pid: u32) {
    let sent = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .map(|p| rustix::process::kill_process(p, rustix::process::Signal::TERM));
    tracing::debug!(pid, sent = ?sent, "stop passed on to the demo");
}

/// Runs the demo in this process until Ctrl-C or SIGTERM.
fn run_demo(args: &DemoArgs, certificate_tokens: CertificateTokens) -> ExitCode {
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("twnhi-demo"));
    if args.fresh
        && dir.exists()
        && let Err(e) = std::fs::remove_dir_all(&dir)
    {
        return exit::report(
            exit::ENVIRONMENT,
            format!(
                "{}: {e}",
                texts::both_with(
                    "cli-demo-cannot-delete",
                    &[("path", dir.display().to_string().into())]
                )
            ),
        );
    }
    let runtime = match exit::runtime(true, exit::FAILURE, "cli-runtime") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut options = DemoOptions::new(dir);
    options.listen = args.listen;
    options.bridge_listen = args.bridge_listen;
    options.people = usize::from(args.people);
    options.database_url.clone_from(&args.database_url);
    options.certificate_tokens = certificate_tokens;
    runtime.block_on(async move {
        let demo = match Demo::start(options).await {
            Ok(d) => d,
            Err(e) if e.is_environment() => return exit::report(exit::ENVIRONMENT, e),
            Err(e @ DemoError::NotLoopback { .. }) => return exit::report(exit::USAGE, e),
            Err(e) => return exit::report(exit::FAILURE, e),
        };
        print_banner(&demo);
        match demo.wait(crate::signal::shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => exit::report(exit::FAILURE, e),
        }
    })
}

#[allow(clippy::print_stdout)]
fn print_banner(demo: &Demo) {
    let site = demo.site_url();
    let card = demo
        .reader()
        .with_card(|c| c.identity().card_no.clone())
        .unwrap_or_default();
    // Labels in a column: the values start at column 28.
    let label = |id: &str| texts::pad(&texts::pair(id), 25);
    println!("twnhi demo — {}", texts::both("cli-demo-title"));
    println!("  {} {site}", label("cli-demo-site"));
    println!("  {} {site}dev/mailbox", label("cli-demo-mailbox"));
    println!("  {} {site}dev/cards", label("cli-demo-switch-card"));
    println!("  {} {}", label("cli-demo-card-bridge"), demo.bridge_url());
    println!(
        "  {} {}",
        label("cli-demo-data-dir"),
        demo.data_dir().display()
    );
    println!(
        "  {} {}",
        label("cli-demo-letters"),
        demo.mail_dir().display()
    );
    let tokens = match demo.certificate_tokens() {
        CertificateTokens::SoftHsm2 { .. } => "cli-demo-cert-softhsm",
        _ => "cli-demo-cert-soft",
    };
    println!(
        "  {} {}",
        label("cli-demo-cert-cards"),
        texts::both_with(tokens, &[("pin", DEMO_PIN.into())])
    );
    if let CertificateTokens::SoftHsm2 { module } = demo.certificate_tokens() {
        let conf = std::env::var_os("SOFTHSM2_CONF").unwrap_or_default();
        // The command that lists them from another terminal.
        println!(
            "  {} SOFTHSM2_CONF={} twnhi cert list --module {}",
            texts::pad("", 25),
            Path::new(&conf).display(),
            module.display()
        );
    }
    println!();
    println!(
        "  {} ({}):",
        texts::pair("cli-demo-people"),
        texts::both("cli-demo-each-has-card")
    );
    let in_reader = format!("  ← {}", texts::pair("cli-demo-in-reader"));
    for p in demo.people() {
        let person = &p.person;
        let inserted = if p.identity.card_no == card {
            in_reader.as_str()
        } else {
            ""
        };
        println!(
            "    {}  {}  {} {}  {} {}  {}{inserted}",
            person.name,
            person.id_number.as_str(),
            texts::pair("cli-demo-card"),
            person.card_number.as_str(),
            texts::pair("cli-demo-household"),
            person.household_id.as_str(),
            person.address,
        );
    }
    println!();
    println!("  {}", texts::both_tight("cli-demo-synthetic"));
    println!("  {}", texts::both("cli-demo-stop"));
}
