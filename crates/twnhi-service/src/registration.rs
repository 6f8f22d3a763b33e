//! Apply (4.1), verify the e-mail address (4.1 step 5), resend the confirmation letter (4.8),
//! log in (4.2), forgot and reset the password (4.9), change the password (4.5) and the basic
//! data (4.6).

use core::fmt;

use chrono::{DateTime, Utc};
use twnhi_account::messages::Msg;
use twnhi_account::password::{PersonalData, Strength, VerifyOutcome, check_password};
use twnhi_account::registration::{Flow, RegistrationEvent, RegistrationState};
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{Email, HouseholdAddress, HouseholdId, MobilePhone, Password};
use twnhi_store::{
    AuditAction, AuditOutcome, Change, ChangeSet, Contacts, InsuredPerson, Registration,
    RegistrationId, SessionKind, StoredSecret,
};

use crate::card_auth::CardHolder;
use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::ports::PortRng;
use crate::service::{Caller, Service, SessionToken};
use crate::throttle::Counter;

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

/// 修改電子郵件信箱…: send the letter to a new address, proven with the household address
/// (checked against the registry) and the registered mobile phone (4.8, 4.9).
pub struct NewAddress {
    /// The new e-mail address.
    pub email: Email,
    /// 戶籍鄉鎮里鄰.
    pub address: HouseholdAddress,
    /// The mobile phone given when applying.
    pub mobile_phone: MobilePhone,
}

impl fmt::Debug for NewAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewAddress(***)")
    }
}

/// Resend the confirmation letter (4.8) or ask for a reset letter (4.9): to the registered
/// address, or to a new one.
#[derive(Debug, Default)]
pub struct LetterRequest {
    /// `None`: 重寄認證信 / 寄送重設註冊密碼信 to the registered address.
    pub new_address: Option<NewAddress>,
}

/// The two letters with a new link that the card holder asks for (4.8, 4.9).
#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkLetter {
    /// 4.8: the confirmation letter, for a registration waiting for its e-mail verification.
    Confirmation,
    /// 4.9: the password reset letter, for a registration in use.
    PasswordReset,
}

impl LinkLetter {
    /// The audit action.
    fn action(self) -> AuditAction {
        match self {
            LinkLetter::Confirmation => AuditAction::ResendConfirmation,
            LinkLetter::PasswordReset => AuditAction::ForgotPassword,
        }
    }

    /// The link's secret kind.
    fn kind(self) -> SecretKind {
        match self {
            LinkLetter::Confirmation => SecretKind::EmailConfirmLink,
            LinkLetter::PasswordReset => SecretKind::PasswordResetLink,
        }
    }

    /// Whether a registration in `state` gets the letter.
    fn allowed(self, state: RegistrationState) -> bool {
        match self {
            LinkLetter::Confirmation => state == RegistrationState::PendingEmailVerification,
            LinkLetter::PasswordReset => state.allows(Flow::ForgotPassword),
        }
    }

    /// The letter.
    fn data(
        self,
        to: String,
        name: String,
        token: String,
        expires_at: DateTime<Utc>,
    ) -> LetterData {
        match self {
            LinkLetter::Confirmation => LetterData::Confirmation {
                to,
                name,
                token,
                expires_at,
            },
            LinkLetter::PasswordReset => LetterData::PasswordReset {
                to,
                name,
                token,
                expires_at,
            },
        }
    }
}

/// A new password and its confirmation (reset, 4.9).
pub struct NewPassword {
    /// The new password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Change the password (4.5): the current one (re-authentication) and the new one.
pub struct ChangePasswordInput {
    /// The current password.
    pub current: Password,
    /// The new password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
}

impl fmt::Debug for ChangePasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePasswordInput(***)")
    }
}

/// Change the basic data (4.6): the new contacts; the current password when an e-mail
/// address changes (re-authentication).
pub struct ChangeDataInput {
    /// The contacts as they should be.
    pub contacts: Contacts,
    /// The current password (required when the main or spare e-mail address changes).
    pub current_password: Option<Password>,
}

impl fmt::Debug for ChangeDataInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangeDataInput(***)")
    }
}

