//! Where the HiCOS PKCS#11 module is installed on each system.
//!
//! The MOICA card's middleware (HiCOS 卡片管理工具, from the MOICA site) installs a PKCS#11
//! module: `HiCOSPKCS11.dll` on Windows (in the system directory, found by the loader's
//! search order), `libHicos_p11v1.dylib` on macOS, `libHicos_p11v1.so` on Linux. The macOS
//! and Linux directories below are where the vendor's installers and common packagings put
//! it; a module elsewhere is given with `--module` or [`MODULE_ENV`].

use std::path::{Path, PathBuf};

use crate::CertError;

/// The environment variable naming the PKCS#11 module (overrides the defaults).
pub const MODULE_ENV: &str = "TWNHI_PKCS11_MODULE";

/// The default module paths tried, in order, on this system.
#[must_use]
pub fn default_module_candidates() -> &'static [&'static str] {
    #[cfg(windows)]
    {
        &["HiCOSPKCS11.dll"]
    }
    #[cfg(target_os = "macos")]
    {
        &[
            "/usr/local/lib/libHicos_p11v1.dylib",
            "/Library/FBTokenLib/libHicos_p11v1.dylib",
            "/opt/homebrew/lib/libHicos_p11v1.dylib",
        ]
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        &[
            "/usr/local/lib/libHicos_p11v1.so",
            "/usr/lib/libHicos_p11v1.so",
            "/usr/lib/x86_64-linux-gnu/libHicos_p11v1.so",
        ]
    }
}

/// The module to load: `explicit` when given, else [`MODULE_ENV`] when set, else the first
/// of [`default_module_candidates`] that exists (a bare file name, as on Windows, is left to
/// the system loader's search). [`CertError::ModuleNotFound`] when none is found.
pub fn resolve_module(explicit: Option<&Path>) -> Result<PathBuf, CertError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os(MODULE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let candidates = default_module_candidates();
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| is_bare_name(p) || p.exists())
        .ok_or_else(|| CertError::ModuleNotFound {
            path: PathBuf::from(candidates.join(", ")),
        })
}

/// Where distributions install the SoftHSM2 module (`libsofthsm2.so`): Debian's
/// `softhsm2` package (`/usr/lib/softhsm/`, and the multiarch directory), Fedora's and
/// Homebrew's.
pub const SOFTHSM2_CANDIDATES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
];

/// The SoftHSM2 module of this machine: the first of [`SOFTHSM2_CANDIDATES`] that exists.
/// Not a card's module: `twnhi demo` keeps its simulated citizen certificates there.
#[must_use]
pub fn find_softhsm2() -> Option<PathBuf> {
    SOFTHSM2_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Whether `path` is a bare file name, which the system loader searches for.
pub(crate) fn is_bare_name(path: &Path) -> bool {
    path.parent().is_none_or(|p| p.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_module_wins_and_names_are_told_from_paths() {
        let p = Path::new("/opt/x/mod.so");
        assert_eq!(resolve_module(Some(p)).unwrap(), p);
        assert!(is_bare_name(Path::new("HiCOSPKCS11.dll")));
        assert!(!is_bare_name(Path::new("/usr/lib/libHicos_p11v1.so")));
        assert!(!default_module_candidates().is_empty());
        assert!(
            default_module_candidates()
                .iter()
                .all(|c| c.to_ascii_lowercase().contains("hicos"))
        );
    }
}
