//! The records the ports exchange: insured persons of the registry, registrations with their
//! contacts, devices, one-time secrets, sessions, outbox letters and audit events, and the
//! [`ChangeSet`] that writes one state change atomically.

use core::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::device::DeviceRecord;
use twnhi_account::password::PasswordHash;
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretKind, SecretRecord};
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::{
    CardNumber, Email, HouseholdAddress, HouseholdId, IdNumber, LocalPhone, MobilePhone, Sex,
};

/// The identifier of a registration: 32 lower-case hex digits (128 random bits), never derived
/// from personal data, so it can appear in logs and audit trails.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistrationId(String);

impl RegistrationId {
    /// Builds an identifier from 16 random bytes.
    #[must_use]
    pub fn from_random(bytes: [u8; 16]) -> Self {
        RegistrationId(hex_lower(&bytes))
    }

    /// Parses a stored identifier.
    ///
    /// # Errors
    /// [`InvalidId`] unless it is 32 lower-case hex digits.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        if s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(RegistrationId(s.to_owned()))
        } else {
            Err(InvalidId)
        }
    }

    /// The identifier.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistrationId({})", self.0)
    }
}

impl fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegistrationId {
    type Error = InvalidId;
    fn try_from(s: String) -> Result<Self, InvalidId> {
        RegistrationId::parse(&s)
    }
}

impl From<RegistrationId> for String {
    fn from(id: RegistrationId) -> String {
        id.0
    }
}

/// A registration or outbox identifier that is not 32 lower-case hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", twnhi_account::messages::bilingual("store-bad-identifier"))]
#[non_exhaustive]
pub struct InvalidId;

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// registry

/// The status of a card in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardStatus {
    /// The card in use.
    Valid,
    /// A replaced, lost or cancelled card: it cannot be used on the site.
    Revoked,
}

impl CardStatus {
    /// Stable name: `valid` or `revoked`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            CardStatus::Valid => "valid",
            CardStatus::Revoked => "revoked",
        }
    }

    /// Parses the stable name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "valid" => Some(CardStatus::Valid),
            "revoked" => Some(CardStatus::Revoked),
            _ => None,
        }
    }
}

/// An insured person as the registry knows them (SPEC §4: NHI enrolment data joined with the
/// household registration). One row per card; a person may have old, revoked cards.
#[derive(Clone, PartialEq, Eq)]
pub struct InsuredPerson {
    /// The card number (the key).
    pub card_number: CardNumber,
    /// The ID number.
    pub id_number: IdNumber,
    /// The name.
    pub name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Whether this card is in use.
    pub card_status: CardStatus,
    /// Household ID number (戶號).
    pub household_id: HouseholdId,
    /// Household registration address (戶籍鄉鎮里鄰).
    pub address: HouseholdAddress,
}

impl fmt::Debug for InsuredPerson {
    /// Masked: card and ID numbers only in their masked forms, no name or address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InsuredPerson")
            .field("card_number", &self.card_number.masked())
            .field("id_number", &self.id_number.masked())
            .field("card_status", &self.card_status)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// registrations

/// How a registration is reached: the e-mail addresses and phones of the apply form (4.1) and
/// the change-data form (4.6).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// Main e-mail (required): where every letter goes.
    pub email: Email,
    /// Spare e-mail (optional).
    pub spare_email: Option<Email>,
    /// Mobile phone (optional: the manual marks it without `*`, asking for it with
    /// 「本項行動電話將作為未來行動裝置之認證使用，請務必輸入。」).
    pub mobile_phone: Option<MobilePhone>,
    /// Local phone (optional).
    pub local_phone: Option<LocalPhone>,
}

impl fmt::Debug for Contacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Contacts(***)")
    }
}

