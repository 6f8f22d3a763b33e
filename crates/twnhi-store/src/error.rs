//! The store's error type, the same for every backend: a backend's own errors (a driver's,
//! a migration tool's) travel as boxed sources.

/// A backend's underlying error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation failed. `Display` is bilingual ("zh-TW / English"); none of these is
/// the user's fault except [`StoreError::Conflict`], which the use cases turn into their own
/// answers (already used, already registered, try again).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A precondition of a change did not hold: a unique constraint (one registration per ID
    /// number, one secret per digest), a version that changed since it was read, a secret that
    /// was used meanwhile. Nothing of the change set was written.
    #[error("資料已被變更，請重新操作 / the data changed meanwhile: {what}")]
    Conflict {
        /// What conflicted (no personal data).
        what: &'static str,
    },
    /// The database could not be opened or migrated.
    #[error("無法開啟資料庫 / cannot open the database: {source}")]
    Open {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// Applying the embedded migrations failed.
    #[error("資料庫結構更新失敗 / database migration failed: {source}")]
    Migrate {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// A query failed.
    #[error("資料庫錯誤 / database error: {source}")]
    Database {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// A stored value could not be read back (a corrupted or hand-edited row).
    #[error("資料庫內容錯誤 / corrupt stored value in {what}")]
    Corrupt {
        /// Which table and column.
        what: &'static str,
    },
    /// The database's file system has less free space than the readiness check asks for.
    #[error(
        "資料庫磁碟空間不足 / the database's disk is nearly full: {available} bytes free, {wanted} wanted"
    )]
    DiskFull {
        /// Bytes available.
        available: u64,
        /// Bytes the check asks for.
        wanted: u64,
    },
    /// A registry import was refused (nothing was written).
    #[error("健保資料匯入失敗 / registry import refused: {reason}")]
    Import {
        /// Why (no personal data beyond masked numbers).
        reason: String,
    },
}

impl StoreError {
    /// Whether this is a [`StoreError::Conflict`].
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
