//! `twnhi bridge`: the local NHI card component browsers talk to, and
//! `twnhi bridge cert`, which makes the local certificate authority for `wss://`.

use crate::exit;
use crate::texts;
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use twnhi_bridge::settings::{BridgeSettings, FILE_NAME};
use twnhi_bridge::{BridgeError, CardBackend, Origin, PcscBackend, SimBackend};

/// The sample configuration file of `twnhi bridge --help` (TOML, not a text to translate).
const CONFIG_SAMPLE: &str = "  listen = \"127.0.0.1:7777\"
  allow_origins = [\"https://nhi.example.org\"]
  loopback_origins = true
  allow_null_origin = false
  allow_hosts = []
  reader = \"ACS ACR39U ICC Reader 00 00\"
  max_clients = 64
  max_frame = 16384
  max_connections = 256
  header_timeout_secs = 10.0
  idle_timeout_secs = 60.0
  ping_interval_secs = 20.0
  tls_cert = \"/home/me/.config/twnhi/bridge-tls/localhost.pem\"
  tls_key = \"/home/me/.config/twnhi/bridge-tls/localhost-key.pem\"
  sim = false
  pkcs11_module = \"/usr/local/lib/libHicos_p11v1.so\"";

/// The bridge's one-line help: the zh-TW label then the English sentence of `cli-bridge-about`.
fn about() -> String {
    texts::pair("cli-bridge-about")
}

/// The bridge's long help: the one-line help, then the English text of the catalog.
fn long_about() -> String {
    format!("{}\n\n{}", about(), texts::en("cli-bridge-long-about"))
}

/// After the options in `twnhi bridge --help`: the configuration file, systemd, exit codes.
fn after_long_help() -> String {
    format!(
        "{}\n{CONFIG_SAMPLE}\n\n{}\n\n{}",
        texts::en("cli-bridge-config-file"),
        texts::en("cli-bridge-systemd"),
        texts::en("cli-bridge-exit-codes")
    )
}

#[derive(Args, Debug)]
// The help texts come from the catalog: clap calls these functions when it builds the
// command (`about` takes a `String` as well as a literal), so `--help` reads as it always did.
#[command(
    about = about(),
    long_about = long_about(),
    after_long_help = after_long_help(),
    args_conflicts_with_subcommands = true
)]
pub struct BridgeArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(subcommand)]
    command: Option<BridgeCommand>,
}

#[derive(Subcommand, Debug)]
enum BridgeCommand {
    /// Write the local CA and a localhost certificate for wss:// / https://.
    ///
    /// Its long help, with examples, is in the catalog (`cli-help.ftl`).
    Cert(CertArgs),
    /// Start the bridge by itself at login, or no longer (systemd user unit, LaunchAgent,
    /// Run entry).
    #[command(subcommand)]
    Autostart(AutostartCommand),
}

#[derive(Subcommand, Debug)]
enum AutostartCommand {
    /// Start the bridge at every login, and now.
    On,
    /// No longer start the bridge at login, and stop it.
    Off,
}

#[derive(Subcommand, Debug)]
enum CertCommand {
    /// Trust the local CA in the browsers' NSS databases (Chrome/Chromium, Firefox profiles),
    /// making the CA first if there is none.
    Install(CertDirArgs),
    /// Remove the local CA from the browsers' NSS databases.
    Remove,
}

