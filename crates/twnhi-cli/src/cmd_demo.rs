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
//! use or a data directory that cannot be written, 1 anything else. Errors are one bilingual line on stderr.

use crate::exit;
use crate::texts;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use twnhi_demo::{Demo, DemoError, DemoOptions};

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
}

/// Runs `twnhi demo` until Ctrl-C.
pub fn run(args: &DemoArgs) -> ExitCode {
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return exit::report(
                exit::FAILURE,
                format!("{}: {e}", texts::both("cli-runtime")),
            );
        }
    };
    let mut options = DemoOptions::new(dir);
    options.listen = args.listen;
    options.bridge_listen = args.bridge_listen;
    options.people = usize::from(args.people);
    options.database_url.clone_from(&args.database_url);
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
