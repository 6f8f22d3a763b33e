//! 4.1 Apply: the household check of 【下一步】 and the application itself.

use core::fmt;

use twnhi_account::messages::Msg;
use twnhi_account::password::{Strength, check_password};
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::SecretKind;
use twnhi_account::{HouseholdAddress, HouseholdId, Password};
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet, Contacts, Registration};

use super::{microsoft_warnings, personal};
use crate::card_auth::CardHolder;
use crate::error::Result;
use crate::letters::LetterData;
use crate::service::{Caller, Service};

/// The apply form (4.1 steps 2–3), after the card was authenticated in the session.
pub struct ApplyInput {
    /// 戶號 as printed on the household certificate.
    pub household_id: HouseholdId,
    /// 戶籍鄉鎮里鄰.
    pub address: HouseholdAddress,
    /// The registration password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
    /// E-mail addresses and phones.
    pub contacts: Contacts,
}

impl fmt::Debug for ApplyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApplyInput(***)")
    }
}

/// The answer to an application: always 『您已完成申請…』 when the registry data matched
/// (whether or not the person was registered already — SPEC §5), with warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// [`Msg::ApplySuccess`].
    pub message: Msg,
    /// [`Msg::MicrosoftMailWarning`] when an address is at a Microsoft domain.
    pub warnings: Vec<Msg>,
    /// The password's strength meter.
    pub strength: Strength,
}