#[derive(Args, Debug)]
struct CertDirArgs {
    /// Directory of ca.pem [default: ~/.config/twnhi/bridge-tls].
    #[arg(long, value_name = "DIR", env = "TWNHI_BRIDGE_CERT_DIR")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Address to listen on [default: 127.0.0.1:7777]. Anything but loopback lets other
    /// machines reach the bridge (a warning is printed).
    #[arg(long, value_name = "ADDR", env = "TWNHI_BRIDGE_LISTEN")]
    listen: Option<SocketAddr>,
    /// Origin allowed to use the bridge besides loopback origins, e.g.
    /// https://nhi.example.org (repeat, or comma-separated in the variable).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        env = "TWNHI_BRIDGE_ALLOW_ORIGINS",
        value_delimiter = ','
    )]
    allow_origins: Vec<Origin>,
    /// Do not allow loopback origins (http(s)://localhost, 127.0.0.1, [::1]); the bridge's own
    /// check page keeps working.
    #[arg(long, env = "TWNHI_BRIDGE_NO_LOOPBACK_ORIGINS")]
    no_loopback_origins: bool,
    /// Allow the origin `null` (pages opened from file:// in some browsers — and sandboxed
    /// frames of any site: only on a machine you control).
    #[arg(long, env = "TWNHI_BRIDGE_ALLOW_NULL_ORIGIN")]
    allow_null_origin: bool,
    /// Host name accepted in requests besides localhost and loopback addresses, e.g.
    /// iccert.nhi.gov.tw when the hosts file maps it to 127.0.0.1 (repeat; `*` accepts any).
    #[arg(
        long = "allow-host",
        value_name = "HOST",
        env = "TWNHI_BRIDGE_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    allow_hosts: Vec<String>,
    /// Reader to use when a request names none [default: the first reader holding a card].
    #[arg(long, value_name = "NAME", env = "TWNHI_BRIDGE_READER")]
    reader: Option<String>,
    /// Most simultaneous clients (WebSocket connections and HTTP requests) [default: 64].
    #[arg(long, value_name = "N", env = "TWNHI_BRIDGE_MAX_CLIENTS")]
    max_clients: Option<usize>,
    /// Largest WebSocket message accepted, in bytes [default: 16384].
    #[arg(long, value_name = "BYTES", env = "TWNHI_BRIDGE_MAX_FRAME")]
    max_frame: Option<usize>,
    /// Most open HTTP connections besides WebSockets; at the cap the one waiting longest for
    /// a request is closed [default: 256].
    #[arg(long, value_name = "N", env = "TWNHI_BRIDGE_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Seconds a connection has to send a request head (and finish a TLS handshake)
    /// [default: 10].
    #[arg(long, value_name = "SECS", env = "TWNHI_BRIDGE_HEADER_TIMEOUT")]
    header_timeout: Option<f64>,
    /// Seconds after which a WebSocket that sent nothing, not even a pong, is closed
    /// [default: 60]. Must be longer than --ping-interval.
    #[arg(long, value_name = "SECS", env = "TWNHI_BRIDGE_IDLE_TIMEOUT")]
    idle_timeout: Option<f64>,
    /// Seconds between the pings sent on every WebSocket; browsers answer them by themselves,
    /// so an open page keeps its connection [default: 20].
    #[arg(long, value_name = "SECS", env = "TWNHI_BRIDGE_PING_INTERVAL")]
    ping_interval: Option<f64>,
    /// Serve https:// and wss:// with this certificate chain (PEM; see `twnhi bridge cert`).
    #[arg(
        long,
        value_name = "FILE",
        env = "TWNHI_BRIDGE_TLS_CERT",
        requires = "tls_key"
    )]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(
        long,
        value_name = "FILE",
        env = "TWNHI_BRIDGE_TLS_KEY",
        requires = "tls_cert"
    )]
    tls_key: Option<PathBuf>,
    /// Use a simulated reader holding a demo card instead of PC/SC (no hardware needed).
    #[arg(long, env = "TWNHI_BRIDGE_SIM")]
    sim: bool,
    /// Identity file (JSON, as for `twnhi card sim`) of the simulated card; implies --sim.
    #[arg(long, value_name = "FILE", env = "TWNHI_BRIDGE_SIM_IDENTITY")]
    sim_identity: Option<PathBuf>,
    /// The PKCS#11 module of the certificate cards (default: the HiCOS module's usual path
    /// on this system). Without it, certificate requests answer "module not found" (7501).
    #[arg(long, value_name = "PATH", env = "TWNHI_PKCS11_MODULE")]
    pkcs11_module: Option<PathBuf>,
    /// Configuration file (TOML) [default: ~/.config/twnhi/bridge.toml if it exists].
    #[arg(long, value_name = "FILE", env = "TWNHI_BRIDGE_CONFIG")]
    config: Option<PathBuf>,
    /// Print the effective configuration (flags, environment, file and defaults merged) as
    /// TOML and exit.
    #[arg(long)]
    print_config: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
