#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]
#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

mod error;
pub mod model;
pub mod port;
pub mod registry;
mod sqlite;
pub mod time;

pub use error::StoreError;
pub use model::{
    AuditEvent, CardInSession, CardStatus, Change, ChangeSet, ClaimedMail, Contacts, InsuredPerson,
    InvalidId, MailCap, MailStatus, MailSummary, NewMail, Registration, RegistrationId,
    SessionKind, SessionRecord, StoredDevice, StoredSecret,
};
#[cfg(feature = "mocks")]
pub use port::{MockOutboxStore, MockRegistry, MockStore};
pub use port::{OutboxStore, Registry, Store};
pub use sqlite::{BUSY_TIMEOUT, DEFAULT_MIN_FREE_BYTES, ImportReport, RegistryCounts, SqliteStore};
