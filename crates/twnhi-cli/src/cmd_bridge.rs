//! `twnhi bridge`: the local NHI card component (健保卡元件) browsers talk to, and
//! `twnhi bridge cert`, which makes the local certificate authority for `wss://`.

use crate::exit;
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use twnhi_bridge::{BridgeConfig, BridgeError, CardBackend, Origin, PcscBackend, SimBackend};

const LONG_ABOUT: &str = "\
健保卡元件 Run the local NHI card component browsers talk to

A localhost service that replaces the official mNHIICC / mLNHIICC component: web pages talk
to it over WebSocket and HTTP, it reads the NHI card through PC/SC (pcscd), one operation at
a time per reader, and pushes reader and card changes to the pages.

It serves:
  /         the environment check page 檢測健保卡認證 (open it in a browser)
  /echo     the official component's text protocol (GetVersion, GetBasic, GetRandom)
  /v1/...   the JSON protocol: GET /v1/status, /v1/readers, /v1/readers/{reader}/card,
            WebSocket /v1/ws (docs/bridge-protocol.md)

Only pages from allowed origins get card data: loopback origins (http(s)://localhost and
127.0.0.1 on any port, where `twnhi serve` and `twnhi demo` run) plus the origins given with
--allow-origin (your registration site). The bridge keeps running while pcscd is stopped
(requests answer 7001) and picks up again when it returns. Ctrl-C or SIGTERM stops it
gracefully.

Configuration, highest priority first: flags, TWNHI_BRIDGE_* environment variables, the
configuration file (JSON; --config, else ~/.config/twnhi/bridge.json when it exists), defaults.

Examples:
  twnhi bridge
  twnhi bridge --allow-origin https://nhi.example.org
  twnhi bridge --sim                            # no reader: a simulated card in process
  twnhi bridge cert                             # make the local CA for wss:// (once)
  twnhi bridge --tls-cert ~/.config/twnhi/bridge-tls/localhost.pem \\
               --tls-key ~/.config/twnhi/bridge-tls/localhost-key.pem
  TWNHI_LOG=info twnhi bridge --listen 127.0.0.1:7778";

const AFTER_LONG_HELP: &str = "\
Configuration file (JSON, every field optional):
  {\"listen\": \"127.0.0.1:7777\", \"allow_origins\": [\"https://nhi.example.org\"],
   \"loopback_origins\": true, \"allow_null_origin\": false, \"allow_hosts\": [],
   \"reader\": null, \"max_clients\": 64, \"max_frame\": 16384,
   \"tls_cert\": null, \"tls_key\": null, \"sim\": false, \"sim_identity\": null}

Running it as a systemd user service: packaging/systemd/twnhi-bridge.service and docs/bridge.md.

Exit codes: 0 stopped normally · 1 could not start (port in use, TLS files) · 2 bad
configuration.";

#[derive(Args, Debug)]
#[command(
    about = "健保卡元件 Run the local NHI card component browsers talk to",
    long_about = LONG_ABOUT,
    after_long_help = AFTER_LONG_HELP,
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
    /// 本機憑證 Write the local CA and a localhost certificate for wss:// / https://
    ///
    /// Creates (once) a certificate authority that may only certify localhost, 127.0.0.0/8,
    /// ::1 and the names given with --name, and issues a server certificate with it. Run it
    /// again to renew the server certificate: the CA is kept, so browsers keep trusting it.
    /// Prints how to make Chromium, Firefox and the system trust the CA.
    ///
    /// Examples:
    ///   twnhi bridge cert
    ///   twnhi bridge cert --name iccert.nhi.gov.tw   # pages written for the official component
    #[command(verbatim_doc_comment)]
    Cert(CertArgs),
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
    /// Configuration file (JSON) [default: ~/.config/twnhi/bridge.json if it exists].
    #[arg(long, value_name = "FILE", env = "TWNHI_BRIDGE_CONFIG")]
    config: Option<PathBuf>,
    /// Print the effective configuration as JSON and exit.
    #[arg(long)]
    print_config: bool,
}

#[derive(Args, Debug)]
struct CertArgs {
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

/// The configuration file: every field optional; flags and variables win over it.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<SocketAddr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    allow_origins: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loopback_origins: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_null_origin: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    allow_hosts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reader: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_clients: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_frame: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_connections: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_timeout_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_timeout_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ping_interval_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_cert: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_key: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sim: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sim_identity: Option<PathBuf>,
}

