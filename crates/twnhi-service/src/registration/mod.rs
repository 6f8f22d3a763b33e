//! The registration's own flows, one file each: apply (4.1), verify the e-mail address
//! (4.1 step 5), the letters with a new link — resend the confirmation (4.8) and forgot the
//! password (4.9) — reset the password (4.9), log in (4.2), change the password (4.5) and the
//! basic data (4.6). This module holds what several flows share: issuing and opening links,
//! the household check, re-authentication and what every new password brings.

use chrono::{DateTime, Utc};
use twnhi_account::messages::Msg;
use twnhi_account::password::PersonalData;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{Email, Password};
use twnhi_store::{
    AuditAction, AuditOutcome, Change, ChangeSet, Contacts, InsuredPerson, Registration,
    RegistrationId, StoredSecret,
};

use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::ports::PortRng;
use crate::service::{Caller, Service};
use crate::throttle::Counter;

mod apply;
mod change_data;
mod change_password;
mod link_letter;
mod login;
mod reset;
mod verify;

pub use apply::{ApplyInput, ApplyOutcome};
pub use change_data::{ChangeDataInput, ChangeDataOutcome};
pub use change_password::ChangePasswordInput;
pub use link_letter::{LetterRequest, NewAddress};
pub use login::LoginOutcome;
pub use reset::NewPassword;

/// [`Msg::MicrosoftMailWarning`] when an address of `c` is at a Microsoft domain.
pub(crate) fn microsoft_warnings(c: &Contacts) -> Vec<Msg> {
    let ms = c.email.is_microsoft_domain()
        || c.spare_email
            .as_ref()
            .is_some_and(Email::is_microsoft_domain);
    if ms {
        vec![Msg::MicrosoftMailWarning]
    } else {
        Vec::new()
    }
}

/// What the password rules compare a new password with: the card holder's data.
pub(crate) fn personal(p: &InsuredPerson) -> PersonalData<'_> {
    PersonalData {
        id_number: Some(&p.id_number),
        card_number: Some(&p.card_number),
        birth_date: Some(p.birth_date),
    }
}

impl Service {
    /// A new one-time secret of `kind` for a registration: the plain token (for the letter)
    /// and the record to store.
    fn issue(
        &self,
        kind: SecretKind,
        subject: &RegistrationId,
        now: DateTime<Utc>,
    ) -> (zeroize::Zeroizing<String>, StoredSecret) {
        let (plain, record) = self
            .config()
            .secret_policies
            .issue(
                self.keys().secrets(),
                kind,
                subject.as_str(),
                now,
                &mut PortRng(self.random()),
            )
            .into_parts();
        (
            plain,
            StoredSecret {
                record,
                payload: None,
            },
        )
    }