/// The answer to a change of basic data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeDataOutcome {
    /// [`Msg::DataSaved`].
    pub message: Msg,
    /// [`Msg::MicrosoftMailWarning`] when an address is at a Microsoft domain.
    pub warnings: Vec<Msg>,
}

/// A successful login: the renewed session (the old token is void) and who logged in.
#[derive(Debug)]
pub struct LoginOutcome {
    /// The new session token: replace the cookie.
    pub session: SessionToken,
    /// The registration.
    pub registration_id: RegistrationId,
    /// The card holder from the registry.
    pub holder: CardHolder,
}

fn microsoft_warnings(c: &Contacts) -> Vec<Msg> {
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

fn personal(p: &InsuredPerson) -> PersonalData<'_> {
    PersonalData {
        id_number: Some(&p.id_number),
        card_number: Some(&p.card_number),
        birth_date: Some(p.birth_date),
    }
}

impl Service {
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
    /// # Errors
    /// [`ServiceError::Closed`], [`ServiceError::SessionExpired`],
    /// [`ServiceError::CardRequired`], [`ServiceError::CardNotVerified`] (the card is no
    /// longer valid), [`ServiceError::RegistryMismatch`], [`ServiceError::Throttled`], store
    /// errors.
    pub async fn apply_check(
        &self,
        caller: &Caller,
        household_id: &HouseholdId,
        address: &HouseholdAddress,
    ) -> Result<CardHolder> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
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
    /// [`ServiceError::Closed`], [`ServiceError::CardRequired`],
    /// [`ServiceError::RegistryMismatch`], [`ServiceError::Password`],
    /// [`ServiceError::Throttled`], [`ServiceError::Busy`] (a concurrent application for the
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
        match existing {
            None => {
                let hash = self.hash_password(&input.password).await?;
                let reg = Registration {
                    id: self.new_registration_id(),
                    id_number: person.id_number.clone(),
                    card_number: person.card_number.clone(),
                    state: RegistrationState::INITIAL,
                    password_hash: hash,
                    contacts: input.contacts,
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
                let hash = self.hash_password(&input.password).await?;
                let expected = reg.version;
                reg.password_hash = hash;
                reg.contacts = input.contacts;
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
                self.equalize(&input.password).await?;
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
        Ok(ApplyOutcome {
            message: Msg::ApplySuccess,
            warnings,
            strength,
        })
    }

    /// Opens a registration's link of `kind` (4.1 step 5, 4.9) for the card holder `person`:
    /// unknown tokens are "link invalid", another person's registration is
    /// [`ServiceError::CardNotRegistrant`]. The link is checked in memory first (a used link is
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

    /// 4.1 step 5: the confirmation link opened with the registrant's card authenticated in
    /// the session. The registration becomes active and the completion letter goes out.
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (link invalid, used or expired),
    /// [`ServiceError::CardNotRegistrant`], [`ServiceError::Flow`], and the usual.
    pub async fn verify_email(&self, caller: &Caller, token: &str) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let kind = SecretKind::EmailConfirmLink;
        let (mut reg, spend) = self.open_link(kind, token, &person, now).await?;
        reg.state.check(Flow::VerifyEmail)?;
        let expected = reg.version;
        reg.state = reg
            .state
            .apply(RegistrationEvent::EmailVerified)
            .map_err(twnhi_account::Error::from)?;
        reg.verified_at = Some(now);
        reg.updated_at = now;
        reg.card_number = person.card_number.clone();
        let letter = LetterData::Completion {
            to: reg.contacts.email.as_str().to_owned(),
            name: person.name.clone(),
        };
        let id = reg.id.clone();
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(
                now,
                Some(&id),
                AuditAction::EmailVerified,
                AuditOutcome::Ok,
                caller.client.as_deref(),
                "",
            ));
        self.commit_spend(cs, kind).await?;
        tracing::info!(registration = %id, "e-mail address verified");
        Ok(Msg::EmailVerified)
    }

