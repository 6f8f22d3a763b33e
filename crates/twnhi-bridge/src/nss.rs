//! Trusting the local CA (`twnhi bridge cert`) in the user's NSS databases, and removing it:
//! `twnhi bridge cert install` / `remove`.
//!
//! On Linux, Chrome and Chromium read the user's shared NSS database `~/.pki/nssdb`; Firefox
//! keeps one database per profile (`cert9.db` in the profile directory: `~/.mozilla/firefox/…`,
//! the snap's `~/snap/firefox/common/.mozilla/firefox/…`, the flatpak's
//! `~/.var/app/org.mozilla.firefox/.mozilla/firefox/…`). Both are changed with `certutil`
//! from NSS's tools (Debian / Ubuntu: `libnss3-tools`; Fedora: `nss-tools`), the program the
//! browsers' own documentation points to; this module builds its command lines and runs it.
//!
//! The CA is added under the nickname [`NICKNAME`] with the trust `C,,` (a CA for TLS
//! servers, nothing else); removing deletes every certificate of that nickname. TLS is needed
//! only for pages that insist on `wss://` (see `docs/bridge.md`): browsers already let
//! `https://` pages reach `ws://127.0.0.1`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use thiserror::Error;
use twnhi_texts::joined;

/// The nickname the CA gets in every database (its common name).
pub const NICKNAME: &str = crate::tls::CA_COMMON_NAME;
/// The trust flags: a CA trusted to certify TLS servers only.
pub const TRUST: &str = "C,,";
/// The program.
pub const CERTUTIL: &str = "certutil";

/// Why a database could not be changed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NssError {
    /// `certutil` is not installed.
    #[error("{}", joined("bridge-nss-no-certutil", &[], " / "))]
    NoCertutil,
    /// `certutil` failed on a database.
    #[error("{}", joined("bridge-nss-certutil", &[("db", db.display().to_string().into()), ("detail", detail.into())], "/ "))]
    Certutil {
        /// The database directory.
        db: PathBuf,
        /// Its exit status and what it said.
        detail: String,
    },
    /// The database directory could not be created.
    #[error("{}", joined("bridge-error-file", &[("path", path.display().to_string().into()), ("source", source.to_string().into())], "/ "))]
    File {
        /// The directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Which browser a database belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Browser {
    /// The user's shared database `~/.pki/nssdb` (Chrome, Chromium, other NSS programs).
    Shared,
    /// A Firefox profile.
    Firefox,
}

/// One NSS database: its directory and whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Database {
    /// The directory holding `cert9.db`.
    pub dir: PathBuf,
    /// The browser.
    pub browser: Browser,
}

/// What happened in one database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The CA was added (install) or removed (remove).
    Changed,
    /// Nothing to do: already trusted (install) or not there (remove).
    Unchanged,
}

/// The shared database of `home`.
pub fn shared_db(home: &Path) -> PathBuf {
    home.join(".pki/nssdb")
}

/// The directories under `home` that hold Firefox profiles (deb/tarball, snap, flatpak).
pub fn firefox_roots(home: &Path) -> [PathBuf; 3] {
    [
        home.join(".mozilla/firefox"),
        home.join("snap/firefox/common/.mozilla/firefox"),
        home.join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
    ]
}

/// The databases of `home`: the shared one (whether or not it exists yet: [`install`]
/// creates it) and each Firefox profile holding a `cert9.db`, sorted.
pub fn databases(home: &Path) -> Vec<Database> {
    let mut profiles: Vec<PathBuf> = firefox_roots(home)
        .iter()
        .filter_map(|root| std::fs::read_dir(root).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("cert9.db").is_file())
        .collect();
    profiles.sort();
    std::iter::once(Database {
        dir: shared_db(home),
        browser: Browser::Shared,
    })
    .chain(profiles.into_iter().map(|dir| Database {
        dir,
        browser: Browser::Firefox,
    }))
    .collect()
}

/// `-d sql:<dir>`: the database argument (the SQLite format, `cert9.db`).
fn db_arg(dir: &Path) -> [OsString; 2] {
    let mut sql = OsString::from("sql:");
    sql.push(dir);
    ["-d".into(), sql]
}

/// certutil's arguments to create an empty database without a password in `dir`.
pub fn create_args(dir: &Path) -> Vec<OsString> {
    let mut v = db_arg(dir).to_vec();
    v.extend(["-N".into(), "--empty-password".into()]);
    v
}

/// certutil's arguments to add `ca_pem` under [`NICKNAME`] with [`TRUST`].
pub fn add_args(dir: &Path, ca_pem: &Path) -> Vec<OsString> {
    let mut v = db_arg(dir).to_vec();
    v.extend([
        "-A".into(),
        "-t".into(),
        TRUST.into(),
        "-n".into(),
        NICKNAME.into(),
        "-a".into(),
        "-i".into(),
        ca_pem.into(),
    ]);
    v
}

/// certutil's arguments to delete (one certificate of) [`NICKNAME`].
pub fn delete_args(dir: &Path) -> Vec<OsString> {
    let mut v = db_arg(dir).to_vec();
    v.extend(["-D".into(), "-n".into(), NICKNAME.into()]);
    v
}

/// certutil's arguments to print [`NICKNAME`]'s certificates as PEM (`-a`); it fails when
/// there is none.
pub fn list_args(dir: &Path) -> Vec<OsString> {
    let mut v = db_arg(dir).to_vec();
    v.extend(["-L".into(), "-n".into(), NICKNAME.into(), "-a".into()]);
    v
}

