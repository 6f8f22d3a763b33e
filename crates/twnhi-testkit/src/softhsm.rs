//! SoftHSM2 as a real PKCS#11 token for the certificate tests (feature `softhsm`).
//!
//! SoftHSM2 reads its configuration file from the environment variable `SOFTHSM2_CONF` when
//! `C_Initialize` runs, and a PKCS#11 module is one library per process. Environment
//! variables are process-wide (and changing them is `unsafe` in Rust 2024), so a test never
//! changes its own: [`SoftHsm::isolated`] creates a fresh directory with its own
//! `softhsm2.conf` and token directory, then runs the test's body in a **child process** — the
//! same test binary, filtered to that one test — with `SOFTHSM2_CONF` set for it. Each test
//! thus has its own tokens and its own copy of the module; tests run in parallel; the
//! directory is removed when the child ends. Programs the body starts (`softhsm2-util`,
//! `twnhi`) inherit the variable.
//!
//! Keys are made at test time: RSA with `openssl genpkey` (ring, which rcgen uses here, cannot
//! generate RSA keys), EC P-256 with rcgen; `softhsm2-util --import` puts the key pair on the
//! token, a self-signed certificate (rcgen) is created as a certificate object through
//! `cryptoki` with the same `CKA_ID`.
//!
//! ```no_run
//! use twnhi_testkit::softhsm::{KeyKind, SoftHsm};
//!
//! #[test]
//! fn signs() {
//!     SoftHsm::isolated("signs", |hsm| {
//!         hsm.init_token("citizen", "so-pin-1", "123456");
//!         let cert = hsm.import_new_key("citizen", "123456", KeyKind::Rsa2048, &[1], "k1", "Test");
//!         // … load hsm.module() with the code under test, sign with cert.serial …
//!     });
//! }
//! ```
//!
//! Requirements: the Debian packages `softhsm2` and `openssl` (`scripts/test` installs them).
//! Without them the harness panics with an explanation: a missing token fails the tests, it
//! never skips them. The module is found at `/usr/lib/softhsm/libsofthsm2.so` (Debian) or a
//! few other usual places, or where [`MODULE_ENV`] says.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;

/// The environment variable naming the SoftHSM2 module (overrides the usual paths).
pub const MODULE_ENV: &str = "TWNHI_SOFTHSM_MODULE";

/// The variable telling a child process which test it runs (set by [`SoftHsm::isolated`]).
const CHILD_ENV: &str = "TWNHI_SOFTHSM_TEST";

/// The SoftHSM2 PKCS#11 module of this machine.
pub fn module() -> PathBuf {
    if let Some(p) = std::env::var_os(MODULE_ENV).filter(|p| !p.is_empty()) {
        return p.into();
    }
    for p in [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",
    ] {
        if Path::new(p).exists() {
            return p.into();
        }
    }
    panic!(
        "SoftHSM2 not found: install the Debian package `softhsm2` (scripts/test does), or \
         set {MODULE_ENV} to the path of libsofthsm2.so"
    );
}

/// The kind of key pair [`SoftHsm::import_new_key`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA, 2048 bits (as on MOICA cards).
    Rsa2048,
    /// EC on P-256.
    EcP256,
}

/// A certificate put on a token with its key.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The certificate's serial number, uppercase hex without leading zeros.
    pub serial: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The private key, PKCS#8 DER (to check signatures independently, or for a software
    /// token).
    pub pkcs8: Vec<u8>,
}

/// A SoftHSM2 configuration of one test: a directory with `softhsm2.conf` and `tokens/`.
pub struct SoftHsm {
    dir: PathBuf,
    module: PathBuf,
    /// Held by the parent: removes the directory when dropped.
    _temp: Option<tempfile::TempDir>,
}

