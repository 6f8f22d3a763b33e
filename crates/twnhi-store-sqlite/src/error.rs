//! The adapter's internal error: a driver error or a store error, turned into the port's
//! [`StoreError`] at the port's edge.

use twnhi_store::StoreError;

/// What the adapter's internal functions fail with; `?` takes both kinds.
#[derive(Debug)]
pub(crate) enum Error {
    /// The driver's error.
    Sqlx(sqlx::Error),
    /// Already a store error (corrupt row, conflict, …).
    Store(StoreError),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Sqlx(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(e) => e,
            Error::Sqlx(source) => {
                if let sqlx::Error::Database(db) = &source
                    && (db.is_unique_violation() || db.is_foreign_key_violation())
                {
                    return StoreError::Conflict {
                        what: "unique or foreign key constraint",
                    };
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
