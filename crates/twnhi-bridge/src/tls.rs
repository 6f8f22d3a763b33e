//! Optional TLS (`https://` / `wss://`) with rustls (ring provider), and the local certificate
//! authority `twnhi bridge cert` creates.
//!
//! Browsers let `https://` pages talk to `ws://127.0.0.1` (loopback counts as a secure
//! context), so TLS is only needed for pages that insist on `wss://` — as pages written for the
//! official component do (`wss://localhost:7777/echo`, `wss://iccert.nhi.gov.tw:7777/echo`).
//!
//! The local CA is name-constrained to `localhost`, `127.0.0.0/8`, `::1` and the extra names
//! asked for when it was made: were its key ever stolen, it could not be used to impersonate
//! any other site to browsers that trust it.

use crate::clients::{Member, Registry};
use crate::error::BridgeError;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SerialNumber,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// File name of the CA certificate (the one to trust) in a certificate directory.
pub const CA_CERT_FILE: &str = "ca.pem";
/// File name of the CA's private key (mode 0600).
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// File name of the server certificate chain (`--tls-cert`).
pub const SERVER_CERT_FILE: &str = "localhost.pem";
/// File name of the server's private key (`--tls-key`, mode 0600).
pub const SERVER_KEY_FILE: &str = "localhost-key.pem";
/// File listing the DNS names the CA may certify (one a line), besides `localhost`.
pub const CA_NAMES_FILE: &str = "ca-names.txt";

/// The CA's subject common name.
pub const CA_COMMON_NAME: &str = "twnhi bridge local CA";
/// Validity of the CA certificate.
const CA_DAYS: i64 = 3650;
/// Validity of the server certificate (825 days: the most some platforms accept).
const SERVER_DAYS: i64 = 825;
/// Finished handshakes waiting to be served.
const READY_QUEUE: usize = 64;

/// A certificate and key to serve TLS with (rustls, ring provider, TLS 1.2 and 1.3,
/// ALPN `http/1.1`).
#[derive(Clone)]
pub struct TlsSettings {
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings").finish_non_exhaustive()
    }
}

impl TlsSettings {
    /// From PEM text: the certificate chain (leaf first) and its private key (PKCS#8, SEC1
    /// or PKCS#1).
    ///
    /// # Errors
    /// [`BridgeError::Pem`] when no certificate or key is found, [`BridgeError::Tls`] when
    /// rustls refuses them (a key that does not match the certificate, say).
    pub fn from_pem(cert_chain_pem: &[u8], key_pem: &[u8]) -> Result<TlsSettings, BridgeError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_chain_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| BridgeError::Pem {
                what: "certificate",
                detail: e.to_string(),
            })?;
        if chain.is_empty() {
            return Err(BridgeError::Pem {
                what: "certificate",
                detail: "no CERTIFICATE block".into(),
            });
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| BridgeError::Pem {
            what: "private key",
            detail: e.to_string(),
        })?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(BridgeError::Tls)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(BridgeError::Tls)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsSettings {
            config: Arc::new(config),
        })
    }

    /// From PEM files (`--tls-cert`, `--tls-key`).
    ///
    /// # Errors
    /// [`BridgeError::File`] when a file cannot be read, and the errors of
    /// [`from_pem`](Self::from_pem).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<TlsSettings, BridgeError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| BridgeError::File {
                path: p.to_owned(),
                source,
            })
        };
        Self::from_pem(&read(cert)?, &read(key)?)
    }

    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(Arc::clone(&self.config))
    }
}

/// PEM text of a CA and a server certificate it issued.
#[derive(Clone)]
pub struct GeneratedCerts {
    /// The CA certificate (to be trusted by browsers).
    pub ca_cert_pem: String,
    /// The CA's private key.
    pub ca_key_pem: String,
    /// The server certificate followed by the CA certificate.
    pub server_chain_pem: String,
    /// The server's private key.
    pub server_key_pem: String,
    /// The DNS names the CA may certify (its name constraints), `localhost` first.
    pub ca_names: Vec<String>,
}

impl std::fmt::Debug for GeneratedCerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedCerts")
            .field("ca_names", &self.ca_names)
            .finish_non_exhaustive()
    }
}