/// A registration (one per person among those not cancelled).
#[derive(Clone, PartialEq, Eq)]
pub struct Registration {
    /// The identifier.
    pub id: RegistrationId,
    /// The registrant's ID number.
    pub id_number: IdNumber,
    /// The card used to apply (or to verify the e-mail address last).
    pub card_number: CardNumber,
    /// The state.
    pub state: RegistrationState,
    /// The Argon2id hash of the registration password.
    pub password_hash: PasswordHash,
    /// E-mail addresses and phones.
    pub contacts: Contacts,
    /// When the application was made (or last replaced).
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When the e-mail address was verified.
    pub verified_at: Option<DateTime<Utc>>,
    /// When the cancellation was confirmed.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// A cancellation confirmed with a code sent to a new e-mail address takes effect only at
    /// this time (the waiting period), unless stopped from the registered address first.
    pub cancel_effective_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version: every update must name the version it read.
    pub version: i64,
}

impl fmt::Debug for Registration {
    /// No personal data: the identifier, the masked ID number and the state.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("id", &self.id)
            .field("id_number", &self.id_number.masked())
            .field("state", &self.state)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// devices

/// A bound device as stored: the domain record and the seed its TOTP secret is derived from
/// (the secret itself is `HMAC(server key, seed …)` and never stored).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredDevice {
    /// The device record (identifier, platform, model, verified time, state, last TOTP step).
    pub record: DeviceRecord,
    /// 32 hex digits of random seed.
    pub totp_seed: String,
}

impl fmt::Debug for StoredDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredDevice")
            .field("device", &self.record.id().masked())
            .field("state", &self.record.state())
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// secrets

/// A one-time secret as stored: the HMAC record and, for card-authentication nonces, the
/// context of the exchange (card number, card challenge and SAM random, JSON; no key material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSecret {
    /// The record (digest, subject, times, tries, used flag).
    pub record: SecretRecord,
    /// Context attached after issuing (card authentication step 3).
    pub payload: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// sessions

/// A browser session or an app token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionKind {
    /// A browser session (cookie).
    Web,
    /// An app token (bearer), bound to one device.
    App,
}

impl SessionKind {
    /// `web` or `app`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::App => "app",
        }
    }
}

/// How the person of a session was authenticated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMethod {
    /// The NHI card through the SAM (SPEC §3; stored as `card`, or nothing).
    #[default]
    Card,
    /// The citizen digital certificate (自然人憑證, manual §六; stored as `certificate`): the
    /// card number is the registry's card of the ID number the certificate was confirmed
    /// for.
    Certificate,
}

impl AuthMethod {
    /// The stored name: `card` or `certificate`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Card => "card",
            AuthMethod::Certificate => "certificate",
        }
    }

    /// The method of a stored name; `None` (a row written before the column existed) is
    /// [`AuthMethod::Card`]. An unknown name is `None`.
    #[must_use]
    pub fn parse_stored(name: Option<&str>) -> Option<AuthMethod> {
        match name {
            None | Some("card") => Some(AuthMethod::Card),
            Some("certificate") => Some(AuthMethod::Certificate),
            Some(_) => None,
        }
    }
}

/// A card authenticated in a session (SPEC §3 step 5), or the registry's card of the person a
/// citizen certificate was confirmed for ([`AuthMethod::Certificate`]).
#[derive(Clone, PartialEq, Eq)]
pub struct CardInSession {
    /// The card.
    pub card_number: CardNumber,
    /// When its authentication was verified.
    pub verified_at: DateTime<Utc>,
    /// How the person was authenticated.
    pub via: AuthMethod,
}

impl fmt::Debug for CardInSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardInSession")
            .field("card_number", &self.card_number.masked())
            .field("verified_at", &self.verified_at)
            .field("via", &self.via)
            .finish()
    }
}

/// A session as stored: looked up by the SHA-256 of its token (the token itself is never
/// stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the token, lower-case hex.
    pub digest: String,
    /// Browser or app.
    pub kind: SessionKind,
    /// The registration logged in, if any.
    pub registration_id: Option<RegistrationId>,
    /// For app tokens: the device.
    pub device_id: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last request (idle timeout).
    pub last_seen_at: DateTime<Utc>,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
    /// The card authenticated in this session.
    pub card: Option<CardInSession>,
}

// ---------------------------------------------------------------------------------------------
// outbox

