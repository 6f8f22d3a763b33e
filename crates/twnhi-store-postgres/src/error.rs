//! The adapter's internal error: a driver error or a store error, turned into the port's
//! [`StoreError`] at the port's edge.
//!
//! The mapping follows the SQLite adapter's, by SQLSTATE:
//!
//! | SQLSTATE | meaning | [`StoreError`] |
//! |---|---|---|
//! | `23505`, `23503` | unique or foreign key violation | `Conflict` |
//! | `40001`, `40P01` | serialization failure, deadlock (after [`Store::apply`]'s retries) | `Conflict` |
//! | `53100` | disk full | `Database` (as SQLite's `SQLITE_FULL`) |
//! | `25006` | read-only transaction (a standby, `default_transaction_read_only`) | `Database` (as SQLite's `SQLITE_READONLY`) |
//! | `57014` | statement timeout | `Database` |
//! | `08…`, `57P…`, I/O, pool timeout | server unavailable | `Database` |
//!
//! Only a conflict is the caller's to answer ("already used, try again"); everything else is
//! an unavailable or broken database, with the driver's error kept as the source.
//!
//! [`Store::apply`]: twnhi_store::Store::apply

use twnhi_store::StoreError;

/// SQLSTATE of a serialization failure.
pub(crate) const SERIALIZATION_FAILURE: &str = "40001";
/// SQLSTATE of a detected deadlock.
pub(crate) const DEADLOCK_DETECTED: &str = "40P01";

/// What the adapter's internal functions fail with; `?` takes both kinds.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The driver's error.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// Already a store error (corrupt row, conflict, …).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// The SQLSTATE of a database error.
    pub(crate) fn sqlstate(&self) -> Option<String> {
        match self {
            Error::Sqlx(sqlx::Error::Database(db)) => db.code().map(|c| c.into_owned()),
            _ => None,
        }
    }

    /// A transaction lost to a concurrent one (serialization failure or deadlock): running
    /// it again may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(
            self.sqlstate().as_deref(),
            Some(SERIALIZATION_FAILURE | DEADLOCK_DETECTED)
        )
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(e) => e,
            Error::Sqlx(source) => {
                if let sqlx::Error::Database(db) = &source {
                    if db.is_unique_violation() || db.is_foreign_key_violation() {
                        return StoreError::Conflict {
                            what: "unique or foreign key constraint",
                        };
                    }
                    if matches!(
                        db.code().as_deref(),
                        Some(SERIALIZATION_FAILURE | DEADLOCK_DETECTED)
                    ) {
                        return StoreError::Conflict {
                            what: "concurrent transaction",
                        };
                    }
                }
                StoreError::Database {
                    source: Box::new(source),
                }
            }
        }
    }
}

/// The internal result.
pub(crate) type Result<T, E = Error> = core::result::Result<T, E>;

/// A stored value that cannot be read back.
pub(crate) fn corrupt(what: &'static str) -> Error {
    Error::Store(StoreError::Corrupt { what })
}

/// `Ok` when exactly one row changed, else a conflict on `what`.
pub(crate) fn conflict_unless_one(rows: u64, what: &'static str) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(Error::Store(StoreError::Conflict { what }))
    }
}

/// A count read back as `u32`.
pub(crate) fn u32_of(v: i64, what: &'static str) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt(what))
}

/// A count read back as `u64`.
pub(crate) fn u64_of(v: i64, what: &'static str) -> Result<u64> {
    u64::try_from(v).map_err(|_| corrupt(what))
}