/// Sets the validity from yesterday to `days` days from today (UTC).
fn set_validity(p: &mut CertificateParams, days: i64) {
    use chrono::Datelike;
    let ymd = |offset: i64| {
        let d = chrono::Utc::now().date_naive() + chrono::Duration::days(offset);
        (
            d.year(),
            u8::try_from(d.month()).unwrap_or(1),
            u8::try_from(d.day()).unwrap_or(1),
        )
    };
    let (y, m, d) = ymd(-1);
    p.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = ymd(days);
    p.not_after = rcgen::date_time_ymd(y, m, d);
}

fn serial() -> SerialNumber {
    use rand::RngExt;
    let mut bytes: [u8; 16] = rand::rng().random();
    // Positive, non-zero leading byte.
    bytes[0] = (bytes[0] & 0x7F) | 0x01;
    SerialNumber::from_slice(&bytes)
}

/// The parameters of the CA. They are rebuilt the same way to issue with an existing CA key,
/// so they must not depend on anything but `names`.
fn ca_params(names: &[String]) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_COMMON_NAME);
    dn.push(DnType::OrganizationName, "twnhi");
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let mut permitted: Vec<GeneralSubtree> = names
        .iter()
        .map(|n| GeneralSubtree::DnsName(n.clone()))
        .collect();
    permitted.push(GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix(
        [127, 0, 0, 0],
        8,
    )));
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    permitted.push(GeneralSubtree::IpAddress(CidrSubnet::from_v6_prefix(
        v6, 128,
    )));
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: Vec::new(),
    });
    p
}

/// `localhost` plus the extra names, lowercase, deduplicated, checked.
fn dns_names(extra: &[String]) -> Result<Vec<String>, BridgeError> {
    let mut names = vec!["localhost".to_owned()];
    for n in extra {
        let n = n.trim().trim_end_matches('.').to_ascii_lowercase();
        if n.parse::<std::net::IpAddr>().is_ok()
            || !crate::config::valid_host(&n)
            || n.starts_with('[')
            || n.contains('_')
        {
            return Err(crate::error::ConfigError::Host(n).into());
        }
        if !names.contains(&n) {
            names.push(n);
        }
    }
    Ok(names)
}

/// Issues a server certificate for `localhost`, `127.0.0.1`, `::1` and `names` with the CA.
fn issue_server(
    ca_cert_pem: &str,
    issuer: &Issuer<'_, KeyPair>,
    names: &[String],
) -> Result<(String, String), BridgeError> {
    let mut sans: Vec<String> = names.to_vec();
    sans.push("127.0.0.1".into());
    sans.push("::1".into());
    let mut p = CertificateParams::new(sans).map_err(BridgeError::CertGen)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "twnhi bridge");
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    set_validity(&mut p, SERVER_DAYS);
    p.serial_number = Some(serial());
    let key = KeyPair::generate().map_err(BridgeError::CertGen)?;
    let cert = p.signed_by(&key, issuer).map_err(BridgeError::CertGen)?;
    Ok((format!("{}{ca_cert_pem}", cert.pem()), key.serialize_pem()))
}

/// Creates a new CA (name-constrained to `localhost`, loopback addresses and `extra_names`)
/// and a server certificate it issued.
///
/// # Errors
/// [`BridgeError::CertGen`], or [`BridgeError::Config`] for a malformed extra name.
pub fn generate(extra_names: &[String]) -> Result<GeneratedCerts, BridgeError> {
    let names = dns_names(extra_names)?;
    let mut params = ca_params(&names);
    set_validity(&mut params, CA_DAYS);
    params.serial_number = Some(serial());
    let ca_key = KeyPair::generate().map_err(BridgeError::CertGen)?;
    let ca_cert = params.self_signed(&ca_key).map_err(BridgeError::CertGen)?;
    let ca_cert_pem = ca_cert.pem();
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = Issuer::new(ca_params(&names), ca_key);
    let (server_chain_pem, server_key_pem) = issue_server(&ca_cert_pem, &issuer, &names)?;
    Ok(GeneratedCerts {
        ca_cert_pem,
        ca_key_pem,
        server_chain_pem,
        server_key_pem,
        ca_names: names,
    })
}