/// A letter queued for delivery, as written in the same transaction as its state change.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMail {
    /// 32 hex digits; the Message-ID is derived from it, so every retry carries the same.
    pub id: String,
    /// The registration it concerns (for the audit trail; no foreign key).
    pub registration_id: Option<RegistrationId>,
    /// The letter's slug (`confirmation`, `password-reset` …).
    pub kind: String,
    /// The sealed letter data (recipient, name, link token …), opaque to the store.
    pub payload: Vec<u8>,
    /// When it was queued (also the letter's `Date`).
    pub created_at: DateTime<Utc>,
    /// A pseudonym of the recipient's address (never the address), for the caps.
    pub recipient_key: Option<String>,
    /// Letters beyond these caps are dropped silently (SPEC §5: nobody floods a mailbox).
    pub cap: Option<MailCap>,
}

/// Caps on letters: at most `per_recipient` letters to one address and `per_registration`
/// letters about one registration queued since `since` (typically the last hour). Checked
/// and applied by the store in the transaction that queues the letter, so concurrent
/// requests and replicas cannot exceed them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailCap {
    /// The start of the window.
    pub since: DateTime<Utc>,
    /// Letters to one recipient in the window.
    pub per_recipient: u32,
    /// Letters about one registration in the window.
    pub per_registration: u32,
}

impl fmt::Debug for NewMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMail")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Delivery state of an outbox letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailStatus {
    /// Waiting for (another) delivery attempt.
    Pending,
    /// Handed over; the payload has been wiped.
    Sent,
    /// Given up (permanent refusal or too many attempts); the payload has been wiped.
    Failed,
}

impl MailStatus {
    /// Stable name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    /// Parses the stable name (`pending`, `sent`, `failed`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(MailStatus::Pending),
            "sent" => Some(MailStatus::Sent),
            "failed" => Some(MailStatus::Failed),
            _ => None,
        }
    }
}

/// An outbox letter claimed by a worker for delivery.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    /// The identifier.
    pub id: String,
    /// The registration it concerns.
    pub registration_id: Option<RegistrationId>,
    /// The letter's slug.
    pub kind: String,
    /// The sealed letter data.
    pub payload: Vec<u8>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Delivery attempts made before this one.
    pub attempts: u32,
    /// The claim: only its holder may hand the letter over or record the outcome.
    pub claim: String,
}

impl fmt::Debug for ClaimedMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedMail")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// An outbox row as the admin tools show it (no payload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailSummary {
    /// The identifier.
    pub id: String,
    /// The letter's slug.
    pub kind: String,
    /// Delivery state.
    pub status: MailStatus,
    /// Attempts made.
    pub attempts: u32,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Handed over.
    pub sent_at: Option<DateTime<Utc>>,
    /// The last failure (the mailer's bilingual text; no payload).
    pub last_error: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// audit

mod audit;

pub use audit::{AuditAction, AuditEvent, AuditOutcome, AuditParseError, MailKind};

// ---------------------------------------------------------------------------------------------
// change sets

