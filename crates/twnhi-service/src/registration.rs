//! Apply (4.1), verify the e-mail address (4.1 step 5), resend the confirmation letter (4.8),
//! log in (4.2), forgot and reset the password (4.9), change the password (4.5) and the basic
//! data (4.6).

use core::fmt;

use chrono::Utc;
use twnhi_account::messages::Msg;
use twnhi_account::password::{PersonalData, Strength, VerifyOutcome, check_password};
use twnhi_account::registration::{Flow, RegistrationEvent, RegistrationState};
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{Email, HouseholdAddress, HouseholdId, MobilePhone, Password};
use twnhi_store::{
    Change, ChangeSet, Contacts, InsuredPerson, Registration, RegistrationId, SessionKind,
    StoredSecret,
};

use crate::card_auth::CardHolder;
use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::ports::PortRng;
use crate::service::{Caller, Service, SessionToken, keys};

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
        now: chrono::DateTime<Utc>,
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

    /// The registry name for letters (empty when the registry has lost the person).
    async fn name_of(&self, reg: &Registration) -> Result<String> {
        Ok(self
            .inner
            .registry
            .person_by_id(&reg.id_number)
            .await?
            .map(|p| p.name)
            .unwrap_or_default())
    }

    /// The household check of 4.1 step 2, shared by [`Service::apply_check`] and
    /// [`Service::apply`]: throttled per card and per client address; a mismatch of any field
    /// records a failure for both keys and the audit event `action` / `registry-mismatch`, and
    /// is the one generic refusal. Reads nothing about registrations.
    async fn check_household(
        &self,
        caller: &Caller,
        person: &InsuredPerson,
        household_id: &HouseholdId,
        address: &HouseholdAddress,
        action: &str,
        now: chrono::DateTime<Utc>,
    ) -> Result<()> {
        let client = caller.client.as_deref();
        let mut tkeys = vec![(
            keys::person(person.card_number.as_str()),
            self.config().per_person,
        )];
        tkeys.extend(self.client_key(client));
        self.check_throttle(&tkeys, now).await?;
        if *household_id == person.household_id && address.matches(&person.address) {
            return Ok(());
        }
        let mut cs = ChangeSet::new();
        self.failures(&mut cs, &tkeys, now);
        cs.push(self.audit(
            now,
            None,
            action,
            "registry-mismatch",
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
        self.check_household(caller, &person, household_id, address, "apply-check", now)
            .await?;
        let cs = ChangeSet::new()
            .with(Change::ThrottleReset {
                key: keys::person(person.card_number.as_str()),
            })
            .with(self.audit(
                now,
                None,
                "apply-check",
                "ok",
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
        self.check_household(
            caller,
            &person,
            &input.household_id,
            &input.address,
            "apply",
            now,
        )
        .await?;
        let strength = check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal(&person),
        )
        .into_result()?;
        let warnings = microsoft_warnings(&input.contacts);
        let existing = self.current_registration(&person.id_number).await?;
        let mut cs = ChangeSet::new().with(Change::ThrottleReset {
            key: keys::person(person.card_number.as_str()),
        });
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
                        "apply",
                        "ok",
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
                    .push(self.audit(now, Some(&reg.id), "apply", "replaced-pending", client, ""));
                cs.push(Change::UpdateRegistration {
                    expected_version: expected,
                    registration: reg,
                });
                self.commit(cs).await?;
            }
            Some(reg) => {
                // Registered already: same answer, same hashing time; the registered address
                // gets a reminder (the completion letter) when the registration is in use.
                self.equalize(&input.password).await;
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
                    "apply",
                    "already-registered",
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

    /// Looks up a registration's link secret; unknown tokens are "link invalid".
    async fn link_secret(
        &self,
        kind: SecretKind,
        token: &str,
    ) -> Result<(StoredSecret, Registration)> {
        let invalid = ServiceError::secret(kind, SecretError::Expired);
        let digest = self.keys().secrets().digest_hex(kind, token);
        let Some(secret) = self.inner.store.secret_by_digest(&digest).await? else {
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
        Ok((secret, reg))
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
        let (mut secret, mut reg) = self.link_secret(kind, token).await?;
        if reg.id_number != person.id_number {
            return Err(ServiceError::CardNotRegistrant);
        }
        let before = secret.record.attempts_left();
        // Checked in memory first (a used link is "invalid" whatever the state); nothing is
        // spent unless the whole change commits.
        secret
            .record
            .check(self.keys().secrets(), token, reg.id.as_str(), now)
            .map_err(|e| ServiceError::secret(kind, e))?;
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
            .with(Change::SpendSecret {
                digest: secret.record.digest_hex().to_owned(),
                expected_attempts_left: before,
            })
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(
                now,
                Some(&id),
                "email-verified",
                "ok",
                caller.client.as_deref(),
                "",
            ));
        self.commit(cs).await.map_err(|e| match e {
            ServiceError::Busy => ServiceError::secret(kind, SecretError::Used),
            e => e,
        })?;
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
        action: &str,
        allowed: impl Fn(RegistrationState) -> bool,
        cs: &mut ChangeSet,
    ) -> Result<Option<(InsuredPerson, Registration, Email)>> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let client = caller.client.as_deref();
        let mut tkeys = vec![(
            keys::person(person.card_number.as_str()),
            self.config().per_person,
        )];
        tkeys.extend(self.client_key(client));
        self.check_throttle(&tkeys, now).await?;
        if let Some(new) = &request.new_address
            && !new.address.matches(&person.address)
        {
            let mut cs = ChangeSet::new();
            self.failures(&mut cs, &tkeys, now);
            cs.push(self.audit(
                now,
                None,
                action,
                "registry-mismatch",
                client,
                format!("id={}", person.id_number.masked()),
            ));
            self.commit(cs).await?;
            return Err(ServiceError::RegistryMismatch);
        }
        let reg = self.current_registration(&person.id_number).await?;
        let kind = if action == "forgot-password" {
            SecretKind::PasswordResetLink
        } else {
            SecretKind::EmailConfirmLink
        };
        let Some(reg) = reg.filter(|r| allowed(r.state)) else {
            self.decoy(cs, kind, now)?;
            cs.push(self.audit(
                now,
                None,
                action,
                "not-applicable",
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
                self.failures(cs, &tkeys, now);
                cs.push(self.audit(now, Some(&reg.id), action, "mobile-mismatch", client, ""));
                return Ok(None);
            }
        };
        Ok(Some((person, reg, to)))
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
        let now = self.now();
        let mut cs = ChangeSet::new();
        let found = self
            .letter_request(
                caller,
                &request,
                "resend-confirmation",
                |s| s == RegistrationState::PendingEmailVerification,
                &mut cs,
            )
            .await?;
        if let Some((person, mut reg, to)) = found {
            let (token, secret) = self.issue(SecretKind::EmailConfirmLink, &reg.id, now);
            let letter = LetterData::Confirmation {
                to: to.as_str().to_owned(),
                name: person.name.clone(),
                token: token.to_string(),
                expires_at: secret.record.expires_at(),
            };
            cs.push(Change::PutSecret(secret))
                .push(self.mail(now, Some(&reg.id), &letter)?)
                .push(self.audit(
                    now,
                    Some(&reg.id),
                    "resend-confirmation",
                    "ok",
                    caller.client.as_deref(),
                    if request.new_address.is_some() {
                        "new-address"
                    } else {
                        ""
                    },
                ));
            if !to.same_mailbox(&reg.contacts.email) {
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

    /// 4.9 忘記註冊密碼: a reset letter for a registration in use, to the registered or a new
    /// address (which then becomes the registration's address; the old one is told). Answers
    /// the same in every case (SPEC §5).
    ///
    /// # Errors
    /// As [`Service::resend_confirmation`].
    pub async fn forgot_password(&self, caller: &Caller, request: LetterRequest) -> Result<Msg> {
        let now = self.now();
        let mut cs = ChangeSet::new();
        let found = self
            .letter_request(
                caller,
                &request,
                "forgot-password",
                |s| s.allows(Flow::ForgotPassword),
                &mut cs,
            )
            .await?;
        if let Some((person, mut reg, to)) = found {
            let (token, secret) = self.issue(SecretKind::PasswordResetLink, &reg.id, now);
            let letter = LetterData::PasswordReset {
                to: to.as_str().to_owned(),
                name: person.name.clone(),
                token: token.to_string(),
                expires_at: secret.record.expires_at(),
            };
            cs.push(Change::PutSecret(secret))
                .push(self.mail(now, Some(&reg.id), &letter)?)
                .push(self.audit(
                    now,
                    Some(&reg.id),
                    "forgot-password",
                    "ok",
                    caller.client.as_deref(),
                    if request.new_address.is_some() {
                        "new-address"
                    } else {
                        ""
                    },
                ));
            if !to.same_mailbox(&reg.contacts.email) {
                let notice = LetterData::EmailChanged {
                    to: reg.contacts.email.as_str().to_owned(),
                    name: person.name.clone(),
                    new_email: to.as_str().to_owned(),
                    changed_at: now,
                };
                cs.push(self.mail(now, Some(&reg.id), &notice)?);
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
        let (mut secret, mut reg) = self.link_secret(kind, token).await?;
        if reg.id_number != person.id_number {
            return Err(ServiceError::CardNotRegistrant);
        }
        let before = secret.record.attempts_left();
        secret
            .record
            .check(self.keys().secrets(), token, reg.id.as_str(), now)
            .map_err(|e| ServiceError::secret(kind, e))?;
        reg.state.check(Flow::ResetPassword)?;
        check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal(&person),
        )
        .into_result()?;
        let hash = self.hash_password(&input.password).await?;
        let expected = reg.version;
        let id = reg.id.clone();
        reg.password_hash = hash;
        reg.updated_at = now;
        let letter = LetterData::PasswordChanged {
            to: reg.contacts.email.as_str().to_owned(),
            name: person.name.clone(),
            changed_at: now,
        };
        let cs = ChangeSet::new()
            .with(Change::SpendSecret {
                digest: secret.record.digest_hex().to_owned(),
                expected_attempts_left: before,
            })
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(Change::DeleteSessionsOf {
                registration_id: id.clone(),
            })
            .with(Change::ThrottleReset {
                key: keys::registration(id.as_str()),
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(
                now,
                Some(&id),
                "password-reset",
                "ok",
                caller.client.as_deref(),
                "",
            ));
        self.commit(cs).await.map_err(|e| match e {
            ServiceError::Busy => ServiceError::secret(kind, SecretError::Used),
            e => e,
        })?;
        Ok(Msg::PasswordResetDone)
    }

    /// 4.2 Log in with the card authenticated in the session and the registration password.
    /// Wrong card or password: one answer ([`ServiceError::LoginFailed`]), the same hashing
    /// time. Throttled per registration and per client address. The session is renewed.
    ///
    /// # Errors
    /// [`ServiceError::LoginFailed`], [`ServiceError::Throttled`], [`ServiceError::Flow`]
    /// (not verified yet, suspended — told only after the right password), and the usual.
    pub async fn login(&self, caller: &Caller, password: &Password) -> Result<LoginOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (session, person) = self.session_card(caller, now).await?;
        let client = caller.client.as_deref();
        let reg = self.current_registration(&person.id_number).await?;
        let mut tkeys: Vec<_> = self.client_key(client).into_iter().collect();
        if let Some(r) = &reg {
            tkeys.push((
                keys::registration(r.id.as_str()),
                self.config().per_registration,
            ));
        }
        if let Err(e) = self.check_throttle(&tkeys, now).await {
            let cs = ChangeSet::new().with(self.audit(
                now,
                reg.as_ref().map(|r| &r.id),
                "login",
                "throttled",
                client,
                "",
            ));
            self.commit(cs).await?;
            return Err(e);
        }
        let Some(mut reg) = reg else {
            self.equalize(password).await;
            let mut cs = ChangeSet::new();
            self.failures(&mut cs, &tkeys, now);
            cs.push(self.audit(
                now,
                None,
                "login",
                "no-registration",
                client,
                format!("card={}", person.card_number.masked()),
            ));
            self.commit(cs).await?;
            return Err(ServiceError::LoginFailed);
        };
        let outcome = self.verify_password(password, &reg.password_hash).await?;
        let VerifyOutcome::Match { needs_rehash } = outcome else {
            let mut cs = ChangeSet::new();
            self.failures(&mut cs, &tkeys, now);
            cs.push(self.audit(now, Some(&reg.id), "login", "bad-password", client, ""));
            self.commit(cs).await?;
            return Err(ServiceError::LoginFailed);
        };
        if let Err(refused) = reg.state.check(Flow::Login) {
            let cs = ChangeSet::new().with(self.audit(
                now,
                Some(&reg.id),
                "login",
                reg.state.as_str(),
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
            .with(Change::PutSession(fresh))
            .with(Change::ThrottleReset {
                key: keys::registration(id.as_str()),
            })
            .with(self.audit(now, Some(&id), "login", "ok", client, ""));
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

    /// Re-authentication with the current password (throttled like a login).
    async fn reauthenticate(
        &self,
        caller: &Caller,
        reg: &Registration,
        password: &Password,
        action: &str,
    ) -> Result<()> {
        let now = self.now();
        let client = caller.client.as_deref();
        let mut tkeys: Vec<_> = self.client_key(client).into_iter().collect();
        tkeys.push((
            keys::registration(reg.id.as_str()),
            self.config().per_registration,
        ));
        self.check_throttle(&tkeys, now).await?;
        if self
            .verify_password(password, &reg.password_hash)
            .await?
            .is_match()
        {
            return Ok(());
        }
        let mut cs = ChangeSet::new();
        self.failures(&mut cs, &tkeys, now);
        cs.push(self.audit(
            now,
            Some(&reg.id),
            action,
            "bad-current-password",
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
        let (_s, mut reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::ChangePassword)?;
        self.reauthenticate(caller, &reg, &input.current, "password-change")
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
        let expected = reg.version;
        let id = reg.id.clone();
        let letter = LetterData::PasswordChanged {
            to: reg.contacts.email.as_str().to_owned(),
            name: person.map(|p| p.name).unwrap_or_default(),
            changed_at: now,
        };
        reg.password_hash = hash;
        reg.updated_at = now;
        let cs = ChangeSet::new()
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(Change::DeleteSessionsOf {
                registration_id: id.clone(),
            })
            .with(Change::ThrottleReset {
                key: keys::registration(id.as_str()),
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(
                now,
                Some(&id),
                "password-changed",
                "ok",
                caller.client.as_deref(),
                "",
            ));
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
            self.reauthenticate(caller, &reg, current, "data-change")
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
            let name = self.name_of(&reg).await?;
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
            "data-changed",
            "ok",
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
