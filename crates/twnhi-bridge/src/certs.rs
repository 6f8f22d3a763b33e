//! Certificate backends: where the bridge gets citizen certificate cards (自然人憑證) from.
//!
//! The bridge's `certificates` and `sign` requests go to a [`CertificateToken`] (the trait of
//! `twnhi-pkcs11`, which every token implements). Two sources of cards come with the crate:
//!
//! - [`Pkcs11Backend`]: the card vendor's PKCS#11 module (the HiCOS module with MOICA cards,
//!   SoftHSM2 in tests), loaded on the first certificate request — so a bridge without the
//!   module keeps serving NHI cards, and certificate requests answer "module not found"
//!   (7501) until the module is installed. The default of every bridge.
//! - [`SimCertBackend`]: an in-process token (a [`SoftToken`](twnhi_pkcs11::SoftToken), or any
//!   [`CertificateToken`]) that can be inserted and removed like a card, for the demo and
//!   tests. Its keys are in memory: never a substitute for a card.
//!
//! A token is blocking (PKCS#11 is); the bridge calls it from a blocking thread, one
//! certificate operation at a time. `CertificateToken::kind` names the source in
//! `/v1/status`: `pkcs11` or `sim`.
//!
//! No feature gates them: `cryptoki` opens the module at run time and links nothing at build
//! time, and the protocol's types come from `twnhi-pkcs11` either way.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use twnhi_pkcs11::{
    CertError, CertificateInfo, CertificateToken, Pin, Pkcs11Token, Scheme, TokenInfo,
};

/// Certificate cards through a PKCS#11 module, loaded on first use.
///
/// The module is the one given, else the one `TWNHI_PKCS11_MODULE` names, else the first of
/// the HiCOS module's default paths that exists
/// ([`twnhi_pkcs11::module::resolve_module`]). While no module is found, every request fails
/// with [`CertError::ModuleNotFound`] (7501) and the next request looks again; once loaded,
/// the module stays loaded for the life of the backend (one module per process).
pub struct Pkcs11Backend {
    module: Option<PathBuf>,
    token: Mutex<Option<Arc<Pkcs11Token>>>,
}

impl std::fmt::Debug for Pkcs11Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Backend")
            .field("module", &self.module)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Backend {
    /// A backend over the module at `module` (`None`: `TWNHI_PKCS11_MODULE`, else the HiCOS
    /// module's default paths). Nothing is loaded yet.
    #[must_use]
    pub fn new(module: Option<PathBuf>) -> Pkcs11Backend {
        Pkcs11Backend {
            module,
            token: Mutex::new(None),
        }
    }

    /// The module path given, if any.
    #[must_use]
    pub fn module(&self) -> Option<&Path> {
        self.module.as_deref()
    }

    /// The loaded module, loading it now when it is not yet.
    fn token(&self) -> Result<Arc<Pkcs11Token>, CertError> {
        let mut slot = self.token.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(token) = slot.as_ref() {
            return Ok(Arc::clone(token));
        }
        let path = twnhi_pkcs11::module::resolve_module(self.module.as_deref())?;
        let token = Arc::new(Pkcs11Token::open(&path)?);
        tracing::info!(module = %path.display(), "PKCS#11 module loaded");
        *slot = Some(Arc::clone(&token));
        Ok(token)
    }
}

impl CertificateToken for Pkcs11Backend {
    fn kind(&self) -> &'static str {
        "pkcs11"
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError> {
        self.token()?.tokens()
    }

    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError> {
        self.token()?.certificates()
    }

    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        self.token()?.sign(serial, pin, scheme, data)
    }
}

/// A simulated certificate card reader: holds one in-process token (a
/// [`SoftToken`](twnhi_pkcs11::SoftToken), or any [`CertificateToken`]) or none. Clones share
/// the slot, so a demo or a test keeps a clone to insert and remove the card while the
/// bridge serves.
///
/// ```
/// use std::sync::Arc;
/// use twnhi_bridge::certs::SimCertBackend;
/// use twnhi_pkcs11::{CertificateToken, Pin, SoftToken};
///
/// let token = SoftToken::new("TWNHI SIM CITIZEN", "0001", &Pin::new("246810")?);
/// let backend = SimCertBackend::with_token(Arc::new(token));
/// assert_eq!(backend.tokens()?.len(), 1);
/// backend.remove();                                  // pull the card out
/// assert_eq!(backend.certificates().unwrap_err().code(), 7503);
/// # Ok::<(), twnhi_pkcs11::CertError>(())
/// ```
#[derive(Clone, Default)]
pub struct SimCertBackend {
    token: Arc<Mutex<Option<Arc<dyn CertificateToken>>>>,
}

impl std::fmt::Debug for SimCertBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCertBackend")
            .field("card", &self.current().is_some())
            .finish()
    }
}

impl SimCertBackend {
    /// An empty slot (certificate requests answer "no token", 7503).
    #[must_use]
    pub fn new() -> SimCertBackend {
        SimCertBackend::default()
    }

    /// A slot holding `token`.
    #[must_use]
    pub fn with_token(token: Arc<dyn CertificateToken>) -> SimCertBackend {
        let backend = SimCertBackend::new();
        backend.insert(token);
        backend
    }

    /// Puts `token` in the slot (replacing the one there).
    pub fn insert(&self, token: Arc<dyn CertificateToken>) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Some(token);
    }

    /// Takes the token out of the slot, returning it.
    pub fn remove(&self) -> Option<Arc<dyn CertificateToken>> {
        self.token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn current(&self) -> Option<Arc<dyn CertificateToken>> {
        self.token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn present(&self) -> Result<Arc<dyn CertificateToken>, CertError> {
        self.current().ok_or(CertError::NoToken)
    }
}

impl CertificateToken for SimCertBackend {
    fn kind(&self) -> &'static str {
        "sim"
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError> {
        self.current().map_or(Ok(Vec::new()), |t| t.tokens())
    }

    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError> {
        self.present()?.certificates()
    }

    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        self.present()?.sign(serial, pin, scheme, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_module_is_reported_and_looked_for_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libHicos_p11v1.so");
        let b = Pkcs11Backend::new(Some(path.clone()));
        assert_eq!(b.certificates().unwrap_err().code(), 7501);
        assert_eq!(b.tokens().unwrap_err().code(), 7501);
        // Not a module: found now, but not loadable (7502), and looked for on every request.
        std::fs::write(&path, b"not a shared library").unwrap();
        assert_eq!(b.tokens().unwrap_err().code(), 7502);
        assert_eq!(b.module(), Some(path.as_path()));
    }

    #[test]
    fn an_empty_sim_slot_has_no_token() {
        let b = SimCertBackend::new();
        assert!(b.tokens().unwrap().is_empty());
        let pin = Pin::new("0000").unwrap();
        assert!(matches!(
            b.sign("01", &pin, Scheme::Pkcs1Sha256, b"x"),
            Err(CertError::NoToken)
        ));
        assert!(b.remove().is_none());
    }
}