/// The PEM certificates of [`NICKNAME`] in `dir` (empty when there is none).
///
/// # Errors
/// [`NssError::NoCertutil`].
pub fn trusted(dir: &Path) -> Result<String, NssError> {
    let out = certutil(&list_args(dir))?;
    Ok(if out.status.success() {
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        String::new()
    })
}

/// Adds the CA in `ca_pem` to every database of `home` (the shared one created if missing)
/// that does not hold it yet. Every database is tried; the first error is returned after.
///
/// # Errors
/// [`NssError`]; with the outcomes of the databases done so far lost.
pub fn install(home: &Path, ca_pem: &Path) -> Result<Vec<(Database, Outcome)>, NssError> {
    let ca = std::fs::read_to_string(ca_pem).map_err(|source| NssError::File {
        path: ca_pem.to_owned(),
        source,
    })?;
    let ca_body = pem_body(&ca);
    let mut done = Vec::new();
    let mut first_err = None;
    for db in databases(home) {
        match install_one(&db, ca_pem, &ca_body) {
            Ok(o) => done.push((db, o)),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    first_err.map_or(Ok(done), Err)
}

fn install_one(db: &Database, ca_pem: &Path, ca_body: &str) -> Result<Outcome, NssError> {
    if !db.dir.join("cert9.db").is_file() {
        create_dir_private(&db.dir)?;
        check(&db.dir, &create_args(&db.dir))?;
    }
    let present = trusted(&db.dir)?;
    if pem_body(&present).contains(ca_body) {
        return Ok(Outcome::Unchanged);
    }
    if !present.is_empty() {
        // An older CA of the same nickname (`--new-ca`): replace it.
        remove_one(db)?;
    }
    check(&db.dir, &add_args(&db.dir, ca_pem))?;
    Ok(Outcome::Changed)
}

/// Deletes every certificate named [`NICKNAME`] from every database of `home` that exists.
///
/// # Errors
/// [`NssError`]; every database is tried, the first error is returned.
pub fn remove(home: &Path) -> Result<Vec<(Database, Outcome)>, NssError> {
    let mut done = Vec::new();
    let mut first_err = None;
    for db in databases(home) {
        if !db.dir.join("cert9.db").is_file() {
            done.push((db, Outcome::Unchanged));
            continue;
        }
        match remove_one(&db) {
            Ok(o) => done.push((db, o)),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    first_err.map_or(Ok(done), Err)
}

fn remove_one(db: &Database) -> Result<Outcome, NssError> {
    let mut outcome = Outcome::Unchanged;
    // One certificate per `-D`; a few CAs made with --new-ca may share the nickname.
    for _ in 0..16 {
        if trusted(&db.dir)?.is_empty() {
            return Ok(outcome);
        }
        check(&db.dir, &delete_args(&db.dir))?;
        outcome = Outcome::Changed;
    }
    Ok(outcome)
}

/// The base64 of PEM text, without headers and line breaks (to compare certificates).
fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect()
}

fn create_dir_private(dir: &Path) -> Result<(), NssError> {
    let err = |source| NssError::File {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    Ok(())
}

fn certutil(args: &[OsString]) -> Result<std::process::Output, NssError> {
    Command::new(CERTUTIL)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|_| NssError::NoCertutil)
}

fn check(dir: &Path, args: &[OsString]) -> Result<(), NssError> {
    let out = certutil(args)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(NssError::Certutil {
            db: dir.to_owned(),
            detail: format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(args: &[OsString]) -> String {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn command_lines() {
        let db = Path::new("/home/t/.pki/nssdb");
        assert_eq!(
            text(&add_args(db, Path::new("/c/ca.pem"))),
            "-d|sql:/home/t/.pki/nssdb|-A|-t|C,,|-n|twnhi bridge local CA|-a|-i|/c/ca.pem"
        );
        assert_eq!(
            text(&delete_args(db)),
            "-d|sql:/home/t/.pki/nssdb|-D|-n|twnhi bridge local CA"
        );
        assert_eq!(
            text(&create_args(db)),
            "-d|sql:/home/t/.pki/nssdb|-N|--empty-password"
        );
    }

    #[test]
    fn databases_are_the_shared_one_and_firefox_profiles_with_cert9() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        for p in [
            ".mozilla/firefox/abc.default-release",
            "snap/firefox/common/.mozilla/firefox/x.default",
            ".mozilla/firefox/no-db",
        ] {
            std::fs::create_dir_all(h.join(p)).unwrap();
        }
        std::fs::write(h.join(".mozilla/firefox/abc.default-release/cert9.db"), "").unwrap();
        std::fs::write(
            h.join("snap/firefox/common/.mozilla/firefox/x.default/cert9.db"),
            "",
        )
        .unwrap();
        let dbs = databases(h);
        assert_eq!(dbs.len(), 3, "{dbs:?}");
        assert_eq!(dbs[0].dir, h.join(".pki/nssdb"));
        assert_eq!(dbs[0].browser, Browser::Shared);
        assert!(dbs[1..].iter().all(|d| d.browser == Browser::Firefox));
        assert!(!dbs.iter().any(|d| d.dir.ends_with("no-db")));
    }

    #[test]
    fn pem_bodies_compare_without_line_breaks() {
        assert_eq!(
            pem_body("-----BEGIN CERTIFICATE-----\nAB\r\nCD\n-----END CERTIFICATE-----\n"),
            "ABCD"
        );
    }
}
