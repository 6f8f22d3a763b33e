//! `twnhi_bridge::nss` against NSS's real `certutil` (package libnss3-tools): the local CA
//! goes into the shared database and every Firefox profile, once, and comes out again.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use twnhi_bridge::nss::{self, Browser, Outcome};

fn certutil(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new("certutil").args(args).output().unwrap()
}

/// The trust flags of the CA in `db`, from `certutil -L` (`None` when it is not there).
fn trust(db: &Path) -> Option<String> {
    let sql = format!("sql:{}", db.display());
    let out = certutil(&["-d".as_ref(), sql.as_ref(), "-L".as_ref()]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find(|l| l.starts_with(nss::NICKNAME))
        .map(|l| l[nss::NICKNAME.len()..].trim().to_owned())
}

#[test]
fn install_trusts_the_ca_everywhere_and_remove_takes_it_out() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let tls = h.join("tls");
    let files = twnhi_bridge::tls::write_cert_dir(&tls, &[], false).unwrap();
    // A Firefox profile with its (empty) database, as Firefox leaves it.
    let profile = h.join(".mozilla/firefox/t3st.default-release");
    std::fs::create_dir_all(&profile).unwrap();
    assert!(
        certutil(
            &nss::create_args(&profile)
                .iter()
                .map(|a| a.as_os_str())
                .collect::<Vec<_>>()
        )
        .status
        .success()
    );

    let done = nss::install(h, &files.ca_cert).unwrap();
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(done[0].0.browser, Browser::Shared);
    assert_eq!(done[1].0.browser, Browser::Firefox);
    assert!(done.iter().all(|(_, o)| *o == Outcome::Changed));
    let shared = h.join(".pki/nssdb");
    assert!(
        shared.join("cert9.db").is_file(),
        "the shared database is created"
    );
    assert_eq!(trust(&shared).as_deref(), Some("C,,"));
    assert_eq!(trust(&profile).as_deref(), Some("C,,"));
    // The certificate in the database is the CA's.
    let pem = nss::trusted(&shared).unwrap();
    let ca = std::fs::read_to_string(&files.ca_cert).unwrap();
    let body = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    };
    assert_eq!(body(&pem), body(&ca));

    // Again: nothing to do.
    let again = nss::install(h, &files.ca_cert).unwrap();
    assert!(
        again.iter().all(|(_, o)| *o == Outcome::Unchanged),
        "{again:?}"
    );

    // A new CA replaces the old one under the same nickname.
    let renewed = twnhi_bridge::tls::write_cert_dir(&tls, &[], true).unwrap();
    let replaced = nss::install(h, &renewed.ca_cert).unwrap();
    assert!(replaced.iter().all(|(_, o)| *o == Outcome::Changed));
    let now = nss::trusted(&shared).unwrap();
    assert_eq!(
        body(&now),
        body(&std::fs::read_to_string(&renewed.ca_cert).unwrap())
    );

    let removed = nss::remove(h).unwrap();
    assert!(
        removed.iter().all(|(_, o)| *o == Outcome::Changed),
        "{removed:?}"
    );
    assert_eq!(trust(&shared), None);
    assert_eq!(trust(&profile), None);
    let again = nss::remove(h).unwrap();
    assert!(again.iter().all(|(_, o)| *o == Outcome::Unchanged));
}

#[test]
fn remove_without_any_database_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let done = nss::remove(home.path()).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].1, Outcome::Unchanged);
    assert!(!home.path().join(".pki").exists());
}
