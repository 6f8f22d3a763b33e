//! `twnhi demo` with SoftHSM2: the real binary puts its people's citizen certificates into
//! SoftHSM2 tokens in a directory of its own, other programs reach them with the
//! `SOFTHSM2_CONF` the banner prints (`twnhi cert list|sign` with the demo PIN, the
//! signatures checked with `openssl dgst -verify`, the certificates with `twnhi cert verify`
//! against the demo CA), and the directory is gone once the demo stops on SIGTERM or
//! Ctrl-C (SIGINT).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use twnhi_pkcs11::{CertificateToken, Pkcs11Token};

const PIN: &str = "246810";
/// Set for the helper process that reads the demo's tokens through the module.
const EXPORT_ENV: &str = "TWNHI_TEST_DEMO_EXPORT";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `twnhi` with `SOFTHSM2_CONF` = `conf` and `stdin` on its standard input.
fn twnhi(conf: &Path, args: &[&str], stdin: &str) -> Output {
    common::twnhi_stdin(args, &[("SOFTHSM2_CONF", conf.as_os_str())], stdin)
}

/// A running `twnhi demo` and its banner, read up to the list of people.
struct RunningDemo {
    child: Child,
    banner: Vec<String>,
    rest: mpsc::Receiver<String>,
}

fn start_demo(data: &Path, cert_token: &str) -> RunningDemo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(["demo", "--data-dir"])
        .arg(data)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--bridge-listen",
            "127.0.0.1:0",
            "--people",
            "3",
            "--cert-token",
            cert_token,
            "--log",
            "info",
        ])
        .env_remove("SOFTHSM2_CONF")
        .env_remove("TWNHI_DEMO_SOFTHSM2_MODULE")
        .env_remove("TWNHI_DEMO_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn twnhi demo");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx2.send(format!("stderr: {line}"));
        }
    });
    let mut banner = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                let done = line.contains("Ctrl-C");
                banner.push(line);
                if done {
                    break;
                }
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the demo did not start ({e}):\n{}", banner.join("\n"));
            }
        }
    }
    RunningDemo {
        child,
        banner,
        rest: rx,
    }
}

impl RunningDemo {
    /// Sends `signal` (`TERM`, `INT`) to the demo's first process (by its PID) and waits for
    /// its exit code; `None` when it does not stop within 30 s.
    fn signal_and_wait(&mut self, signal: &str) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal} {pid}");
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    /// Stops the demo with `signal`: its exit code and the lines it wrote after the banner.
    fn stop(mut self, signal: &str) -> (i32, Vec<String>) {
        let code = self
            .signal_and_wait(signal)
            .unwrap_or_else(|| panic!("the demo did not stop on SIG{signal}"));
        let rest: Vec<String> = self.rest.try_iter().collect();
        (code, rest)
    }
}

impl Drop for RunningDemo {
    /// A failed test stops its demo too (SIGTERM, so that it removes its directory).
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) && self.signal_and_wait("TERM").is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `SOFTHSM2_CONF` and the module the banner prints.
fn softhsm_line(banner: &[String]) -> (PathBuf, PathBuf) {
    let line = banner
        .iter()
        .find(|l| l.contains("SOFTHSM2_CONF="))
        .unwrap_or_else(|| panic!("no SOFTHSM2_CONF line:\n{}", banner.join("\n")));
    let conf = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("SOFTHSM2_CONF="))
        .unwrap();
    let module = line.split_whitespace().last().unwrap();
    (PathBuf::from(conf), PathBuf::from(module))
}

/// The helper process: writes the DER of every certificate of the demo's tokens into the
/// directory [`EXPORT_ENV`] names, `<token label>.der`, read through the module with the
/// demo's `SOFTHSM2_CONF`. Run by `demo_keeps_its_certificates_in_softhsm2` only.
#[test]
#[ignore = "a helper process of demo_keeps_its_certificates_in_softhsm2"]
fn export_demo_certificates() {
    let out = PathBuf::from(std::env::var_os(EXPORT_ENV).expect("run by the demo test"));
    let module = std::env::var_os("TWNHI_TEST_DEMO_MODULE").expect("the module");
    let token = Pkcs11Token::open(PathBuf::from(module)).unwrap();
    for cert in token.certificates().unwrap() {
        std::fs::write(out.join(format!("{}.der", cert.token_label)), &cert.der).unwrap();
    }
}