/// Issues a new server certificate with an existing CA made by [`generate`] (its
/// certificate, key and names).
///
/// # Errors
/// [`BridgeError::CertGen`] when the key cannot be read.
pub fn reissue(
    ca_cert_pem: &str,
    ca_key_pem: &str,
    ca_names: &[String],
) -> Result<GeneratedCerts, BridgeError> {
    let key = KeyPair::from_pem(ca_key_pem).map_err(BridgeError::CertGen)?;
    let issuer = Issuer::new(ca_params(ca_names), key);
    let (server_chain_pem, server_key_pem) = issue_server(ca_cert_pem, &issuer, ca_names)?;
    Ok(GeneratedCerts {
        ca_cert_pem: ca_cert_pem.to_owned(),
        ca_key_pem: ca_key_pem.to_owned(),
        server_chain_pem,
        server_key_pem,
        ca_names: ca_names.to_vec(),
    })
}

/// What [`write_cert_dir`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertDir {
    /// The CA certificate to trust.
    pub ca_cert: PathBuf,
    /// The CA key (mode 0600).
    pub ca_key: PathBuf,
    /// The server certificate chain (`--tls-cert`).
    pub server_cert: PathBuf,
    /// The server key (`--tls-key`, mode 0600).
    pub server_key: PathBuf,
    /// Whether a new CA was made (browsers must then be told to trust it).
    pub ca_created: bool,
    /// The DNS names the certificates cover, `localhost` first.
    pub names: Vec<String>,
}

