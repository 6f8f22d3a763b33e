//! `twnhi cert verify` against the test PKI of `twnhi-testkit` written as PEM files: exit 0
//! with a summary for valid certificates, 1 with the reason and its code for each bad one,
//! 2 for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;
use twnhi_testkit::pki::TestPki;

/// The PEM files of one test PKI, shared by the tests of this binary.
static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    TestPki::generate().write_pem(dir.path());
    std::fs::write(dir.path().join("not-pem.txt"), "hello\n").unwrap();
    std::fs::write(
        dir.path().join("garbage.pem"),
        "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    dir
});

fn file(name: &str) -> String {
    let p: PathBuf = DIR.path().join(name);
    p.to_str().unwrap().to_owned()
}

fn twnhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(args)
        .env_remove("TWNHI_LOG")
        .output()
        .expect("run twnhi")
}

/// `twnhi cert verify --trust root.pem --intermediate intermediate.pem [--crl crl.pem] CERT`.
fn verify(cert: &str, crl: Option<&str>, extra: &[&str]) -> Output {
    let (root, intermediate, cert) = (file("root.pem"), file("intermediate.pem"), file(cert));
    let mut args = vec![
        "cert",
        "verify",
        "--trust",
        &root,
        "--intermediate",
        &intermediate,
    ];
    let crl = crl.map(file);
    if let Some(crl) = &crl {
        args.extend(["--crl", crl]);
    }
    args.extend(extra);
    args.push(&cert);
    twnhi(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn valid_certificates_exit_0_with_a_summary() {
    let o = verify("valid-rsa.pem", Some("crl.pem"), &[]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(
        out.starts_with("憑證有效 / the certificate is valid\n"),
        "{out}"
    );
    assert!(out.contains("Test Citizen Valid RSA"), "{out}");
    assert!(out.contains("身分證末四碼"), "{out}");
    assert!(out.contains(" 0004\n"), "{out}");
    assert!(out.contains(" 1001\n"), "{out}");
    assert!(out.contains("RSA 2048"), "{out}");
    assert!(
        out.contains("CN=twnhi Test Citizen CA → C=TW, O=twnhi test PKI, CN=twnhi Test Root CA"),
        "{out}"
    );
    assert!(out.contains("checked against 1 CRL"), "{out}");
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));

    let o = verify("valid-ecdsa.pem", None, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["key"]["type"], "ecp256");
    assert_eq!(json["id_last4"], "0005");
    assert_eq!(json["crls_checked"], serde_json::Value::Null);
}

#[test]
fn each_bad_certificate_exits_1_with_its_reason() {
    let cases = [
        ("expired.pem", "[7604]", "expired"),
        ("not-yet-valid.pem", "[7605]", "not yet valid"),
        ("revoked.pem", "[7606]", "revoked"),
        ("foreign.pem", "[7602]", "not issued by a trusted"),
        ("wrong-key-usage.pem", "[7607]", "key usage"),
        ("wrong-eku.pem", "[7607]", "key usage"),
        ("forged.pem", "[7603]", "signature is invalid"),
        ("garbage.pem", "[7601]", "malformed"),
    ];
    for (cert, code, words) in cases {
        let o = verify(cert, Some("crl.pem"), &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cert}: {err}");
        assert!(o.stdout.is_empty(), "{cert}");
        assert!(err.starts_with("錯誤 error: "), "{cert}: {err}");
        assert!(err.trim_end().ends_with(code), "{cert}: {err}");
        assert!(err.contains(words), "{cert}: {err}");
        assert_eq!(err.lines().count(), 1, "{cert}: {err}");
    }
    // A stale CRL leaves the status unknown.
    let o = verify("valid-rsa.pem", Some("crl-stale.pem"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("[7609]"), "{}", text(&o.stderr));
}

#[test]
fn a_chain_in_the_certificate_file_supplies_intermediates() {
    let chain = DIR.path().join("chain.pem");
    let pem = |name: &str| std::fs::read_to_string(file(name)).unwrap();
    std::fs::write(&chain, pem("valid-ecdsa.pem") + &pem("intermediate.pem")).unwrap();
    let root = file("root.pem");
    let chain = chain.to_str().unwrap();
    let o = twnhi(&["cert", "verify", "--trust", &root, chain]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Test Citizen Valid ECDSA"));
    // Without the intermediate the root alone does not reach the certificate.
    let o = twnhi(&["cert", "verify", "--trust", &root, &file("valid-ecdsa.pem")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("[7602]"), "{}", text(&o.stderr));
}

#[test]
fn the_time_can_be_given() {
    // The expired certificate was valid 60 days ago, the not-yet-valid one will be in 60.
    let day = chrono::Duration::days(60);
    let past = (chrono::Utc::now() - day).to_rfc3339();
    let o = verify("expired.pem", None, &["--at", &past]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let future = (chrono::Utc::now() + day).to_rfc3339();
    let o = verify("not-yet-valid.pem", None, &["--at", &future]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The valid certificate was not valid yet a year and a half ago.
    let o = verify(
        "valid-rsa.pem",
        None,
        &["--at", "2000-01-01T00:00:00+08:00"],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn bad_input_exits_2() {
    let cases: [(&[&str], &str); 5] = [
        (&["--at", "yesterday"], "RFC 3339"),
        (
            &["--crl", "not-pem.txt"],
            "not a usable certificate revocation list",
        ),
        (&["--crl", "missing.crl"], "cannot read"),
        (&["--intermediate", "not-pem.txt"], "holds no certificate"),
        (&["--intermediate", "missing.pem"], "cannot read"),
    ];
    for (extra, words) in cases {
        let extra: Vec<String> = extra
            .iter()
            .map(|a| {
                if a.contains('.') {
                    file(a)
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let o = verify("valid-rsa.pem", None, &extra);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.starts_with("錯誤 error: "), "{extra:?}: {err}");
        assert!(err.contains(words), "{extra:?}: {err}");
    }
    let o = verify("missing.pem", None, &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = verify("not-pem.txt", None, &[]);
    assert_eq!(o.status.code(), Some(2));
    // --trust is required (clap's usage error, also 2).
    let o = twnhi(&["cert", "verify", &file("valid-rsa.pem")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(Path::new(&file("root.pem")).exists());
}

#[test]
fn help_comes_from_the_catalog() {
    let o = twnhi(&["cert", "verify", "--help"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.contains("驗證憑證"), "{out}");
    assert!(out.contains("Exit codes: 0 valid"), "{out}");
    assert!(out.contains("--intermediate"), "{out}");
}

/// A small HTTP/1.1 server on a loopback port (tokio): `GET /crl` answers `crl`, `POST
/// /ocsp` is answered by `openssl ocsp` in responder mode from `dir` (`-index`, `-CA`,
/// `-rsigner`, `-rkey`). One request per connection.
fn publication_point(
    dir: PathBuf,
    crl: Vec<u8>,
) -> (std::net::SocketAddr, tokio::runtime::Runtime) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (dir, crl) = (dir.clone(), crl.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0_u8; 4096];
                let (head_end, length) = loop {
                    let n = stream.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "request cut short");
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                        break (i + 4, length);
                    }
                };
                while buf.len() < head_end + length {
                    let n = stream.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "body cut short");
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = if buf.starts_with(b"GET /crl ") {
                    crl
                } else if buf.starts_with(b"POST /ocsp ") {
                    let request = buf[head_end..head_end + length].to_vec();
                    tokio::task::spawn_blocking(move || {
                        std::fs::write(dir.join("req.der"), request).unwrap();
                        let ok = Command::new("openssl")
                            .current_dir(&dir)
                            .args(["ocsp", "-index", "index.txt", "-CA", "ca.pem"])
                            .args([
                                "-rsigner",
                                "signer.pem",
                                "-rkey",
                                "signer.key",
                                "-nmin",
                                "60",
                            ])
                            .args(["-reqin", "req.der", "-respout", "resp.der"])
                            .output()
                            .unwrap()
                            .status
                            .success();
                        assert!(ok, "openssl ocsp");
                        std::fs::read(dir.join("resp.der")).unwrap()
                    })
                    .await
                    .unwrap()
                } else {
                    Vec::new()
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).await.unwrap();
                stream.write_all(&body).await.unwrap();
                stream.shutdown().await.unwrap();
            });
        }
    });
    (addr, rt)
}

#[test]
fn crls_from_a_url_and_an_ocsp_responder() {
    let pki = TestPki::generate();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki.write_pem(d);
    std::fs::write(d.join("ca.pem"), &pki.intermediate.pem).unwrap();
    std::fs::write(d.join("signer.pem"), &pki.ocsp_responder.pem).unwrap();
    std::fs::write(d.join("signer.key"), &pki.ocsp_responder_key_pem).unwrap();
    std::fs::write(d.join("index.txt.attr"), "unique_subject = no\n").unwrap();
    // valid_rsa good, valid_ecdsa revoked, every other serial unknown.
    let index = format!(
        "V\t491231235959Z\t\t{}\tunknown\t/CN=a\nR\t491231235959Z\t250101000000Z\t{}\tunknown\t/CN=b\n",
        pki.valid_rsa.serial_hex, pki.valid_ecdsa.serial_hex
    );
    std::fs::write(d.join("index.txt"), index).unwrap();
    let (addr, rt) = publication_point(d.to_path_buf(), pki.crl_der.clone());
    let path = |name: &str| d.join(name).to_str().unwrap().to_owned();
    let (crl, ocsp) = (format!("http://{addr}/crl"), format!("http://{addr}/ocsp"));
    let run = |cert: &str, extra: &[&str]| {
        let (root, intermediate, cert) = (path("root.pem"), path("intermediate.pem"), path(cert));
        let mut args = vec![
            "cert",
            "verify",
            "--trust",
            &root,
            "--intermediate",
            &intermediate,
        ];
        args.extend(extra);
        args.push(&cert);
        twnhi(&args)
    };

    // The CRL fetched from its URL: the revoked certificate is refused.
    let o = run("revoked.pem", &["--crl", &crl]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("[7606]"), "{}", text(&o.stderr));
    // CRL and OCSP good: exit 0 with the OCSP line.
    let o = run("valid-rsa.pem", &["--crl", &crl, "--ocsp", &ocsp]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("正常（未廢止）"),
        "{}",
        text(&o.stdout)
    );
    let o = run("valid-rsa.pem", &["--ocsp", &ocsp, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["ocsp"], "good");
    // Revoked by OCSP, unknown to OCSP: exit 1 with the reason.
    let o = run("valid-ecdsa.pem", &["--crl", &crl, "--ocsp", &ocsp]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("[7606]"), "{}", text(&o.stderr));
    // Without a CRL the revoked certificate passes the chain; the responder does not know
    // it: unknown, refused.
    let o = run("revoked.pem", &["--ocsp", &ocsp]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("[7608]"), "{}", text(&o.stderr));
    // Bad input: a CRL URL nobody answers, an https:// responder.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let o = run(
        "valid-rsa.pem",
        &["--crl", &format!("http://127.0.0.1:{port}/crl")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("[7632]"), "{}", text(&o.stderr));
    let o = run("valid-rsa.pem", &["--ocsp", "https://127.0.0.1/ocsp"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("[7631]"), "{}", text(&o.stderr));
    rt.shutdown_background();
}