impl SoftHsm {
    /// Runs `body` in a child process with a fresh SoftHSM2 configuration (see the module's
    /// documentation). `test` must be the test function's full name (its path in the test
    /// binary, e.g. `signs` or `cli::signs`), which the child is filtered to. Panics when the
    /// child's body fails, with the child's output.
    pub fn isolated(test: &str, body: impl FnOnce(&SoftHsm)) {
        if std::env::var(CHILD_ENV).as_deref() == Ok(test) {
            let conf = std::env::var_os("SOFTHSM2_CONF").expect("SOFTHSM2_CONF in the child");
            let dir = Path::new(&conf).parent().expect("conf dir").to_path_buf();
            body(&SoftHsm {
                dir,
                module: module(),
                _temp: None,
            });
            return;
        }
        let hsm = SoftHsm::create();
        let exe = std::env::current_exe().expect("the test binary's path");
        let out = Command::new(exe)
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env("SOFTHSM2_CONF", hsm.conf())
            .env(CHILD_ENV, test)
            .stdin(Stdio::null())
            .output()
            .expect("run the test binary");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "test `{test}` failed in its SoftHSM2 process ({}):\n{stdout}\n{stderr}",
            out.status
        );
        // The filter must have matched: a typo in `test` would otherwise pass silently.
        assert!(
            stdout.contains("1 passed"),
            "test `{test}` did not run in its SoftHSM2 process (is the name its full path?):\n{stdout}"
        );
    }

    /// A fresh configuration in a new temporary directory.
    fn create() -> SoftHsm {
        let temp = tempfile::Builder::new()
            .prefix("twnhi-softhsm-")
            .tempdir()
            .expect("temporary directory");
        let dir = temp.path().to_path_buf();
        std::fs::create_dir(dir.join("tokens")).expect("tokens directory");
        std::fs::write(
            dir.join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n\
                 slots.removable = false\n",
                dir.join("tokens").display()
            ),
        )
        .expect("softhsm2.conf");
        SoftHsm {
            dir,
            module: module(),
            _temp: Some(temp),
        }
    }

    /// The directory of this configuration.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The configuration file (`SOFTHSM2_CONF`).
    pub fn conf(&self) -> PathBuf {
        self.dir.join("softhsm2.conf")
    }

    /// The SoftHSM2 module.
    pub fn module(&self) -> &Path {
        &self.module
    }

    /// `softhsm2-util` with `SOFTHSM2_CONF` set.
    fn util(&self, args: &[&str]) {
        let out = Command::new("softhsm2-util")
            .args(args)
            .env("SOFTHSM2_CONF", self.conf())
            .stdin(Stdio::null())
            .output()
            .expect("softhsm2-util (Debian package softhsm2)");
        assert!(
            out.status.success(),
            "softhsm2-util {}: {}{}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Initialises a token in the first free slot.
    pub fn init_token(&self, label: &str, so_pin: &str, user_pin: &str) {
        self.util(&[
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            so_pin,
            "--pin",
            user_pin,
        ]);
    }

    /// A token `token` (SO PIN `so_pin`, user PIN `pin`) shaped like a MOICA card: an RSA
    /// 2048 certificate with `CKA_ID` `SIGN` (label `sign`) and an EC P-256 one with
    /// `CKA_ID` `EC01` (label `ec`), both for `CN=<common_name>`. Returns (RSA, EC).
    pub fn citizen_token(
        &self,
        token: &str,
        so_pin: &str,
        pin: &str,
        common_name: &str,
    ) -> (Imported, Imported) {
        self.init_token(token, so_pin, pin);
        let rsa = self.import_new_key(token, pin, KeyKind::Rsa2048, b"SIGN", "sign", common_name);
        let ec = self.import_new_key(token, pin, KeyKind::EcP256, b"EC01", "ec", common_name);
        (rsa, ec)
    }

    /// Whether `openssl dgst -sha256 -verify` accepts `sig` over `data` under the public key
    /// of the DER certificate `cert` (RSA-PSS with a 32-byte salt when `pss`), with its files
    /// in this test's directory.
    pub fn openssl_verifies(&self, cert: &[u8], pss: bool, data: &[u8], sig: &[u8]) -> bool {
        let dir = &self.dir;
        std::fs::write(dir.join("verify-cert.der"), cert).expect("write");
        std::fs::write(dir.join("verify-data"), data).expect("write");
        std::fs::write(dir.join("verify-sig"), sig).expect("write");
        let pubkey = Command::new("openssl")
            .args(["x509", "-inform", "DER", "-pubkey", "-noout", "-in"])
            .arg(dir.join("verify-cert.der"))
            .arg("-out")
            .arg(dir.join("verify-pub.pem"))
            .status()
            .expect("openssl");
        assert!(pubkey.success(), "openssl x509 -pubkey");
        let mut cmd = Command::new("openssl");
        cmd.args(["dgst", "-sha256", "-verify"])
            .arg(dir.join("verify-pub.pem"));
        if pss {
            cmd.args([
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:32",
            ]);
        }
        let out = cmd
            .arg("-signature")
            .arg(dir.join("verify-sig"))
            .arg(dir.join("verify-data"))
            .output()
            .expect("openssl");
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK")
    }

    /// Makes a key pair of `kind` and a self-signed certificate for it (subject
    /// `CN=<common_name>, C=TW`, a random serial number, valid from 2025 to 2035), and puts
    /// both on token `token` with `CKA_ID` `id` and `CKA_LABEL` `label`.
    pub fn import_new_key(
        &self,
        token: &str,
        pin: &str,
        kind: KeyKind,
        id: &[u8],
        label: &str,
        common_name: &str,
    ) -> Imported {
        let (imported, pem) = self.certificate_and_pem(kind, common_name);
        let pem_path = self.dir.join(format!("key-{}.pem", hex(id)));
        std::fs::write(&pem_path, pem).expect("write the key");
        self.util(&[
            "--import",
            pem_path.to_str().expect("utf-8 path"),
            "--token",
            token,
            "--label",
            label,
            "--id",
            &hex(id),
            "--pin",
            pin,
        ]);
        std::fs::remove_file(&pem_path).expect("remove the key file");
        self.import_certificate(token, pin, &imported.der, id, label);
        imported
    }

    /// Makes a key pair of `kind` and a self-signed certificate for it, as
    /// [`import_new_key`](Self::import_new_key) does, without putting either on a token.
    pub fn new_certificate(&self, kind: KeyKind, common_name: &str) -> Imported {
        self.certificate_and_pem(kind, common_name).0
    }

    /// A new certificate and its private key as PKCS#8 PEM.
    fn certificate_and_pem(&self, kind: KeyKind, common_name: &str) -> (Imported, String) {
        let pem = new_key_pem(kind, &self.dir);
        let key = rcgen::KeyPair::from_pem(&pem).expect("rcgen reads the key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CountryName, "TW");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, common_name);
        let mut serial = [0u8; 8];
        getrandom(&mut serial);
        serial[0] = (serial[0] & 0x7f) | 0x10;
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
        params.not_before = rcgen::date_time_ymd(2025, 1, 1);
        params.not_after = rcgen::date_time_ymd(2035, 1, 1);
        params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        let cert = params.self_signed(&key).expect("self-signed certificate");
        let imported = Imported {
            serial: hex(&serial).to_uppercase(),
            der: cert.der().to_vec(),
            pkcs8: key.serialize_der(),
        };
        (imported, key.serialize_pem())
    }

    /// Creates a certificate object (`CKO_CERTIFICATE`, X.509, on the token, public) on token
    /// `token`, through the module in this process. Only in the child of
    /// [`isolated`](Self::isolated), where `SOFTHSM2_CONF` is this configuration's.
    pub fn import_certificate(&self, token: &str, pin: &str, der: &[u8], id: &[u8], label: &str) {
        assert_eq!(
            std::env::var_os("SOFTHSM2_CONF").map(PathBuf::from),
            Some(self.conf()),
            "import_certificate runs in the child of SoftHsm::isolated"
        );
        let ctx = Pkcs11::new(&self.module).expect("load SoftHSM2");
        ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
            .expect("C_Initialize");
        {
            let slot = ctx
                .get_slots_with_token()
                .expect("slots")
                .into_iter()
                .find(|s| {
                    ctx.get_token_info(*s)
                        .map(|t| t.label().trim_end() == token)
                        .unwrap_or(false)
                })
                .expect("the token");
            let session = ctx.open_rw_session(slot).expect("session");
            session
                .login(UserType::User, Some(&AuthPin::new(pin.into())))
                .expect("login");
            let (_, parsed) = x509_parser::parse_x509_certificate(der).expect("a DER certificate");
            session
                .create_object(&[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::CertificateType(CertificateType::X_509),
                    Attribute::Token(true),
                    Attribute::Private(false),
                    Attribute::Id(id.to_vec()),
                    Attribute::Label(label.as_bytes().to_vec()),
                    Attribute::Subject(parsed.subject().as_raw().to_vec()),
                    Attribute::Value(der.to_vec()),
                ])
                .expect("create the certificate object");
            session.logout().expect("logout");
        }
        ctx.finalize().expect("C_Finalize");
    }
}

/// A new private key of `kind`, PKCS#8 PEM.
fn new_key_pem(kind: KeyKind, dir: &Path) -> String {
    match kind {
        KeyKind::EcP256 => rcgen::KeyPair::generate()
            .expect("P-256 key")
            .serialize_pem(),
        KeyKind::Rsa2048 => {
            let path = dir.join("new-rsa.pem");
            let out = Command::new("openssl")
                .args([
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-out",
                ])
                .arg(&path)
                .stdin(Stdio::null())
                .output()
                .expect("openssl (Debian package openssl)");
            assert!(
                out.status.success(),
                "openssl genpkey: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let pem = std::fs::read_to_string(&path).expect("the RSA key");
            std::fs::remove_file(&path).expect("remove the RSA key file");
            pem
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Random bytes from the system (serial numbers).
fn getrandom(out: &mut [u8]) {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(out))
        .expect("/dev/urandom");
}
