//! Certificate revocation lists: a set of parsed CRLs ([`CrlSet`]) and a store that reloads
//! them from their sources ([`CrlStore`]), on demand or on a schedule.
//!
//! A source is anything that yields the bytes of one or more CRLs ([`CrlSource`]): files
//! ([`FileCrlSource`], PEM or DER) and, with the `fetch` feature, `http://` URLs
//! (`HttpCrlSource`, as MOICA publishes its CRLs); `crl_source` picks one for a setting's
//! value.
//!
//! A source that fails to refresh keeps the CRLs it gave last (with a warning in the log);
//! a CRL past its next update is refused at verification time
//! ([`RevocationPolicy::enforce_next_update`](crate::RevocationPolicy)), so a responder
//! that stays down ends in refusals rather than in trusting old lists for ever.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;
use webpki::{CertRevocationList, OwnedCertRevocationList};

#[cfg(feature = "fetch")]
use crate::error::FetchError;
use crate::error::LoadError;
#[cfg(feature = "fetch")]
use crate::http::{self, Limits};
use crate::load;

/// Parsed CRLs, cheap to clone (shared): what [`ChainVerifier::verify`](crate::ChainVerifier::verify)
/// checks revocation against.
#[derive(Debug, Clone, Default)]
pub struct CrlSet {
    crls: Arc<Vec<CertRevocationList<'static>>>,
}

impl CrlSet {
    /// A set of `crls`.
    #[must_use]
    pub fn new(crls: Vec<OwnedCertRevocationList>) -> CrlSet {
        CrlSet {
            crls: Arc::new(crls.into_iter().map(CertRevocationList::from).collect()),
        }
    }

    /// The CRLs of `files` (each PEM with one or more CRLs, or one DER CRL).
    ///
    /// # Errors
    /// The first file that cannot be read or parsed.
    pub fn from_files(files: &[PathBuf]) -> Result<CrlSet, LoadError> {
        let mut all = Vec::new();
        for f in files {
            all.extend(load::crls_file(f)?);
        }
        Ok(CrlSet::new(all))
    }

    /// How many CRLs the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.crls.len()
    }

    /// Whether the set holds no CRL.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty()
    }

    /// The CRLs.
    pub fn iter(&self) -> impl Iterator<Item = &CertRevocationList<'static>> {
        self.crls.iter()
    }
}

/// Where CRLs come from: a file, a URL …. `fetch` is blocking; [`CrlStore::refresh`] calls
/// it for each source in turn (on a thread of its own with [`CrlStore::spawn_refresher`]).
pub trait CrlSource: Send + Sync + std::fmt::Debug {
    /// The source for messages and logs (a path, a URL).
    fn describe(&self) -> String;

    /// The bytes of the source's CRLs (PEM with one or more CRLs, or one DER CRL).
    ///
    /// # Errors
    /// Why they cannot be fetched.
    fn fetch(&self) -> Result<Vec<u8>, LoadError>;
}

/// CRLs read from a file, PEM or DER.
#[derive(Debug, Clone)]
pub struct FileCrlSource {
    path: PathBuf,
}