fn export(conf: &Path, module: &Path, out: &Path) {
    let run = Command::new(std::env::current_exe().unwrap())
        .args([
            "export_demo_certificates",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTHSM2_CONF", conf)
        .env(EXPORT_ENV, out)
        .env("TWNHI_TEST_DEMO_MODULE", module)
        .output()
        .unwrap();
    assert!(
        run.status.success() && text(&run.stdout).contains("1 passed"),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
}

/// `openssl dgst -sha256 -verify` of the base64 signature `sig` over `data` with the public key
/// of the DER certificate `cert`.
fn openssl_verifies(dir: &Path, cert: &Path, data: &[u8], sig: &str) -> bool {
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sig.trim())
        .unwrap();
    std::fs::write(dir.join("signed-data"), data).unwrap();
    std::fs::write(dir.join("signature"), sig).unwrap();
    let pubkey = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-pubkey", "-noout", "-in"])
        .arg(cert)
        .arg("-out")
        .arg(dir.join("pub.pem"))
        .status()
        .expect("openssl (Debian package openssl)");
    assert!(pubkey.success(), "openssl x509 -pubkey");
    let out = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(dir.join("pub.pem"))
        .arg("-signature")
        .arg(dir.join("signature"))
        .arg(dir.join("signed-data"))
        .output()
        .unwrap();
    out.status.success() && text(&out.stdout).contains("Verified OK")
}

#[test]
fn demo_keeps_its_certificates_in_softhsm2() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let demo = start_demo(&data, "softhsm");
    let (conf, module) = softhsm_line(&demo.banner);
    let banner = demo.banner.join("\n");
    let banner_lines = demo.banner.clone();
    assert!(banner.contains("SoftHSM2 tokens, PIN 246810"), "{banner}");
    let hsm_dir = conf.parent().unwrap().to_path_buf();
    assert!(
        hsm_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("twnhi-demo-softhsm-"),
        "{}",
        hsm_dir.display()
    );
    assert!(!hsm_dir.starts_with(&data), "outside the data directory");
    let token_dirs = std::fs::read_dir(hsm_dir.join("tokens")).unwrap().count();
    assert_eq!(token_dirs, 3, "one SoftHSM2 token per person");

    // `twnhi cert list` in another process sees the three people's tokens.
    let out = twnhi(
        &conf,
        &[
            "cert",
            "list",
            "--module",
            module.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut labels: Vec<&str> = json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    labels.sort_unstable();
    assert_eq!(
        labels,
        [
            "TWNHI DEMO CITIZEN 00000001",
            "TWNHI DEMO CITIZEN 00000002",
            "TWNHI DEMO CITIZEN 00000003"
        ]
    );
    let certs = json["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 3, "{certs:?}");
    for c in certs {
        assert!(
            c["issuer"]
                .as_str()
                .unwrap()
                .contains("CN=twnhi Demo Citizen CA"),
            "{c}"
        );
        assert_eq!(c["key"]["type"], "ec", "{c}");
        assert_eq!(c["key"]["curve"], "P-256", "{c}");
        assert_eq!(c["id"], hex_of(b"SIGN"));
        // The certificate names a person of the banner.
        let subject = c["subject"].as_str().unwrap();
        let cn = subject.rsplit("CN=").next().unwrap();
        assert!(
            demo.banner.iter().any(|l| l.trim_start().starts_with(cn)),
            "{subject} not in the banner"
        );
    }

    // Each certificate chains to the demo CA, and its key signs with the demo PIN.
    let exported = temp.path().join("certs");
    std::fs::create_dir(&exported).unwrap();
    export(&conf, &module, &exported);
    let ca = data.join("demo-ca").join("ca.pem");
    for c in certs {
        let label = c["token_label"].as_str().unwrap();
        let der = exported.join(format!("{label}.der"));
        let verify = twnhi(
            &conf,
            &[
                "cert",
                "verify",
                "--trust",
                ca.to_str().unwrap(),
                der.to_str().unwrap(),
            ],
            "",
        );
        assert!(verify.status.success(), "{label}: {}", text(&verify.stderr));

        let serial = c["serial"].as_str().unwrap();
        let data_bytes = b"twnhi-demo-challenge";
        let data_hex = hex_of(data_bytes);
        let sign = |pin: &str| {
            twnhi(
                &conf,
                &[
                    "cert",
                    "sign",
                    "--module",
                    module.to_str().unwrap(),
                    "--cert",
                    serial,
                    "--data-hex",
                    &data_hex,
                    "--scheme",
                    "ecdsa-p256-sha256",
                ],
                &format!("{pin}\n"),
            )
        };
        let signed = sign(PIN);
        assert!(signed.status.success(), "{label}: {}", text(&signed.stderr));
        assert!(
            openssl_verifies(temp.path(), &der, data_bytes, &text(&signed.stdout)),
            "{label}: the signature does not verify"
        );
        assert!(
            !openssl_verifies(temp.path(), &der, b"other data", &text(&signed.stdout)),
            "{label}: a signature of other data verifies"
        );
        let wrong = sign("135790");
        assert_eq!(wrong.status.code(), Some(4), "{}", text(&wrong.stderr));
        assert!(
            text(&wrong.stderr).contains("[7504]"),
            "{}",
            text(&wrong.stderr)
        );
    }

    // SIGTERM to the demo: it stops, and its SoftHSM2 directory goes with it.
    let (code, rest) = demo.stop("TERM");
    assert_eq!(code, 0, "{rest:?}");
    assert!(!hsm_dir.exists(), "{} left behind", hsm_dir.display());
    assert!(
        rest.iter().any(|l| l.contains("SoftHSM2 tokens removed")),
        "{rest:?}"
    );
    // The log says where the certificates are.
    assert!(
        banner_lines
            .iter()
            .chain(&rest)
            .any(|l| l.contains("demo citizen certificates made") && l.contains("softhsm2")),
        "{banner_lines:?} {rest:?}"
    );
    assert!(data.join("demo-ca").join("ca.key").exists());
}

#[test]
fn demo_stopped_with_ctrl_c_leaves_no_token_behind() {
    let temp = tempfile::tempdir().unwrap();
    let demo = start_demo(&temp.path().join("data"), "auto");
    let (conf, _) = softhsm_line(&demo.banner);
    let hsm_dir = conf.parent().unwrap().to_path_buf();
    assert!(hsm_dir.join("tokens").is_dir());
    let (code, rest) = demo.stop("INT");
    assert_eq!(code, 0, "{rest:?}");
    assert!(!hsm_dir.exists(), "{} left behind", hsm_dir.display());
}

#[test]
fn demo_with_software_tokens_makes_no_softhsm2_directory() {
    let temp = tempfile::tempdir().unwrap();
    let demo = start_demo(&temp.path().join("data"), "soft");
    let banner = demo.banner.join("\n");
    assert!(
        banner.contains("in-process software tokens, PIN 246810"),
        "{banner}"
    );
    assert!(!banner.contains("SOFTHSM2_CONF"), "{banner}");
    let (code, rest) = demo.stop("TERM");
    assert_eq!(code, 0, "{rest:?}");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The demo's second process stops by itself when the first is killed outright (SIGKILL);
/// the directory is then left for the test to remove, since the first cannot.
#[cfg(target_os = "linux")]
#[test]
fn the_demo_stops_when_its_first_process_is_killed() {
    let temp = tempfile::tempdir().unwrap();
    let mut demo = start_demo(&temp.path().join("data"), "softhsm");
    let (conf, _) = softhsm_line(&demo.banner);
    let hsm_dir = conf.parent().unwrap().to_path_buf();
    let parent = demo.child.id();
    let children =
        std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).unwrap();
    let second: u32 = children.split_whitespace().next().unwrap().parse().unwrap();
    assert!(Path::new(&format!("/proc/{second}")).exists());
    demo.child.kill().unwrap();
    demo.child.wait().unwrap();
    // The second process is gone (or a zombie waiting for its new parent) within 30 s.
    let gone = (0..300).any(|_| {
        let state = std::fs::read_to_string(format!("/proc/{second}/stat")).unwrap_or_default();
        let running = state
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|s| s != "Z" && s != "X");
        if running {
            std::thread::sleep(Duration::from_millis(100));
        }
        !running
    });
    if !gone {
        let _ = Command::new("kill")
            .args(["-KILL", &second.to_string()])
            .status();
    }
    std::fs::remove_dir_all(&hsm_dir).unwrap();
    assert!(gone, "the demo's second process still runs");
}