struct CertArgs {
    #[command(subcommand)]
    action: Option<CertCommand>,
    /// Directory to write ca.pem, ca-key.pem, localhost.pem, localhost-key.pem into
    /// [default: ~/.config/twnhi/bridge-tls].
    #[arg(long, value_name = "DIR", env = "TWNHI_BRIDGE_CERT_DIR")]
    out: Option<PathBuf>,
    /// Extra DNS name for the certificate (repeat), e.g. iccert.nhi.gov.tw.
    #[arg(long = "name", value_name = "DNS")]
    names: Vec<String>,
    /// Make a new CA even if DIR holds one (browsers must then trust the new one).
    #[arg(long)]
    new_ca: bool,
}

pub fn run(args: &BridgeArgs) -> ExitCode {
    match &args.command {
        Some(BridgeCommand::Cert(CertArgs {
            action: Some(CertCommand::Install(a)),
            ..
        })) => cert_install(a),
        Some(BridgeCommand::Cert(CertArgs {
            action: Some(CertCommand::Remove),
            ..
        })) => cert_remove(),
        Some(BridgeCommand::Cert(c)) => cert(c),
        Some(BridgeCommand::Autostart(AutostartCommand::On)) => autostart(true),
        Some(BridgeCommand::Autostart(AutostartCommand::Off)) => autostart(false),
        None => serve(&args.run),
    }
}

/// `$XDG_CONFIG_HOME/twnhi`, else `~/.config/twnhi`.
fn config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("twnhi"))
}

impl RunArgs {
    /// The flags and their environment variables, as one layer of settings.
    fn layer(&self) -> BridgeSettings {
        BridgeSettings {
            listen: self.listen,
            allow_origins: (!self.allow_origins.is_empty())
                .then(|| self.allow_origins.iter().map(Origin::to_string).collect()),
            loopback_origins: self.no_loopback_origins.then_some(false),
            allow_null_origin: self.allow_null_origin.then_some(true),
            allow_hosts: (!self.allow_hosts.is_empty()).then(|| self.allow_hosts.clone()),
            reader: self.reader.clone(),
            max_clients: self.max_clients,
            max_frame: self.max_frame,
            max_connections: self.max_connections,
            header_timeout_secs: self.header_timeout,
            idle_timeout_secs: self.idle_timeout,
            ping_interval_secs: self.ping_interval,
            tls_cert: self.tls_cert.clone(),
            tls_key: self.tls_key.clone(),
            sim: self.sim.then_some(true),
            sim_identity: self.sim_identity.clone(),
            pkcs11_module: self.pkcs11_module.clone(),
        }
    }
}

/// The configuration file (`--config`, else the default one if it exists) under the flags
/// and variables.
fn settings(args: &RunArgs) -> Result<BridgeSettings, String> {
    let file = match &args.config {
        Some(path) => BridgeSettings::load(path).map_err(|e| e.to_string())?,
        None => match config_dir() {
            Some(dir) if dir.join(FILE_NAME).is_file() => {
                let path = dir.join(FILE_NAME);
                let file = BridgeSettings::load(&path).map_err(|e| e.to_string())?;
                tracing::info!(path = %path.display(), "configuration file loaded");
                file
            }
            Some(dir) if dir.join("bridge.json").is_file() => {
                tracing::warn!(
                    path = %dir.join("bridge.json").display(),
                    "{}",
                    texts::both_with("cli-bridge-json-config", &[("file", FILE_NAME.into())])
                );
                BridgeSettings::default()
            }
            _ => BridgeSettings::default(),
        },
    };
    Ok(file.layered(args.layer()))
}

fn backend(eff: &BridgeSettings) -> Result<(Arc<dyn CardBackend>, String), String> {
    if !eff.uses_sim() {
        return Ok((Arc::new(PcscBackend::new()), "PC/SC".to_owned()));
    }
    let identity = match &eff.sim_identity {
        None => twnhi_sim::Identity::sample(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                texts::both_tight_with(
                    "cli-cannot-read-identity",
                    &[
                        ("path", path.display().to_string().into()),
                        ("error", e.to_string().into()),
                    ],
                )
            })?;
            twnhi_sim::Identity::from_json(&text).map_err(|e| e.to_string())?
        }
    };
    let label = format!(
        "{}, {} \"{}\"",
        texts::pair("cli-bridge-sim-card"),
        texts::en("cli-bridge-reader"),
        SimBackend::DEMO_READER
    );
    let card = twnhi_sim::SimCard::new(identity, twnhi_sim::Faults::default());
    let (backend, _reader) = SimBackend::with_card(card);
    Ok((Arc::new(backend), label))
}