pub fn run(args: &BridgeArgs) -> ExitCode {
    match &args.command {
        Some(BridgeCommand::Cert(c)) => cert(c),
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

fn load_file(path: Option<&Path>) -> Result<FileConfig, String> {
    let (path, explicit) = match path {
        Some(p) => (p.to_owned(), true),
        None => match config_dir().map(|d| d.join("bridge.json")) {
            Some(p) if p.is_file() => (p, false),
            _ => return Ok(FileConfig::default()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "無法讀取設定檔 {p}（{e}）/ cannot read the configuration file {p} ({e})",
            p = path.display()
        )
    })?;
    let file: FileConfig = serde_json::from_str(&text).map_err(|e| {
        format!(
            "設定檔 {p} 格式錯誤（{e}）/ the configuration file {p} is malformed ({e})",
            p = path.display()
        )
    })?;
    if !explicit {
        tracing::info!(path = %path.display(), "configuration file loaded");
    }
    Ok(file)
}

/// Flags and variables over the file over the defaults.
fn merge(args: &RunArgs, file: FileConfig) -> Result<FileConfig, String> {
    let origins: Vec<String> = if args.allow_origins.is_empty() {
        file.allow_origins
    } else {
        args.allow_origins.iter().map(Origin::to_string).collect()
    };
    let sim_identity = args.sim_identity.clone().or(file.sim_identity);
    let (tls_cert, tls_key) = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => (Some(c.clone()), Some(k.clone())),
        _ => (file.tls_cert, file.tls_key),
    };
    if tls_cert.is_some() != tls_key.is_some() {
        return Err(
            "tls_cert 與 tls_key 必須同時設定 / tls_cert and tls_key go together".to_owned(),
        );
    }
    Ok(FileConfig {
        listen: Some(
            args.listen
                .or(file.listen)
                .unwrap_or(twnhi_bridge::config::DEFAULT_LISTEN),
        ),
        allow_origins: origins,
        loopback_origins: Some(!args.no_loopback_origins && file.loopback_origins.unwrap_or(true)),
        allow_null_origin: Some(args.allow_null_origin || file.allow_null_origin.unwrap_or(false)),
        allow_hosts: if args.allow_hosts.is_empty() {
            file.allow_hosts
        } else {
            args.allow_hosts.clone()
        },
        reader: args.reader.clone().or(file.reader),
        max_clients: Some(
            args.max_clients
                .or(file.max_clients)
                .unwrap_or(twnhi_bridge::config::DEFAULT_MAX_CLIENTS),
        ),
        max_frame: Some(
            args.max_frame
                .or(file.max_frame)
                .unwrap_or(twnhi_bridge::config::DEFAULT_MAX_FRAME),
        ),
        max_connections: Some(
            args.max_connections
                .or(file.max_connections)
                .unwrap_or(twnhi_bridge::config::DEFAULT_MAX_CONNECTIONS),
        ),
        header_timeout_secs: Some(
            args.header_timeout
                .or(file.header_timeout_secs)
                .unwrap_or(twnhi_bridge::config::DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64()),
        ),
        idle_timeout_secs: Some(
            args.idle_timeout
                .or(file.idle_timeout_secs)
                .unwrap_or(twnhi_bridge::config::DEFAULT_WS_IDLE_TIMEOUT.as_secs_f64()),
        ),
        ping_interval_secs: Some(
            args.ping_interval
                .or(file.ping_interval_secs)
                .unwrap_or(twnhi_bridge::config::DEFAULT_WS_PING_INTERVAL.as_secs_f64()),
        ),
        tls_cert,
        tls_key,
        sim: Some(args.sim || sim_identity.is_some() || file.sim.unwrap_or(false)),
        sim_identity,
    })
}

/// The library configuration; errors are (exit code, message).
fn build(eff: &FileConfig) -> Result<BridgeConfig, (u8, String)> {
    let usage = |m: String| (exit::USAGE, m);
    let mut config = BridgeConfig::default();
    if let Some(l) = eff.listen {
        config.listen = l;
    }
    for o in &eff.allow_origins {
        config
            .origins
            .allowed
            .push(Origin::parse(o).map_err(|e| usage(e.to_string()))?);
    }
    config.origins.allow_loopback = eff.loopback_origins.unwrap_or(true);
    config.origins.allow_null = eff.allow_null_origin.unwrap_or(false);
    config.extra_hosts = eff.allow_hosts.clone();
    config.reader = eff.reader.clone();
    config.max_clients = eff.max_clients.unwrap_or(config.max_clients);
    config.max_frame_bytes = eff.max_frame.unwrap_or(config.max_frame_bytes);
    config.max_connections = eff.max_connections.unwrap_or(config.max_connections);
    let secs = |name: &str, v: Option<f64>, default: Duration| match v {
        None => Ok(default),
        Some(v) => Duration::try_from_secs_f64(v).map_err(|_| {
            usage(format!(
                "{name} 須為不小於 0 的秒數 / {name} must be a number of seconds ≥ 0 (got {v})"
            ))
        }),
    };
    config.header_read_timeout = secs(
        "header_timeout",
        eff.header_timeout_secs,
        config.header_read_timeout,
    )?;
    config.ws_idle_timeout = secs(
        "idle_timeout",
        eff.idle_timeout_secs,
        config.ws_idle_timeout,
    )?;
    config.ws_ping_interval = secs(
        "ping_interval",
        eff.ping_interval_secs,
        config.ws_ping_interval,
    )?;
    if let (Some(c), Some(k)) = (&eff.tls_cert, &eff.tls_key) {
        config.tls =
            Some(twnhi_bridge::TlsSettings::from_pem_files(c, k).map_err(|e| (1, e.to_string()))?);
    }
    config
        .validate()
        .map_err(|e| usage(format!("設定錯誤 / bad configuration: {e}")))?;
    Ok(config)
}

fn backend(eff: &FileConfig) -> Result<(Arc<dyn CardBackend>, String), String> {
    if !eff.sim.unwrap_or(false) {
        return Ok((Arc::new(PcscBackend::new()), "PC/SC".to_owned()));
    }
    let identity = match &eff.sim_identity {
        None => twnhi_sim::Identity::sample(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "無法讀取身分檔 {p}（{e}）/ cannot read identity file {p} ({e})",
                    p = path.display()
                )
            })?;
            twnhi_sim::Identity::from_json(&text).map_err(|e| e.to_string())?
        }
    };
    let label = format!(
        "模擬卡 simulated card, reader \"{}\"",
        SimBackend::DEMO_READER
    );
    let card = twnhi_sim::SimCard::new(identity, twnhi_sim::Faults::default());
    let (backend, _reader) = SimBackend::with_card(card);
    Ok((Arc::new(backend), label))
}