/// Writes a CA and a server certificate into `dir` (created with mode 0700 if missing):
/// [`CA_CERT_FILE`], [`CA_KEY_FILE`], [`SERVER_CERT_FILE`], [`SERVER_KEY_FILE`],
/// [`CA_NAMES_FILE`]. Keys are written with mode 0600, each file replaced atomically.
///
/// An existing CA in `dir` is kept (so browsers that trust it keep trusting the new server
/// certificate) unless `new_ca` is set or the extra names are not all among the names it
/// may certify.
///
/// # Errors
/// [`BridgeError::File`] for file-system failures, and the errors of [`generate`].
pub fn write_cert_dir(
    dir: &Path,
    extra_names: &[String],
    new_ca: bool,
) -> Result<CertDir, BridgeError> {
    let file_err = |path: &Path| {
        let path = path.to_owned();
        move |source| BridgeError::File { path, source }
    };
    create_private_dir(dir).map_err(file_err(dir))?;
    let paths = CertDir {
        ca_cert: dir.join(CA_CERT_FILE),
        ca_key: dir.join(CA_KEY_FILE),
        server_cert: dir.join(SERVER_CERT_FILE),
        server_key: dir.join(SERVER_KEY_FILE),
        ca_created: false,
        names: Vec::new(),
    };
    let names_path = dir.join(CA_NAMES_FILE);
    let wanted = dns_names(extra_names)?;
    let existing = if new_ca {
        None
    } else {
        match (
            std::fs::read_to_string(&paths.ca_cert),
            std::fs::read_to_string(&paths.ca_key),
            std::fs::read_to_string(&names_path),
        ) {
            (Ok(c), Ok(k), Ok(n)) => {
                let mut ca_names: Vec<String> = n
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                if !ca_names.iter().any(|x| x == "localhost") {
                    ca_names.insert(0, "localhost".into());
                }
                wanted
                    .iter()
                    .all(|w| ca_names.contains(w))
                    .then_some((c, k, ca_names))
            }
            _ => None,
        }
    };
    let (certs, created) = match existing {
        Some((c, k, ca_names)) => (reissue(&c, &k, &ca_names)?, false),
        None => (generate(extra_names)?, true),
    };
    if created {
        write_atomic(&paths.ca_key, certs.ca_key_pem.as_bytes(), true)
            .map_err(file_err(&paths.ca_key))?;
        write_atomic(&paths.ca_cert, certs.ca_cert_pem.as_bytes(), false)
            .map_err(file_err(&paths.ca_cert))?;
        let list = certs.ca_names.join("\n") + "\n";
        write_atomic(&names_path, list.as_bytes(), false).map_err(file_err(&names_path))?;
    }
    write_atomic(&paths.server_key, certs.server_key_pem.as_bytes(), true)
        .map_err(file_err(&paths.server_key))?;
    write_atomic(&paths.server_cert, certs.server_chain_pem.as_bytes(), false)
        .map_err(file_err(&paths.server_cert))?;
    Ok(CertDir {
        ca_created: created,
        names: certs.ca_names,
        ..paths
    })
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Writes `contents` to a temporary file next to `path` (mode 0600 for secrets, 0644
/// otherwise) and renames it over `path`.
fn write_atomic(path: &Path, contents: &[u8], secret: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = opts.open(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// A listener that completes TLS handshakes in the background and hands finished connections
/// to the server. A connection in its handshake counts as a connection waiting for its
/// request: it is registered in the connection table (and may be closed to admit another at
/// the cap), and its handshake must finish within the header-read timeout.
pub(crate) struct TlsListener {
    rx: mpsc::Receiver<(tokio_rustls::server::TlsStream<TcpStream>, Member)>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    pub(crate) fn new(
        listener: TcpListener,
        settings: &TlsSettings,
        conns: Arc<Registry>,
        max_connections: usize,
        handshake_timeout: Duration,
    ) -> TlsListener {
        let acceptor = settings.acceptor();
        let (tx, rx) = mpsc::channel(READY_QUEUE);
        let task = tokio::spawn(async move {
            loop {
                let (tcp, _peer) = match listener.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if !conns.make_room(max_connections) {
                    tracing::warn!("connection refused: too many connections, all busy");
                    continue;
                }
                let member = conns.register();
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let handshake = tokio::time::timeout(handshake_timeout, acceptor.accept(tcp));
                    tokio::select! {
                        r = handshake => match r {
                            Ok(Ok(stream)) => {
                                let _ = tx.send((stream, member)).await;
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        },
                        () = member.told_to_close() => {
                            tracing::debug!("closed a connection in its TLS handshake, to admit a new one");
                        }
                    }
                });
            }
        });
        TlsListener { rx, task }
    }

    /// The next connection whose handshake finished.
    pub(crate) async fn accept(&mut self) -> (tokio_rustls::server::TlsStream<TcpStream>, Member) {
        match self.rx.recv().await {
            Some(c) => c,
            // The accept task ended (runtime shutting down): accept nothing more.
            None => std::future::pending().await,
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificates_load_into_rustls() {
        let g = generate(&["iccert.nhi.gov.tw".into()]).unwrap();
        assert!(g.ca_cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(g.server_chain_pem.matches("BEGIN CERTIFICATE").count(), 2);
        assert_eq!(g.ca_names, ["localhost", "iccert.nhi.gov.tw"]);
        TlsSettings::from_pem(g.server_chain_pem.as_bytes(), g.server_key_pem.as_bytes()).unwrap();
        let again = reissue(&g.ca_cert_pem, &g.ca_key_pem, &g.ca_names).unwrap();
        TlsSettings::from_pem(
            again.server_chain_pem.as_bytes(),
            again.server_key_pem.as_bytes(),
        )
        .unwrap();
    }

    #[test]
    fn bad_pem_is_refused() {
        assert!(matches!(
            TlsSettings::from_pem(b"nothing", b"nothing"),
            Err(BridgeError::Pem { .. })
        ));
        let a = generate(&[]).unwrap();
        let b = generate(&[]).unwrap();
        // A key that does not match the certificate.
        assert!(
            TlsSettings::from_pem(a.server_chain_pem.as_bytes(), b.server_key_pem.as_bytes())
                .is_err()
        );
        assert!(generate(&["bad name".into()]).is_err());
        assert!(generate(&["10.0.0.1".into()]).is_err());
    }

    #[test]
    fn cert_dir_keeps_its_ca_and_protects_keys() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("bridge");
        let first = write_cert_dir(&sub, &[], false).unwrap();
        assert!(first.ca_created);
        let ca = std::fs::read_to_string(&first.ca_cert).unwrap();
        let second = write_cert_dir(&sub, &[], false).unwrap();
        assert!(!second.ca_created);
        assert_eq!(std::fs::read_to_string(&second.ca_cert).unwrap(), ca);
        // A name the CA may not certify needs a new CA.
        let third = write_cert_dir(&sub, &["iccert.nhi.gov.tw".into()], false).unwrap();
        assert!(third.ca_created);
        assert_ne!(std::fs::read_to_string(&third.ca_cert).unwrap(), ca);
        let fourth = write_cert_dir(&sub, &[], true).unwrap();
        assert!(fourth.ca_created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&fourth.ca_key), 0o600);
            assert_eq!(mode(&fourth.server_key), 0o600);
            assert_eq!(mode(&fourth.ca_cert), 0o644);
            assert_eq!(mode(&sub), 0o700);
        }
        TlsSettings::from_pem_files(&fourth.server_cert, &fourth.server_key).unwrap();
    }
}