#[allow(clippy::print_stderr, clippy::print_stdout)]
fn serve(args: &RunArgs) -> ExitCode {
    let eff = match settings(args) {
        Ok(e) => e,
        Err(m) => return exit::report(exit::USAGE, m),
    };
    if args.print_config {
        print!("{}", eff.to_toml());
        return ExitCode::SUCCESS;
    }
    let config = match eff.config() {
        Ok(c) => c,
        // TLS files that cannot be read or used: the environment, as when binding fails.
        Err(e @ twnhi_bridge::settings::SettingsError::Bridge(BridgeError::File { .. })) => {
            return exit::report(1, e);
        }
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let (backend, cards) = match backend(&eff) {
        Ok(b) => b,
        Err(m) => return exit::report(exit::USAGE, m),
    };
    let mut origins = Vec::new();
    if config.origins.allow_loopback {
        origins.push(format!(
            "localhost / 127.0.0.1 ({})",
            texts::en("cli-bridge-any-port")
        ));
    }
    origins.extend(config.origins.allowed.iter().map(Origin::to_string));
    if config.origins.allow_null {
        origins.push("null".to_owned());
    }
    let result =
        twnhi_bridge::run_blocking(config, backend, crate::signal::shutdown_signal(), |bound| {
            let url = bound.url();
            let ws = url.replacen("http", "ws", 1);
            // Labels in a column: the values start at column 22.
            let label = |id: &str| texts::pad(&texts::pair(id), 19);
            eprintln!(
                "twnhi bridge {} — {}",
                env!("CARGO_PKG_VERSION"),
                texts::pair("cli-bridge-component")
            );
            eprintln!("  {} {url}", label("cli-bridge-check-page"));
            eprintln!("  {} {ws}echo", label("cli-bridge-legacy"));
            eprintln!(
                "  {} {ws}v1/ws · {url}v1/status",
                texts::pad(&texts::zh("cli-bridge-json"), 19)
            );
            eprintln!("  {} {cards}", label("cli-bridge-cards"));
            eprintln!("  {} {}", label("cli-bridge-origins"), origins.join(", "));
            if !bound.is_loopback() {
                eprintln!(
                    "{}: {}",
                    texts::pair("cli-warning"),
                    texts::both_with(
                        "cli-bridge-non-loopback",
                        &[("addr", bound.local_addr().to_string().into())]
                    )
                );
            }
            eprintln!("Ctrl-C {}", texts::both("cli-bridge-to-stop"));
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ BridgeError::Config(_)) => exit::report(exit::USAGE, e),
        Err(e) => exit::report(1, e),
    }
}

#[allow(clippy::print_stdout)]
fn cert(args: &CertArgs) -> ExitCode {
    let Some(dir) = args
        .out
        .clone()
        .or_else(|| config_dir().map(|d| d.join("bridge-tls")))
    else {
        return exit::report(exit::USAGE, texts::both("cli-bridge-no-home"));
    };
    let files = match twnhi_bridge::tls::write_cert_dir(&dir, &args.names, args.new_ca) {
        Ok(f) => f,
        Err(e @ BridgeError::Config(_)) => return exit::report(exit::USAGE, e),
        Err(e) => return exit::report(1, e),
    };
    let ca = files.ca_cert.display();
    println!(
        "{}",
        texts::both(if files.ca_created {
            "cli-bridge-ca-created"
        } else {
            "cli-bridge-ca-kept"
        })
    );
    // Labels in a column: the values start at column 30, or one space after a longer label.
    let label = |id: &str| texts::pad(&texts::pair(id), 27);
    println!("  {} {ca}", label("cli-bridge-ca-cert"));
    println!(
        "  {} {}",
        label("cli-bridge-ca-key"),
        files.ca_key.display()
    );
    println!(
        "  {} {}",
        label("cli-bridge-server-cert"),
        files.server_cert.display()
    );
    println!(
        "  {} {}",
        label("cli-bridge-server-key"),
        files.server_key.display()
    );
    println!(
        "  {} {}, 127.0.0.1, ::1",
        label("cli-bridge-names"),
        files.names.join(", ")
    );
    println!();
    if files.ca_created {
        println!("{}:", texts::both_tight("cli-bridge-trust-ca"));
        println!();
        println!("  {}:", texts::en("cli-bridge-trust-chromium"));
        println!(
            "    certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n \"twnhi bridge local CA\" -i {ca}"
        );
        println!("  {}:", texts::en("cli-bridge-trust-firefox"));
        println!(
            "    for p in ~/.mozilla/firefox/*.default*; do certutil -d sql:$p -A -t \"C,,\" -n \"twnhi bridge local CA\" -i {ca}; done"
        );
        println!("    ({})", texts::en("cli-bridge-trust-firefox-settings"));
        println!("  {}:", texts::en("cli-bridge-trust-debian"));
        println!(
            "    sudo cp {ca} /usr/local/share/ca-certificates/twnhi-bridge-ca.crt && sudo update-ca-certificates"
        );
        println!("  {}:", texts::en("cli-bridge-trust-fedora"));
        println!(
            "    sudo cp {ca} /etc/pki/ca-trust/source/anchors/twnhi-bridge-ca.pem && sudo update-ca-trust"
        );
        println!();
        println!("{}", texts::both_tight("cli-bridge-ca-scope"));
        println!("{}", texts::both_tight("cli-bridge-restart-browsers"));
        println!();
    }
    println!("{}:", texts::pair("cli-bridge-run"));
    println!(
        "  twnhi bridge --tls-cert {} --tls-key {}",
        files.server_cert.display(),
        files.server_key.display()
    );
    ExitCode::SUCCESS
}

/// `twnhi bridge autostart on|off`.
#[allow(clippy::print_stdout)]
fn autostart(on: bool) -> ExitCode {
    use twnhi_bridge::autostart::{self, Platform, UserDirs};
    let Some(platform) = Platform::current() else {
        return exit::report(1, texts::both("cli-autostart-unsupported"));
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return exit::report(1, e),
    };
    let packaged = std::path::Path::new(autostart::PACKAGED_UNIT).is_file();
    let plan = match autostart::plan(platform, &exe, &UserDirs::from_env(), packaged) {
        Ok(p) => p,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    if let Err(e) = autostart::apply(&plan, on) {
        return exit::report(1, e);
    }
    let how = plan
        .file
        .as_ref()
        .map(|(path, _)| path.display().to_string())
        .unwrap_or_else(|| {
            let cmds = if on { &plan.enable } else { &plan.disable };
            cmds.last()
                .map(|c| autostart::display(c))
                .unwrap_or_default()
        });
    let id = if on {
        "cli-autostart-on"
    } else {
        "cli-autostart-off"
    };
    println!("{}", texts::both_tight_with(id, &[("how", how.into())]));
    ExitCode::SUCCESS
}

/// The certificate directory: `--out`, else `~/.config/twnhi/bridge-tls`.
fn cert_dir(out: Option<&PathBuf>) -> Option<PathBuf> {
    out.cloned()
        .or_else(|| config_dir().map(|d| d.join("bridge-tls")))
}

/// The home directory whose NSS databases are changed.
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// Prints one line per database: its browser, its directory and what happened.
#[allow(clippy::print_stdout)]
fn print_nss(done: &[(twnhi_bridge::nss::Database, twnhi_bridge::nss::Outcome)], install: bool) {
    use twnhi_bridge::nss::{Browser, Outcome};
    for (db, outcome) in done {
        let browser = match db.browser {
            Browser::Firefox => "cli-nss-firefox",
            _ => "cli-nss-shared",
        };
        let what = match (install, outcome) {
            (true, Outcome::Changed) => "cli-nss-added",
            (true, _) => "cli-nss-already",
            (false, Outcome::Changed) => "cli-nss-removed",
            (false, _) => "cli-nss-absent",
        };
        println!(
            "  {} {}  {}",
            texts::pad(&texts::en(browser), 20),
            texts::pad(&texts::pair(what), 28),
            db.dir.display()
        );
    }
    if done.iter().any(|(_, o)| *o == Outcome::Changed) {
        println!("{}", texts::both_tight("cli-nss-restart"));
    }
}

/// `twnhi bridge cert install`: makes the CA if the directory has none, then trusts it.
fn cert_install(args: &CertDirArgs) -> ExitCode {
    let (Some(dir), Some(home)) = (cert_dir(args.out.as_ref()), home()) else {
        return exit::report(exit::USAGE, twnhi_bridge::autostart::AutostartError::NoHome);
    };
    let ca = dir.join(twnhi_bridge::tls::CA_CERT_FILE);
    if !ca.is_file() {
        let made = cert(&CertArgs {
            action: None,
            out: Some(dir.clone()),
            names: Vec::new(),
            new_ca: false,
        });
        if made != ExitCode::SUCCESS {
            return made;
        }
    }
    match twnhi_bridge::nss::install(&home, &ca) {
        Ok(done) => {
            print_nss(&done, true);
            ExitCode::SUCCESS
        }
        Err(e) => exit::report(1, e),
    }
}

/// `twnhi bridge cert remove`.
fn cert_remove() -> ExitCode {
    let Some(home) = home() else {
        return exit::report(exit::USAGE, twnhi_bridge::autostart::AutostartError::NoHome);
    };
    match twnhi_bridge::nss::remove(&home) {
        Ok(done) => {
            print_nss(&done, false);
            ExitCode::SUCCESS
        }
        Err(e) => exit::report(1, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::time::Duration;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: RunArgs,
    }

    fn parse(argv: &[&str]) -> RunArgs {
        Cli::try_parse_from(std::iter::once("bridge").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn every_flag_reaches_the_library() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:9001",
            "--allow-origin",
            "https://a.example",
            "--no-loopback-origins",
            "--allow-null-origin",
            "--allow-host",
            "iccert.example",
            "--reader",
            "R 00",
            "--max-clients",
            "5",
            "--max-frame",
            "4096",
            "--max-connections",
            "32",
            "--header-timeout",
            "2.5",
            "--idle-timeout",
            "120",
            "--ping-interval",
            "15",
        ]);
        let c = args.layer().config().unwrap();
        assert_eq!(c.listen.port(), 9001);
        assert_eq!(c.origins.allowed[0].to_string(), "https://a.example");
        assert!(!c.origins.allow_loopback && c.origins.allow_null);
        assert_eq!(c.extra_hosts, ["iccert.example"]);
        assert_eq!(c.reader.as_deref(), Some("R 00"));
        assert_eq!(
            (c.max_clients, c.max_frame_bytes, c.max_connections),
            (5, 4096, 32)
        );
        assert_eq!(c.header_read_timeout, Duration::from_millis(2500));
        assert_eq!(c.ws_idle_timeout, Duration::from_secs(120));
        assert_eq!(c.ws_ping_interval, Duration::from_secs(15));
        assert!(!args.layer().uses_sim());
        assert!(parse(&["--sim-identity", "x.json"]).layer().uses_sim());
        let module = parse(&["--pkcs11-module", "/opt/hicos/libHicos_p11v1.so"]).layer();
        assert_eq!(
            module.config().unwrap().pkcs11_module.unwrap(),
            PathBuf::from("/opt/hicos/libHicos_p11v1.so")
        );
    }

    #[test]
    fn flags_win_over_the_file_and_absent_flags_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bridge.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\nallow_origins = [\"https://a.example\"]\nmax_clients = 5\nloopback_origins = false\n",
        )
        .unwrap();
        let config = path.to_str().unwrap();
        let c = settings(&parse(&["--config", config, "--listen", "127.0.0.1:9001"]))
            .unwrap()
            .config()
            .unwrap();
        assert_eq!(c.listen.port(), 9001);
        assert_eq!(c.origins.allowed.len(), 1);
        assert!(
            !c.origins.allow_loopback,
            "an absent --no-loopback-origins keeps the file's"
        );
        assert_eq!(c.max_clients, 5);
        std::fs::write(&path, "lisen = 1\n").unwrap();
        let e = settings(&parse(&["--config", config])).unwrap_err();
        assert!(e.contains("lisen") && e.contains("line 1"), "{e}");
    }
}
