//! `twnhi cert verify`: a citizen certificate checked against trusted roots, intermediates,
//! CRLs (files or http:// URLs) and an OCSP responder (`twnhi-pki`). Exit 0 valid (a summary
//! on stdout), 1 refused (the reason on stderr; also revoked or unknown by OCSP, or no
//! reliable OCSP answer), 2 bad input (a file unreadable, not PEM/DER, a CRL that cannot be
//! fetched, an address that is not http://, a time not RFC 3339).

use crate::exit;
use crate::texts;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;
use twnhi_account::messages::Lang;
use twnhi_pki::{
    CertSummary, CertificateDer, ChainVerifier, CrlSet, FetchError, OcspChecker, OcspError,
    OcspStatus, Verified, VerifyError, crl_source, load,
};

#[derive(Args, Debug)]
pub(crate) struct VerifyArgs {
    /// Trusted root certificates (PEM, one or more a file; repeat for more files).
    #[arg(long, value_name = "CA.pem", required = true)]
    trust: Vec<PathBuf>,
    /// Intermediate CA certificates (PEM; repeatable).
    #[arg(long, value_name = "PEM")]
    intermediate: Vec<PathBuf>,
    /// CRLs to check revocation against: files (PEM or DER) or http:// URLs (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    crl: Vec<String>,
    /// Ask an OCSP responder for the certificate's status: its http:// URL, or `aia` for the
    /// responder the certificate names.
    #[arg(long, value_name = "URL|aia")]
    ocsp: Option<String>,
    /// Verify at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The certificate to verify (PEM or DER); further certificates in the file are taken as
    /// intermediates.
    #[arg(value_name = "CERT.pem")]
    cert: PathBuf,
}

/// The JSON of a valid certificate.
#[derive(Serialize)]
struct JsonOutput<'a> {
    valid: bool,
    #[serde(flatten)]
    summary: &'a CertSummary,
    chain: &'a [String],
    crls_checked: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ocsp: Option<&'static str>,
}

pub(crate) fn run(args: &VerifyArgs) -> ExitCode {
    let at = match &args.at {
        None => SystemTime::now(),
        Some(text) => match chrono::DateTime::parse_from_rfc3339(text.trim()) {
            Ok(t) => SystemTime::from(t),
            Err(_) => {
                return exit::report(
                    exit::USAGE,
                    texts::both_with("pki-verify-bad-time", &[("value", text.as_str().into())]),
                );
            }
        },
    };
    let loaded = (|| {
        let mut anchors = Vec::new();
        for f in &args.trust {
            anchors.extend(load::certificates_file(f)?);
        }
        let mut intermediates = Vec::new();
        for f in &args.intermediate {
            intermediates.extend(load::certificates_file(f)?);
        }
        let crls = if args.crl.is_empty() {
            None
        } else {
            let mut all = Vec::new();
            for spec in &args.crl {
                let bytes = crl_source(spec)?.fetch()?;
                all.extend(load::crls(&bytes, spec)?);
            }
            Some(CrlSet::new(all))
        };
        // The certificate first; any further ones in its file (a chain as a browser or a
        // card hands it over) are intermediates.
        let mut chain = load::certificates_file(&args.cert)?;
        let cert = chain.remove(0);
        let verifier = ChainVerifier::new(&anchors)?.with_intermediates(intermediates);
        Ok::<_, twnhi_pki::LoadError>((verifier, crls, cert, chain))
    })();
    let (verifier, crls, cert, chain) = match loaded {
        Ok(l) => l,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let ocsp = match args
        .ocsp
        .as_deref()
        .map(OcspChecker::from_setting)
        .transpose()
    {
        Ok(o) => o,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let v = match verifier.verify(&cert, &chain, crls.as_ref(), at) {
        Ok(v) => v,
        Err(e) => {
            tracing::debug!(code = e.code(), "certificate refused");
            return exit::report(exit::FAILURE, e);
        }
    };
    let ocsp_good = match ocsp {
        None => false,
        Some(checker) => match ocsp_status(&checker, &cert, &v, at) {
            Ok(OcspStatus::Good) => true,
            Ok(OcspStatus::Revoked { .. }) => {
                return exit::report(exit::FAILURE, VerifyError::Revoked);
            }
            Ok(_) => return exit::report(exit::FAILURE, VerifyError::RevocationUnknown),
            Err(e) => return exit::report(exit::FAILURE, e),
        },
    };
    print(&v, ocsp_good, args.json);
    ExitCode::from(exit::OK)
}

/// The OCSP answer for `cert` (issued by `v.issuer`) at `at`, on a runtime of its own.
fn ocsp_status(
    checker: &OcspChecker,
    cert: &CertificateDer<'_>,
    v: &Verified,
    at: SystemTime,
) -> Result<OcspStatus, OcspError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            OcspError::Fetch(FetchError::Unreachable {
                url: String::new(),
                detail: format!("runtime: {e}"),
            })
        })?;
    runtime.block_on(checker.check(cert, &v.issuer, at))
}

/// Writes a line to stdout; a closed pipe (`| head`) ends quietly.
fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn print(v: &Verified, ocsp_good: bool, as_json: bool) {
    let s = &v.summary;
    if as_json {
        let json = JsonOutput {
            valid: true,
            summary: s,
            chain: &v.chain,
            crls_checked: v.crls_checked,
            ocsp: ocsp_good.then_some("good"),
        };
        out(&serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
        return;
    }
    // Two columns of labels, zh-TW then English: the values start at column 27.
    let label = |id: &str| {
        format!(
            "{} {}",
            texts::pad(&texts::zh(id), 12),
            texts::pad(&texts::en(id), 13)
        )
    };
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    out(&texts::both("pki-verify-valid"));
    out(&format!("{} {}", label("pki-label-subject"), s.subject));
    if let Some(cn) = &s.subject_cn {
        out(&format!("{} {cn}", label("pki-label-name")));
    }
    if let Some(last4) = &s.id_last4 {
        out(&format!("{} {last4}", label("pki-label-id-last4")));
    }
    out(&format!("{} {}", label("pki-label-serial"), s.serial_hex));
    out(&format!("{} {}", label("pki-label-issuer"), s.issuer));
    out(&format!(
        "{} {}",
        label("pki-label-valid-from"),
        time(s.not_before)
    ));
    out(&format!(
        "{} {}",
        label("pki-label-valid-until"),
        time(s.not_after)
    ));
    out(&format!(
        "{} {} / {}",
        label("pki-label-key"),
        s.key.text(Lang::ZhTw),
        s.key.text(Lang::En)
    ));
    out(&format!(
        "{} {}",
        label("pki-label-chain"),
        v.chain.join(" → ")
    ));
    let revocation = match v.crls_checked {
        Some(n) => texts::both_with("pki-revocation-checked", &[("count", n.into())]),
        None => texts::both("pki-revocation-not-checked"),
    };
    out(&format!("{} {revocation}", label("pki-label-revocation")));
    if ocsp_good {
        out(&format!(
            "{} {}",
            label("pki-label-ocsp"),
            texts::both("pki-ocsp-good")
        ));
    }
}