impl Service {
    /// 4.1 step 2, 【下一步】: checks the 戶號 and the 戶籍鄉鎮里鄰 typed after the card was
    /// authenticated in the session against the registry, before the password and contacts
    /// are asked for. Any field that does not match gives the one generic refusal (which one
    /// is not said); failures are throttled per card and per client address like
    /// [`Service::apply`], and both outcomes are audited (`apply-check`). The answer and the
    /// work are the same whether or not the person is registered already: no registration is
    /// read. [`Service::apply`] checks the same data again when the application is sent.
    ///
    /// Returns the card holder from the registry (the 姓名 of the next step).
    ///
    /// The card must have been read when the form was sent (the page re-reads it on
    /// 【下一步】, as the manual asks the card in the reader then):
    /// [`ServiceConfig::card_submit_window`](crate::ServiceConfig::card_submit_window).
    ///
    /// # Errors
    /// [`ServiceError::Closed`](crate::ServiceError::Closed), [`ServiceError::SessionExpired`](crate::ServiceError::SessionExpired),
    /// [`ServiceError::CardRequired`](crate::ServiceError::CardRequired), [`ServiceError::CardNotVerified`](crate::ServiceError::CardNotVerified) (the card is no
    /// longer valid), [`ServiceError::RegistryMismatch`](crate::ServiceError::RegistryMismatch), [`ServiceError::Throttled`](crate::ServiceError::Throttled), store
    /// errors.
    pub async fn apply_check(
        &self,
        caller: &Caller,
        household_id: &HouseholdId,
        address: &HouseholdAddress,
    ) -> Result<CardHolder> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.submitted_card(caller, now).await?;
        let matches = *household_id == person.household_id && address.matches(&person.address);
        let counters = self
            .check_household(
                caller.client.as_deref(),
                &person,
                matches,
                AuditAction::ApplyCheck,
                now,
            )
            .await?;
        let mut cs = ChangeSet::new();
        Service::reset(&mut cs, &[&counters[0]]);
        let cs = cs.with(self.audit(
            now,
            None,
            AuditAction::ApplyCheck,
            AuditOutcome::Ok,
            caller.client.as_deref(),
            format!("id={}", person.id_number.masked()),
        ));
        self.commit(cs).await?;
        Ok(CardHolder::of(&person))
    }

    /// 4.1 Apply: the card authenticated in the session, household data matching the
    /// registry, a password following the rules, contacts. Answers the same whether or not
    /// the person is registered already (then the registered address gets a reminder).
    ///
    /// # Errors
    /// [`ServiceError::Closed`](crate::ServiceError::Closed), [`ServiceError::CardRequired`](crate::ServiceError::CardRequired),
    /// [`ServiceError::RegistryMismatch`](crate::ServiceError::RegistryMismatch), [`ServiceError::Password`](crate::ServiceError::Password),
    /// [`ServiceError::Throttled`](crate::ServiceError::Throttled), [`ServiceError::Busy`](crate::ServiceError::Busy) (a concurrent application for the
    /// same person won), store errors.
    pub async fn apply(&self, caller: &Caller, input: ApplyInput) -> Result<ApplyOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let client = caller.client.as_deref();
        let matches =
            input.household_id == person.household_id && input.address.matches(&person.address);
        let counters = self
            .check_household(client, &person, matches, AuditAction::Apply, now)
            .await?;
        let strength = check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal(&person),
        )
        .into_result()?;
        let warnings = microsoft_warnings(&input.contacts);
        let existing = self.current_registration(&person.id_number).await?;
        let mut cs = ChangeSet::new();
        Service::reset(&mut cs, &[&counters[0]]);
        self.enroll(
            client,
            &person,
            &input.password,
            input.contacts,
            existing,
            now,
            cs,
        )
        .await?;
        Ok(ApplyOutcome {
            message: Msg::ApplySuccess,
            warnings,
            strength,
        })
    }

    /// What an application does once the applicant is established (the card and the
    /// household data on the card path; the citizen certificate on the certificate path): a
    /// new registration with its confirmation letter, or a pending one replaced, or — for a
    /// registration in another state — the same answer with a reminder to the registered
    /// address. `cs` holds what the caller's checks add; committed here.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn enroll(
        &self,
        client: Option<&str>,
        person: &twnhi_store::InsuredPerson,
        password: &Password,
        contacts: Contacts,
        existing: Option<Registration>,
        now: chrono::DateTime<chrono::Utc>,
        mut cs: ChangeSet,
    ) -> Result<()> {
        match existing {
            None => {
                let hash = self.hash_password(password).await?;
                let reg = Registration {
                    id: self.new_registration_id(),
                    id_number: person.id_number.clone(),
                    card_number: person.card_number.clone(),
                    state: RegistrationState::INITIAL,
                    password_hash: hash,
                    contacts,
                    created_at: now,
                    updated_at: now,
                    verified_at: None,
                    cancelled_at: None,
                    cancel_effective_at: None,
                    version: 0,
                };
                let (token, secret) = self.issue(SecretKind::EmailConfirmLink, &reg.id, now);
                let letter = LetterData::Confirmation {
                    to: reg.contacts.email.as_str().to_owned(),
                    name: person.name.clone(),
                    token: token.to_string(),
                    expires_at: secret.record.expires_at(),
                };
                cs.push(Change::InsertRegistration(reg.clone()))
                    .push(Change::PutSecret(secret))
                    .push(self.mail(now, Some(&reg.id), &letter)?)
                    .push(self.audit(
                        now,
                        Some(&reg.id),
                        AuditAction::Apply,
                        AuditOutcome::Ok,
                        client,
                        format!("id={}", person.id_number.masked()),
                    ));
                self.commit(cs).await?;
                tracing::info!(registration = %reg.id, "application accepted");
            }
            Some(mut reg) if reg.state == RegistrationState::PendingEmailVerification => {
                let hash = self.hash_password(password).await?;
                let expected = reg.version;
                reg.password_hash = hash;
                reg.contacts = contacts;
                reg.card_number = person.card_number.clone();
                reg.created_at = now;
                reg.updated_at = now;
                let (token, secret) = self.issue(SecretKind::EmailConfirmLink, &reg.id, now);
                let letter = LetterData::Confirmation {
                    to: reg.contacts.email.as_str().to_owned(),
                    name: person.name.clone(),
                    token: token.to_string(),
                    expires_at: secret.record.expires_at(),
                };
                cs.push(Change::PutSecret(secret))
                    .push(self.mail(now, Some(&reg.id), &letter)?)
                    .push(self.audit(
                        now,
                        Some(&reg.id),
                        AuditAction::Apply,
                        AuditOutcome::ReplacedPending,
                        client,
                        "",
                    ));
                cs.push(Change::UpdateRegistration {
                    expected_version: expected,
                    registration: reg,
                });
                self.commit(cs).await?;
            }
            Some(reg) => {
                // Registered already: same answer, same hashing time; the registered address
                // gets a reminder (the completion letter) when the registration is in use.
                self.equalize(password).await?;
                if reg.state.is_in_use() {
                    let letter = LetterData::Completion {
                        to: reg.contacts.email.as_str().to_owned(),
                        name: person.name.clone(),
                    };
                    cs.push(self.mail(now, Some(&reg.id), &letter)?);
                }
                cs.push(self.audit(
                    now,
                    Some(&reg.id),
                    AuditAction::Apply,
                    AuditOutcome::AlreadyRegistered,
                    client,
                    reg.state.as_str(),
                ));
                self.commit(cs).await?;
            }
        }
        Ok(())
    }
}
