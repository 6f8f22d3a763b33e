#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
pub mod model;
pub mod port;
pub mod registry;
pub mod time;

pub use error::{BoxError, StoreError};
pub use model::{
    AuditAction, AuditEvent, AuditOutcome, AuditParseError, AuthMethod, CardInSession, CardStatus,
    Change, ChangeSet, ClaimedMail, Contacts, ImportReport, InsuredPerson, InvalidId, MailCap,
    MailKind, MailStatus, MailSummary, NewMail, Registration, RegistrationId, RegistryCounts,
    SessionKind, SessionRecord, StoredDevice, StoredSecret,
};
#[cfg(feature = "mocks")]
pub use port::{MockOutboxStore, MockRegistry, MockStore};
pub use port::{OutboxStore, Registry, RegistryImport, Store};