    /// The common part of 4.8 and 4.9: the card in the session, the new address proven.
    /// Returns the person, their registration (if any) and the address to write to (`None`:
    /// no letter, e.g. the mobile phone did not match).
    async fn letter_request(
        &self,
        caller: &Caller,
        request: &LetterRequest,
        which: LinkLetter,
        cs: &mut ChangeSet,
    ) -> Result<Option<(InsuredPerson, Registration, Email)>> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let client = caller.client.as_deref();
        let action = which.action();
        let matches = request
            .new_address
            .as_ref()
            .is_none_or(|new| new.address.matches(&person.address));
        let counters = self
            .check_household(client, &person, matches, action, now)
            .await?;
        let reg = self.current_registration(&person.id_number).await?;
        let kind = which.kind();
        let Some(reg) = reg.filter(|r| which.allowed(r.state)) else {
            self.decoy(cs, kind, now)?;
            cs.push(self.audit(
                now,
                None,
                action,
                AuditOutcome::NotApplicable,
                client,
                format!("id={}", person.id_number.masked()),
            ));
            return Ok(None);
        };
        let to = match &request.new_address {
            None => reg.contacts.email.clone(),
            Some(new) if new.mobile_phone == reg.contacts.mobile_phone => new.email.clone(),
            Some(_) => {
                self.decoy(cs, kind, now)?;
                self.fail(cs, &counters, now);
                cs.push(self.audit(
                    now,
                    Some(&reg.id),
                    action,
                    AuditOutcome::MobileMismatch,
                    client,
                    "",
                ));
                return Ok(None);
            }
        };
        Ok(Some((person, reg, to)))
    }

    /// 4.8 and 4.9 after [`Service::letter_request`]: a new link of `which` in a letter to
    /// the registered or the new address, which then becomes the registration's address (for
    /// a reset letter, the old address is told). Answers the same in every case (SPEC §5).
    async fn send_link_letter(
        &self,
        caller: &Caller,
        request: &LetterRequest,
        which: LinkLetter,
    ) -> Result<Msg> {
        let now = self.now();
        let mut cs = ChangeSet::new();
        let found = self.letter_request(caller, request, which, &mut cs).await?;
        if let Some((person, mut reg, to)) = found {
            let (token, secret) = self.issue(which.kind(), &reg.id, now);
            let letter = which.data(
                to.as_str().to_owned(),
                person.name.clone(),
                token.to_string(),
                secret.record.expires_at(),
            );
            cs.push(Change::PutSecret(secret))
                .push(self.mail(now, Some(&reg.id), &letter)?)
                .push(self.audit(
                    now,
                    Some(&reg.id),
                    which.action(),
                    AuditOutcome::Ok,
                    caller.client.as_deref(),
                    if request.new_address.is_some() {
                        "new-address"
                    } else {
                        ""
                    },
                ));
            if !to.same_mailbox(&reg.contacts.email) {
                if which == LinkLetter::PasswordReset {
                    let notice = LetterData::EmailChanged {
                        to: reg.contacts.email.as_str().to_owned(),
                        name: person.name.clone(),
                        new_email: to.as_str().to_owned(),
                        changed_at: now,
                    };
                    cs.push(self.mail(now, Some(&reg.id), &notice)?);
                }
                let expected = reg.version;
                reg.contacts.email = to;
                reg.updated_at = now;
                cs.push(Change::UpdateRegistration {
                    expected_version: expected,
                    registration: reg,
                });
            }
        }
        self.commit(cs).await?;
        Ok(Msg::LetterRequested)
    }

    /// 4.8 重寄認證信: a new confirmation letter for a registration waiting for its e-mail
    /// verification, to the registered or a new address (which then becomes the
    /// registration's address). Answers the same in every case (SPEC §5).
    ///
    /// # Errors
    /// [`ServiceError::CardRequired`], [`ServiceError::RegistryMismatch`] (the household
    /// address of a new address), [`ServiceError::Throttled`], and the usual.
    pub async fn resend_confirmation(
        &self,
        caller: &Caller,
        request: LetterRequest,
    ) -> Result<Msg> {
        self.send_link_letter(caller, &request, LinkLetter::Confirmation)
            .await
    }

    /// 4.9 忘記註冊密碼: a reset letter for a registration in use, to the registered or a new
    /// address (which then becomes the registration's address; the old one is told). Answers
    /// the same in every case (SPEC §5).
    ///
    /// # Errors
    /// As [`Service::resend_confirmation`].
    pub async fn forgot_password(&self, caller: &Caller, request: LetterRequest) -> Result<Msg> {
        self.send_link_letter(caller, &request, LinkLetter::PasswordReset)
            .await
    }

    /// 4.9 重設註冊密碼: the reset link opened with the registrant's card; sets the new
    /// password, ends every session and app token, tells the registered address.
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (link), [`ServiceError::CardNotRegistrant`],
    /// [`ServiceError::Password`], [`ServiceError::Flow`], and the usual.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        token: &str,
        input: NewPassword,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let kind = SecretKind::PasswordResetLink;
        let (reg, spend) = self.open_link(kind, token, &person, now).await?;
        reg.state.check(Flow::ResetPassword)?;
        check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal(&person),
        )
        .into_result()?;
        let hash = self.hash_password(&input.password).await?;
        let cs = self.new_password_changes(
            ChangeSet::new().with(spend),
            reg,
            hash,
            person.name.clone(),
            now,
            (AuditAction::PasswordReset, caller.client.as_deref()),
        )?;
        self.commit_spend(cs, kind).await?;
        Ok(Msg::PasswordResetDone)
    }

    /// 4.2 Log in with the card authenticated in the session and the registration password.
    /// Wrong card or password: one answer ([`ServiceError::LoginFailed`]), the same hashing
    /// time. Throttled per person (back-off, and NIST's cap of 100 consecutive failures) —
    /// counters only the card holder can feed, since this path needs the card — and on the
    /// login form's ceiling per client address. Success renews the session and also clears
    /// the app's counters of the person (the card proves the owner).
    ///
    /// # Errors
    /// [`ServiceError::LoginFailed`], [`ServiceError::Throttled`], [`ServiceError::Locked`],
    /// [`ServiceError::Overloaded`], [`ServiceError::Flow`] (not verified yet, suspended —
    /// told only after the right password), and the usual.
    pub async fn login(&self, caller: &Caller, password: &Password) -> Result<LoginOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (session, person) = self.session_card(caller, now).await?;
        let client = caller.client.as_deref();
        let reg = self.current_registration(&person.id_number).await?;
        let counters = self.password_counters(&person.id_number, client);
        if let Err(e) = self.check_throttle(&counters, now).await {
            let cs = ChangeSet::new().with(self.audit(
                now,
                reg.as_ref().map(|r| &r.id),
                AuditAction::Login,
                AuditOutcome::Throttled,
                client,
                "",
            ));
            self.commit(cs).await?;
            return Err(e);
        }
        let Some(mut reg) = reg else {
            self.equalize(password).await?;
            let mut cs = ChangeSet::new();
            self.fail(&mut cs, &counters, now);
            cs.push(self.audit(
                now,
                None,
                AuditAction::Login,
                AuditOutcome::NoRegistration,
                client,
                format!("card={}", person.card_number.masked()),
            ));
            self.commit(cs).await?;
            return Err(ServiceError::LoginFailed);
        };
        let outcome = self.verify_password(password, &reg.password_hash).await?;
        let VerifyOutcome::Match { needs_rehash } = outcome else {
            let mut cs = ChangeSet::new();
            self.fail(&mut cs, &counters, now);
            cs.push(self.audit(
                now,
                Some(&reg.id),
                AuditAction::Login,
                AuditOutcome::BadPassword,
                client,
                "",
            ));
            self.commit(cs).await?;
            return Err(ServiceError::LoginFailed);
        };
        if let Err(refused) = reg.state.check(Flow::Login) {
            let cs = ChangeSet::new().with(self.audit(
                now,
                Some(&reg.id),
                AuditAction::Login,
                AuditOutcome::State(reg.state),
                client,
                "",
            ));
            self.commit(cs).await?;
            return Err(refused.into());
        }
        let token = SessionToken::generate(self.random());
        let mut fresh = self.new_session_record(&token, SessionKind::Web, now);
        fresh.registration_id = Some(reg.id.clone());
        fresh.card = session.card.clone();
        let id = reg.id.clone();
        let mut cs = ChangeSet::new()
            .with(Change::DeleteSession {
                digest: session.digest.clone(),
            })
            .with(Change::PutSession(fresh));
        let app_cap = self.app_cap(&person.id_number);
        Service::reset(&mut cs, &[&counters[0], &counters[1], &app_cap]);
        cs.push(self.audit(
            now,
            Some(&id),
            AuditAction::Login,
            AuditOutcome::Ok,
            client,
            "",
        ));
        if needs_rehash {
            let expected = reg.version;
            reg.password_hash = self.hash_password(password).await?;
            reg.updated_at = now;
            cs.push(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            });
        }
        self.commit(cs).await?;
        tracing::info!(registration = %id, "logged in");
        Ok(LoginOutcome {
            session: token,
            registration_id: id,
            holder: CardHolder::of(&person),
        })
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

    /// 4.5 註冊密碼變更: re-authenticates with the current password, sets the new one, ends
    /// every session and app token of the registration (this one included: log in again with
    /// the new password) and tells the registered address.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], [`ServiceError::CurrentPasswordIncorrect`],
    /// [`ServiceError::Password`], [`ServiceError::Throttled`], and the usual.
    pub async fn change_password(
        &self,
        caller: &Caller,
        input: ChangePasswordInput,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::ChangePassword)?;
        self.reauthenticate(caller, &reg, &input.current, AuditAction::PasswordChange)
            .await?;
        let person = self.inner.registry.person_by_id(&reg.id_number).await?;
        let personal_data = PersonalData {
            id_number: Some(&reg.id_number),
            card_number: Some(&reg.card_number),
            birth_date: person.as_ref().map(|p| p.birth_date),
        };
        check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal_data,
        )
        .into_result()?;
        let hash = self.hash_password(&input.password).await?;
        let cs = self.new_password_changes(
            ChangeSet::new(),
            reg,
            hash,
            person.map(|p| p.name).unwrap_or_default(),
            now,
            (AuditAction::PasswordChanged, caller.client.as_deref()),
        )?;
        self.commit(cs).await?;
        Ok(Msg::PasswordChanged)
    }

    /// 4.6 基本資料異動: saves e-mail addresses and phones. Changing an e-mail address needs
    /// the current password; the old main address is told of a new one.
    ///
    /// # Errors
    /// [`ServiceError::ReauthenticationRequired`],
    /// [`ServiceError::CurrentPasswordIncorrect`], and the usual.
    pub async fn change_data(
        &self,
        caller: &Caller,
        input: ChangeDataInput,
    ) -> Result<ChangeDataOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, mut reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::ChangeBasicData)?;
        let main_changed = !input.contacts.email.same_mailbox(&reg.contacts.email);
        let spare_changed = match (&input.contacts.spare_email, &reg.contacts.spare_email) {
            (Some(a), Some(b)) => !a.same_mailbox(b),
            (None, None) => false,
            _ => true,
        };
        if main_changed || spare_changed {
            let Some(current) = &input.current_password else {
                return Err(ServiceError::ReauthenticationRequired);
            };
            self.reauthenticate(caller, &reg, current, AuditAction::DataChange)
                .await?;
        }
        let warnings = microsoft_warnings(&input.contacts);
        let id = reg.id.clone();
        let expected = reg.version;
        let old_email = reg.contacts.email.clone();
        reg.contacts = input.contacts;
        reg.updated_at = now;
        let mut cs = ChangeSet::new();
        if main_changed {
            let name = self.name_of_id(&reg.id_number).await?;
            let notice = LetterData::EmailChanged {
                to: old_email.as_str().to_owned(),
                name,
                new_email: reg.contacts.email.as_str().to_owned(),
                changed_at: now,
            };
            cs.push(self.mail(now, Some(&id), &notice)?);
        }
        let detail = match (main_changed, spare_changed) {
            (true, _) => "email-changed",
            (false, true) => "spare-email-changed",
            _ => "phones",
        };
        cs.push(Change::UpdateRegistration {
            expected_version: expected,
            registration: reg,
        })
        .push(self.audit(
            now,
            Some(&id),
            AuditAction::DataChanged,
            AuditOutcome::Ok,
            caller.client.as_deref(),
            detail,
        ));
        self.commit(cs).await?;
        Ok(ChangeDataOutcome {
            message: Msg::DataSaved,
            warnings,
        })
    }
}

impl Service {
    /// What every new password brings (4.5 change, 4.9 reset), appended to `cs`: the new hash,
    /// every session and app token of the registration ended, the password counters of the
    /// site and the app reset (the NIST caps included), a notice to the registered address,
    /// and an audit event `(action, client)`.
    fn new_password_changes(
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