    /// The household check of 4.1 step 2 ([`Service::apply_check`], [`Service::apply`]) and
    /// of a new address (4.8, 4.9): throttled per card (only its holder gets here) and on the
    /// form's ceiling per client address; when the data typed do not match the registry
    /// (`matches` false) it records a failure on each and the audit event `action` /
    /// `registry-mismatch`, and is the one generic refusal. Reads nothing about
    /// registrations. Returns the counters.
    async fn check_household(
        &self,
        client: Option<&str>,
        person: &InsuredPerson,
        matches: bool,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<Vec<Counter>> {
        let counters = self.household_counters(&person.card_number, client);
        self.check_throttle(&counters, now).await?;
        if matches {
            return Ok(counters);
        }
        let mut cs = ChangeSet::new();
        self.fail(&mut cs, &counters, now);
        cs.push(self.audit(
            now,
            None,
            action,
            AuditOutcome::RegistryMismatch,
            client,
            format!("id={}", person.id_number.masked()),
        ));
        self.commit(cs).await?;
        Err(ServiceError::RegistryMismatch)
    }

    /// Opens a registration's link of `kind` (4.1 step 5, 4.9) for the card holder `person`:
    /// unknown tokens are "link invalid", another person's registration is
    /// [`ServiceError::CardNotRegistrant`](crate::ServiceError::CardNotRegistrant). The link is checked in memory first (a used link is
    /// "invalid" whatever the state); nothing is spent unless the whole change commits:
    /// returns the registration and the change that spends the link, for the caller's change
    /// set (commit it with [`Service::commit_spend`]).
    async fn open_link(
        &self,
        kind: SecretKind,
        token: &str,
        person: &InsuredPerson,
        now: DateTime<Utc>,
    ) -> Result<(Registration, Change)> {
        let invalid = ServiceError::secret(kind, SecretError::Expired);
        let digest = self.keys().secrets().digest_hex(kind, token);
        let Some(mut secret) = self.inner.store.secret_by_digest(&digest).await? else {
            return Err(invalid);
        };
        if secret.record.kind() != kind {
            return Err(invalid);
        }
        let Ok(reg_id) = RegistrationId::parse(secret.record.subject()) else {
            return Err(invalid);
        };
        let Some(reg) = self.inner.store.registration(&reg_id).await? else {
            return Err(invalid);
        };
        if reg.id_number != person.id_number {
            return Err(ServiceError::CardNotRegistrant);
        }
        let before = secret.record.attempts_left();
        secret
            .record
            .check(self.keys().secrets(), token, reg.id.as_str(), now)
            .map_err(|e| ServiceError::secret(kind, e))?;
        let spend = Change::SpendSecret {
            digest: secret.record.digest_hex().to_owned(),
            expected_attempts_left: before,
        };
        Ok((reg, spend))
    }

    /// Re-authentication with the current password (throttled like a login: the session was
    /// opened with the card).
    async fn reauthenticate(
        &self,
        caller: &Caller,
        reg: &Registration,
        password: &Password,
        action: AuditAction,
    ) -> Result<()> {
        let now = self.now();
        let client = caller.client.as_deref();
        let counters = self.password_counters(&reg.id_number, client);
        self.check_throttle(&counters, now).await?;
        if self
            .verify_password(password, &reg.password_hash)
            .await?
            .is_match()
        {
            return Ok(());
        }
        let mut cs = ChangeSet::new();
        self.fail(&mut cs, &counters, now);
        cs.push(self.audit(
            now,
            Some(&reg.id),
            action,
            AuditOutcome::BadCurrentPassword,
            client,
            "",
        ));
        self.commit(cs).await?;
        Err(ServiceError::CurrentPasswordIncorrect)
    }

    /// What every new password brings (4.5 change, 4.9 reset), appended to `cs`: the new hash,
    /// every session and app token of the registration ended, the password counters of the
    /// site and the app reset (the NIST caps included), a notice to the registered address,
    /// and an audit event `(action, client)`.
    pub(crate) fn new_password_changes(
        &self,
        mut cs: ChangeSet,
        mut reg: Registration,
        hash: twnhi_account::password::PasswordHash,
        name: String,
        now: DateTime<Utc>,
        (action, client): (AuditAction, Option<&str>),
    ) -> Result<ChangeSet> {
        let expected = reg.version;
        let id = reg.id.clone();
        let reg_id_number = reg.id_number.clone();
        let letter = LetterData::PasswordChanged {
            to: reg.contacts.email.as_str().to_owned(),
            name,
            changed_at: now,
        };
        reg.password_hash = hash;
        reg.updated_at = now;
        cs.push(Change::UpdateRegistration {
            expected_version: expected,
            registration: reg,
        })
        .push(Change::DeleteSessionsOf {
            registration_id: id.clone(),
        });
        let password = self.password_counters(&reg_id_number, None);
        let app_cap = self.app_cap(&reg_id_number);
        Service::reset(&mut cs, &[&password[0], &password[1], &app_cap]);
        cs.push(self.mail(now, Some(&id), &letter)?)
            .push(self.audit(now, Some(&id), action, AuditOutcome::Ok, client, ""));
        Ok(cs)
    }
}