#[allow(clippy::print_stderr, clippy::print_stdout)]
fn serve(args: &RunArgs) -> ExitCode {
    let eff = match load_file(args.config.as_deref()).and_then(|f| merge(args, f)) {
        Ok(e) => e,
        Err(m) => return exit::report(exit::USAGE, m),
    };
    if args.print_config {
        println!("{}", serde_json::to_string_pretty(&eff).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let config = match build(&eff) {
        Ok(c) => c,
        Err((code, m)) => return exit::report(code, m),
    };
    let (backend, cards) = match backend(&eff) {
        Ok(b) => b,
        Err(m) => return exit::report(exit::USAGE, m),
    };
    let mut origins = Vec::new();
    if config.origins.allow_loopback {
        origins.push("localhost / 127.0.0.1 (any port)".to_owned());
    }
    origins.extend(config.origins.allowed.iter().map(Origin::to_string));
    if config.origins.allow_null {
        origins.push("null".to_owned());
    }
    let result = twnhi_bridge::run_blocking(config, backend, |bound| {
        let url = bound.url();
        let ws = url.replacen("http", "ws", 1);
        eprintln!(
            "twnhi bridge {} — 健保卡元件 NHI card component",
            env!("CARGO_PKG_VERSION")
        );
        eprintln!("  檢測頁 check page   {url}");
        eprintln!("  舊版協定 legacy     {ws}echo");
        eprintln!("  JSON 協定           {ws}v1/ws · {url}v1/status");
        eprintln!("  讀卡 cards          {cards}");
        eprintln!("  允許來源 origins    {}", origins.join(", "));
        if !bound.is_loopback() {
            eprintln!(
                "注意 warning: 正在非本機位址 {} 監聽，其他電腦也能連線 / listening on a \
                 non-loopback address: other machines can reach the bridge",
                bound.local_addr()
            );
        }
        eprintln!("Ctrl-C 停止 / to stop");
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
        return exit::report(
            exit::USAGE,
            "找不到家目錄，請以 --out 指定目錄 / no home directory: give --out DIR",
        );
    };
    let files = match twnhi_bridge::tls::write_cert_dir(&dir, &args.names, args.new_ca) {
        Ok(f) => f,
        Err(e @ BridgeError::Config(_)) => return exit::report(exit::USAGE, e),
        Err(e) => return exit::report(1, e),
    };
    let ca = files.ca_cert.display();
    println!(
        "{}",
        if files.ca_created {
            "已建立新的本機憑證機構 / created a new local certificate authority"
        } else {
            "沿用既有的本機憑證機構，已更新伺服器憑證 / kept the existing CA, renewed the server certificate"
        }
    );
    println!("  CA 憑證 CA certificate      {ca}");
    println!("  CA 金鑰 CA key (0600)       {}", files.ca_key.display());
    println!(
        "  伺服器憑證 server cert      {}",
        files.server_cert.display()
    );
    println!(
        "  伺服器金鑰 server key (0600) {}",
        files.server_key.display()
    );
    println!(
        "  名稱 names                  {}, 127.0.0.1, ::1",
        files.names.join(", ")
    );
    println!();
    if files.ca_created {
        println!("信任此 CA（每台電腦一次）/ Trust the CA (once per machine):");
        println!();
        println!("  Chromium / Chrome (Linux, NSS; package libnss3-tools):");
        println!(
            "    certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n \"twnhi bridge local CA\" -i {ca}"
        );
        println!("  Firefox (each profile; snap Firefox: ~/snap/firefox/common/.mozilla/firefox):");
        println!(
            "    for p in ~/.mozilla/firefox/*.default*; do certutil -d sql:$p -A -t \"C,,\" -n \"twnhi bridge local CA\" -i {ca}; done"
        );
        println!(
            "    (or Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import)"
        );
        println!("  System store, Debian / Ubuntu:");
        println!(
            "    sudo cp {ca} /usr/local/share/ca-certificates/twnhi-bridge-ca.crt && sudo update-ca-certificates"
        );
        println!("  System store, Fedora:");
        println!(
            "    sudo cp {ca} /etc/pki/ca-trust/source/anchors/twnhi-bridge-ca.pem && sudo update-ca-trust"
        );
        println!();
        println!(
            "此 CA 只能簽發 localhost、127.0.0.0/8、::1 與上列名稱的憑證。/ The CA can only certify localhost, 127.0.0.0/8, ::1 and the names above."
        );
        println!("重新啟動瀏覽器後生效。/ Restart the browsers afterwards.");
        println!();
    }
    println!("啟動 Run:");
    println!(
        "  twnhi bridge --tls-cert {} --tls-key {}",
        files.server_cert.display(),
        files.server_key.display()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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
    fn flags_win_over_the_file() {
        let file: FileConfig = serde_json::from_str(
            r#"{"listen":"127.0.0.1:9000","allow_origins":["https://a.example"],"max_clients":5,"loopback_origins":false}"#,
        )
        .unwrap();
        let eff = merge(&parse(&["--listen", "127.0.0.1:9001"]), file).unwrap();
        assert_eq!(eff.listen.unwrap().port(), 9001);
        assert_eq!(eff.allow_origins, ["https://a.example"]);
        assert_eq!(eff.max_clients, Some(5));
        assert_eq!(eff.loopback_origins, Some(false));
        let c = build(&eff).unwrap();
        assert!(!c.origins.allow_loopback);
        assert_eq!(c.max_clients, 5);
    }

    #[test]
    fn defaults_without_file() {
        let eff = merge(&parse(&[]), FileConfig::default()).unwrap();
        let c = build(&eff).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:7777");
        assert!(c.origins.allow_loopback && !c.origins.allow_null);
        assert_eq!(eff.sim, Some(false));
    }

    #[test]
    fn connection_limits_and_timeouts_reach_the_library() {
        let file: FileConfig = serde_json::from_str(
            r#"{"max_connections":32,"idle_timeout_secs":90,"ping_interval_secs":15}"#,
        )
        .unwrap();
        let eff = merge(
            &parse(&["--header-timeout", "2.5", "--idle-timeout", "120"]),
            file,
        )
        .unwrap();
        let c = build(&eff).unwrap();
        assert_eq!(c.max_connections, 32);
        assert_eq!(c.header_read_timeout, Duration::from_millis(2500));
        assert_eq!(c.ws_idle_timeout, Duration::from_secs(120));
        assert_eq!(c.ws_ping_interval, Duration::from_secs(15));
        // Defaults are the library's.
        let c = build(&merge(&parse(&[]), FileConfig::default()).unwrap()).unwrap();
        let d = BridgeConfig::default();
        assert_eq!(c.max_connections, d.max_connections);
        assert_eq!(c.ws_idle_timeout, d.ws_idle_timeout);
        // A ping interval not shorter than the idle timeout, a negative or too short timeout.
        for argv in [
            &["--ping-interval", "60", "--idle-timeout", "60"][..],
            &["--header-timeout=-1"][..],
            &["--idle-timeout", "0.01"][..],
            &["--max-connections", "0"][..],
        ] {
            let eff = merge(&parse(argv), FileConfig::default()).unwrap();
            assert_eq!(build(&eff).unwrap_err().0, exit::USAGE, "{argv:?}");
        }
    }

    #[test]
    fn bad_values_are_usage_errors() {
        assert!(serde_json::from_str::<FileConfig>(r#"{"lisen":"x"}"#).is_err());
        let eff = merge(&parse(&["--max-clients", "0"]), FileConfig::default()).unwrap();
        assert_eq!(build(&eff).unwrap_err().0, exit::USAGE);
        let file = FileConfig {
            tls_cert: Some("a".into()),
            ..FileConfig::default()
        };
        assert!(merge(&parse(&[]), file).is_err());
        let file = FileConfig {
            allow_origins: vec!["nope".into()],
            ..FileConfig::default()
        };
        let eff = merge(&parse(&[]), file).unwrap();
        assert_eq!(build(&eff).unwrap_err().0, exit::USAGE);
    }
}