impl FileCrlSource {
    /// The file at `path`.
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> FileCrlSource {
        FileCrlSource { path: path.into() }
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl CrlSource for FileCrlSource {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn fetch(&self) -> Result<Vec<u8>, LoadError> {
        std::fs::read(&self.path).map_err(|source| LoadError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

/// CRLs fetched from an `http://` URL (GET; PEM or DER), within [`Limits::CRL`] unless set
/// otherwise. With the `fetch` feature.
#[cfg(feature = "fetch")]
#[derive(Debug, Clone)]
pub struct HttpCrlSource {
    url: String,
    limits: Limits,
}

#[cfg(feature = "fetch")]
impl HttpCrlSource {
    /// The CRLs at `url`.
    ///
    /// # Errors
    /// [`FetchError::BadUrl`] for anything but an absolute `http://` URL.
    pub fn new(url: &str) -> Result<HttpCrlSource, FetchError> {
        http::parse_url(url)?;
        Ok(HttpCrlSource {
            url: url.to_owned(),
            limits: Limits::CRL,
        })
    }

    /// The same source with another timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> HttpCrlSource {
        self.limits = self.limits.with_timeout(timeout);
        self
    }

    /// The URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }
}

#[cfg(feature = "fetch")]
impl CrlSource for HttpCrlSource {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn fetch(&self) -> Result<Vec<u8>, LoadError> {
        Ok(http::get_blocking(&self.url, self.limits)?)
    }
}

/// The source a setting names: an `http://` or `https://` URL (the latter refused, see
/// [`crate::http`]) as an [`HttpCrlSource`], anything else as a file.
///
/// With the `fetch` feature.
///
/// # Errors
/// [`LoadError::Fetch`] for a URL that cannot be used.
#[cfg(feature = "fetch")]
pub fn crl_source(spec: &str) -> Result<Box<dyn CrlSource>, LoadError> {
    let lower = spec.get(..8).unwrap_or(spec).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(Box::new(HttpCrlSource::new(spec)?))
    } else {
        Ok(Box::new(FileCrlSource::new(spec)))
    }
}

/// What one [`CrlStore::refresh`] did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RefreshReport {
    /// Sources reloaded.
    pub refreshed: usize,
    /// Sources that failed, with why: their previous CRLs are kept (an out-of-date CRL is
    /// refused at verification time by its next update, [`crate::RevocationPolicy`]).
    pub failed: Vec<(String, LoadError)>,
    /// CRLs in the store after the refresh.
    pub crls: usize,
}

impl RefreshReport {
    /// Whether every source was reloaded.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// The current CRLs of a list of sources. [`current`](Self::current) is what verifications
/// use; [`refresh`](Self::refresh) reloads every source and swaps the set in one step, so a
/// verification sees either the old set or the new one.
#[derive(Debug)]
pub struct CrlStore {
    sources: Vec<Box<dyn CrlSource>>,
    /// The last CRLs each source gave (same order as `sources`).
    per_source: Mutex<Vec<Vec<OwnedCertRevocationList>>>,
    current: RwLock<CrlSet>,
}

impl CrlStore {
    /// A store of `sources`, empty until the first [`refresh`](Self::refresh).
    #[must_use]
    pub fn new(sources: Vec<Box<dyn CrlSource>>) -> CrlStore {
        let n = sources.len();
        CrlStore {
            sources,
            per_source: Mutex::new(vec![Vec::new(); n]),
            current: RwLock::new(CrlSet::default()),
        }
    }

    /// The current CRLs.
    #[must_use]
    pub fn current(&self) -> CrlSet {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reloads every source. A source that fails keeps its previous CRLs and is reported.
    pub fn refresh(&self) -> RefreshReport {
        let mut report = RefreshReport::default();
        let mut per_source = self
            .per_source
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (i, source) in self.sources.iter().enumerate() {
            let what = source.describe();
            let loaded = source.fetch().and_then(|bytes| load::crls(&bytes, &what));
            match loaded {
                Ok(crls) => {
                    tracing::debug!(source = %what, crls = crls.len(), "CRL source refreshed");
                    if let Some(slot) = per_source.get_mut(i) {
                        *slot = crls;
                    }
                    report.refreshed += 1;
                }
                Err(e) => {
                    tracing::warn!(source = %what, error = %e, "CRL source not refreshed");
                    report.failed.push((what, e));
                }
            }
        }
        let set = CrlSet::new(per_source.iter().flatten().cloned().collect());
        report.crls = set.len();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = set;
        report
    }

    /// Refreshes the store every `every` on a thread of its own, until the returned
    /// [`Refresher`] is dropped or stopped. The first refresh happens after `every`: call
    /// [`refresh`](Self::refresh) first to start with CRLs.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn spawn_refresher(self: &Arc<Self>, every: Duration) -> Result<Refresher, std::io::Error> {
        let (stop, stopped) = mpsc::channel::<()>();
        let store = Arc::clone(self);
        let handle = std::thread::Builder::new()
            .name("twnhi-crl-refresh".to_owned())
            .spawn(move || {
                // A message or a dropped sender ends the loop.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    store.refresh();
                }
            })?;
        Ok(Refresher {
            stop: Some(stop),
            handle: Some(handle),
        })
    }
}

/// The thread of [`CrlStore::spawn_refresher`]: stopped (and joined) when dropped.
#[derive(Debug)]
pub struct Refresher {
    stop: Option<mpsc::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Refresher {
    /// Stops the thread and waits for it (a refresh under way finishes first).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The thread may already have ended; then there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            // A panic in a refresh has been reported by the panic hook already.
            let _ = handle.join();
        }
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        self.shutdown();
    }
}
