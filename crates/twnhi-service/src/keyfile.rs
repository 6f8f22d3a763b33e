//! Key files: the SAM master key and the server key of one-time secrets, kept as one line of
//! hex digits in a file only its owner can read.
//!
//! - Missing → created with fresh random bytes, mode `0600`, atomically (`create_new`; a
//!   concurrent creator wins and the other reads its key).
//! - Present → refused if group or others may read or write it (on Unix), or if it does not
//!   hold exactly the expected number of bytes.
//!
//! ```
//! use twnhi_service::keyfile::load_or_create;
//! use twnhi_service::ports::SeededRandom;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("sam-master.key");
//! let created = load_or_create(&path, 16, &SeededRandom::new(1))?;
//! let again = load_or_create(&path, 16, &SeededRandom::new(2))?;
//! assert_eq!(*created, *again); // the file is used, not replaced
//! # #[cfg(unix)] {
//! use std::os::unix::fs::PermissionsExt;
//! assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::ports::Randomness;

pub(crate) use twnhi_texts::bilingual_with as both;

/// Why a key file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// Reading or creating the file failed.
    #[error("{}", both("service-key-file-io", &[("path", path.display().to_string().into()), ("source", source.to_string().into())]))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Group or others may access the file.
    #[error("{}", both("service-key-file-permissions", &[("path", path.display().to_string().into()), ("mode", format!("{mode:o}").into())]))]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold one line of the right number of hex digits.
    #[error("{}", both("service-key-file-format", &[("path", path.display().to_string().into()), ("len", len.to_string().into())]))]
    Format {
        /// The file.
        path: PathBuf,
        /// Bytes expected.
        len: usize,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the key in `path`, or creates the file with `len` fresh random bytes.
///
/// # Errors
/// [`KeyFileError`].
pub fn load_or_create(
    path: &Path,
    len: usize,
    random: &dyn Randomness,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    match read(path, len) {
        Err(KeyFileError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
        other => return other,
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    let mut key = Zeroizing::new(vec![0u8; len]);
    random.fill_bytes(&mut key);
    let mut text = Zeroizing::new(hex::encode(&*key));
    text.push('\n');
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes()).map_err(io_err(path))?;
            file.sync_all().map_err(io_err(path))?;
            tracing::info!(path = %path.display(), "created a key file");
            Ok(key)
        }
        // Someone else created it meanwhile: use theirs.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read(path, len),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Reads an existing key file of `len` bytes.
///
/// # Errors
/// [`KeyFileError`] (`Io` with `NotFound` when missing).
pub fn read(path: &Path, len: usize) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    let meta = fs::metadata(path).map_err(io_err(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::Permissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = Zeroizing::new(fs::read_to_string(path).map_err(io_err(path))?);
    let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| KeyFileError::Format {
        path: path.to_path_buf(),
        len,
    })?);
    if bytes.len() != len {
        return Err(KeyFileError::Format {
            path: path.to_path_buf(),
            len,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::SeededRandom;

    #[test]
    fn created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/key");
        let a = load_or_create(&path, 32, &SeededRandom::new(1)).unwrap();
        let b = load_or_create(&path, 32, &SeededRandom::new(9)).unwrap();
        assert_eq!(*a, *b);
        assert_eq!(a.len(), 32);
        assert!(matches!(
            read(&path, 16),
            Err(KeyFileError::Format { len: 16, .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_key_readable_by_others() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        load_or_create(&path, 16, &SeededRandom::new(1)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&path, 16, &SeededRandom::new(1)).unwrap_err();
        assert!(matches!(err, KeyFileError::Permissions { mode: 0o644, .. }));
        assert!(err.to_string().contains("chmod 600"));
    }

    #[test]
    fn refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        options
            .open(&path)
            .unwrap()
            .write_all(b"not hex\n")
            .unwrap();
        assert!(matches!(
            load_or_create(&path, 16, &SeededRandom::new(1)),
            Err(KeyFileError::Format { .. })
        ));
    }
}