/// One write of a [`ChangeSet`].
///
/// Deliberately not `#[non_exhaustive]`: every backend matches every kind of change, so a new
/// one does not compile until each backend writes it (and the conformance suite checks it).
#[derive(Clone, Debug)]
pub enum Change {
    /// Inserts a new registration and its contacts. Fails with
    /// [`StoreError::Conflict`](crate::StoreError::Conflict) when the person already has a
    /// registration that is not cancelled (unique index).
    InsertRegistration(Registration),
    /// Replaces a registration's fields and contacts if its version is still
    /// `expected_version` (the stored version becomes `expected_version + 1`); otherwise
    /// [`StoreError::Conflict`](crate::StoreError::Conflict).
    UpdateRegistration {
        /// The version the caller read.
        expected_version: i64,
        /// The new values (its `version` field is ignored).
        registration: Registration,
    },
    /// Inserts or replaces a device of a registration.
    PutDevice {
        /// The registration.
        registration_id: RegistrationId,
        /// The device.
        device: StoredDevice,
    },
    /// Stores a new secret, replacing any secret of the same kind and subject.
    PutSecret(StoredSecret),
    /// Marks a secret used — only if it is still unused with `expected_attempts_left` tries
    /// left; otherwise [`StoreError::Conflict`](crate::StoreError::Conflict). This is what
    /// makes a code accepted once under concurrent submissions.
    SpendSecret {
        /// The secret's digest.
        digest: String,
        /// The tries left the caller saw.
        expected_attempts_left: u32,
    },
    /// Records a wrong entry: tries left go from `expected_attempts_left` to `attempts_left`
    /// (conflict if someone else changed it meanwhile).
    SecretAttempt {
        /// The secret's digest.
        digest: String,
        /// The tries left the caller saw.
        expected_attempts_left: u32,
        /// The tries left now.
        attempts_left: u32,
    },
    /// Attaches context to an unused secret that has none yet (conflict otherwise).
    SetSecretPayload {
        /// The secret's digest.
        digest: String,
        /// The context.
        payload: String,
    },
    /// Deletes a secret.
    DeleteSecret {
        /// The secret's digest.
        digest: String,
    },
    /// Deletes every secret of a subject (a registration that is cancelled).
    DeleteSecretsOf {
        /// The subject.
        subject: String,
    },
    /// Inserts or replaces a session.
    PutSession(SessionRecord),
    /// Deletes a session.
    DeleteSession {
        /// SHA-256 of its token.
        digest: String,
    },
    /// Deletes every session and app token of a registration (password change, reset,
    /// cancellation, suspension).
    DeleteSessionsOf {
        /// The registration.
        registration_id: RegistrationId,
    },
    /// Counts a failure for a throttling key (read-modify-write inside the transaction).
    ThrottleFailure {
        /// The key, e.g. `reg:<id>` or `addr:<address>`.
        key: String,
        /// The policy that forgets old failures.
        policy: ThrottlePolicy,
        /// When.
        at: DateTime<Utc>,
    },
    /// Forgets the failures of a key (a success).
    ThrottleReset {
        /// The key.
        key: String,
    },
    /// Forgets the failures of every key starting with `prefix` (e.g. the tries of every
    /// client address at a code, when a new code is issued).
    ThrottleResetPrefix {
        /// The prefix.
        prefix: String,
    },
    /// Queues a letter.
    EnqueueMail(NewMail),
    /// Appends an audit event.
    Audit(AuditEvent),
}

/// The writes of one state change, applied in one transaction: all or nothing.
#[derive(Clone, Debug, Default)]
pub struct ChangeSet {
    changes: Vec<Change>,
}

impl ChangeSet {
    /// An empty change set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a change.
    pub fn push(&mut self, change: Change) -> &mut Self {
        self.changes.push(change);
        self
    }

    /// Adds a change (builder style).
    #[must_use]
    pub fn with(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }

    /// The changes, in order.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether there is nothing to write.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The audit events of this change set (for tests and logs).
    pub fn audit_events(&self) -> impl Iterator<Item = &AuditEvent> {
        self.changes.iter().filter_map(|c| match c {
            Change::Audit(e) => Some(e),
            _ => None,
        })
    }

    /// The letters this change set queues.
    pub fn mails(&self) -> impl Iterator<Item = &NewMail> {
        self.changes.iter().filter_map(|c| match c {
            Change::EnqueueMail(m) => Some(m),
            _ => None,
        })
    }

    /// Whether it holds an audit event with this action.
    #[must_use]
    pub fn has_audit(&self, action: AuditAction) -> bool {
        self.audit_events().any(|e| e.action == action)
    }

    /// The kinds of secrets it stores.
    pub fn secret_kinds(&self) -> impl Iterator<Item = SecretKind> + '_ {
        self.changes.iter().filter_map(|c| match c {
            Change::PutSecret(s) => Some(s.record.kind()),
            _ => None,
        })
    }
}

/// What a registry import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Cards not in the registry before.
    pub inserted: u64,
    /// Cards whose row was replaced.
    pub updated: u64,
}

/// Counts of one registry: persons (distinct ID numbers) and cards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    /// Distinct ID numbers.
    pub persons: u64,
    /// Cards (rows).
    pub cards: u64,
}
