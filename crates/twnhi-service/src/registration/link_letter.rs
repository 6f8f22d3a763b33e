//! The letters with a new link that the card holder asks for: 4.8 重寄認證信 (the
//! confirmation letter again) and 4.9 忘記註冊密碼 (a password reset letter), to the
//! registered address or to a new one.

use core::fmt;

use chrono::{DateTime, Utc};
use twnhi_account::messages::Msg;
use twnhi_account::registration::{Flow, RegistrationState};
use twnhi_account::secret::SecretKind;
use twnhi_account::{Email, HouseholdAddress, MobilePhone};
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet, InsuredPerson, Registration};

use crate::error::Result;
use crate::letters::LetterData;
use crate::service::{Caller, Service};

/// 修改電子郵件信箱…: send the letter to a new address, proven with the household address
/// (checked against the registry) and, when given, the registered mobile phone (4.8, 4.9).
/// 重寄認證信 asks for the mobile phone (the manual marks it `*`), 忘記註冊密碼 does not.
pub struct NewAddress {
    /// The new e-mail address.
    pub email: Email,
    /// 戶籍鄉鎮里鄰.
    pub address: HouseholdAddress,
    /// The mobile phone given when applying, if asked for: when both this and the
    /// registration have one, they must be the same.
    pub mobile_phone: Option<MobilePhone>,
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
    /// To the registered address: the 「* E-Mail」 the manual asks for, which must be the
    /// registered one (else nothing is sent, and the answer is the same: the address is
    /// not told). `None`: not asked.
    pub registered_email: Option<Email>,
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

impl Service {
    /// The common part of 4.8 and 4.9: the card in the session, the new address proven.
    /// Returns the person, their registration and the address to write to, or — no letter —
    /// what to tell the card holder instead: the person proved themselves with the card, so
    /// they are told what to do (apply first, log in, use the other letter, the mobile phone
    /// is not the registered one) rather than given the answer a stranger gets.
    async fn letter_request(
        &self,
        caller: &Caller,
        request: &LetterRequest,
        which: LinkLetter,
        cs: &mut ChangeSet,
    ) -> Result<core::result::Result<(InsuredPerson, Registration, Email), Msg>> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.submitted_card(caller, now).await?;
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
        let instead = match (&reg, which) {
            (None, _) => Msg::NotYetApplied,
            (Some(r), LinkLetter::Confirmation) if r.state.is_in_use() => Msg::AlreadyRegistered,
            (Some(r), LinkLetter::PasswordReset)
                if r.state == RegistrationState::PendingEmailVerification =>
            {
                Msg::EmailNotYetVerified
            }
            _ => Msg::LetterRequested,
        };
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
            return Ok(Err(instead));
        };
        let to = match &request.new_address {
            None if request
                .registered_email
                .as_ref()
                .is_some_and(|e| !e.same_mailbox(&reg.contacts.email)) =>
            {
                self.decoy(cs, kind, now)?;
                cs.push(self.audit(
                    now,
                    Some(&reg.id),
                    action,
                    AuditOutcome::NotApplicable,
                    client,
                    "email-mismatch",
                ));
                return Ok(Err(Msg::LetterRequested));
            }
            None => reg.contacts.email.clone(),
            Some(new)
                if new
                    .mobile_phone
                    .as_ref()
                    .zip(reg.contacts.mobile_phone.as_ref())
                    .is_none_or(|(given, registered)| given == registered) =>
            {
                new.email.clone()
            }
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
                return Ok(Err(Msg::MobileNotRegistered));
            }
        };
        Ok(Ok((person, reg, to)))
    }

    /// 4.8 and 4.9 after [`Service::letter_request`]: a new link of `which` in a letter to
    /// the registered or the new address, which then becomes the registration's address (for
    /// a reset letter, the old address is told). A letter that goes out is answered
    /// [`Msg::LetterRequested`]; when none does, the card holder is told why.
    async fn send_link_letter(
        &self,
        caller: &Caller,
        request: &LetterRequest,
        which: LinkLetter,
    ) -> Result<Msg> {
        let now = self.now();
        let mut cs = ChangeSet::new();
        let found = self.letter_request(caller, request, which, &mut cs).await?;
        let answer = found
            .as_ref()
            .err()
            .copied()
            .unwrap_or(Msg::LetterRequested);
        if let Ok((person, mut reg, to)) = found {
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
        Ok(answer)
    }

    /// 4.8 重寄認證信: a new confirmation letter for a registration waiting for its e-mail
    /// verification, to the registered or a new address (which then becomes the
    /// registration's address). A letter that goes out is answered [`Msg::LetterRequested`];
    /// when none does, the card holder is told why: [`Msg::AlreadyRegistered`],
    /// [`Msg::NotYetApplied`], [`Msg::MobileNotRegistered`].
    ///
    /// The card must have been read when the form was sent (the page re-reads it on
    /// 【確定】): [`ServiceConfig::card_submit_window`](crate::ServiceConfig::card_submit_window).
    ///
    /// # Errors
    /// [`ServiceError::CardRequired`](crate::ServiceError::CardRequired) (no card read within that window), [`ServiceError::RegistryMismatch`](crate::ServiceError::RegistryMismatch) (the household
    /// address of a new address), [`ServiceError::Throttled`](crate::ServiceError::Throttled), and the usual.
    pub async fn resend_confirmation(
        &self,
        caller: &Caller,
        request: LetterRequest,
    ) -> Result<Msg> {
        self.send_link_letter(caller, &request, LinkLetter::Confirmation)
            .await
    }

    /// 4.9 忘記註冊密碼: a reset letter for a registration in use, to the registered or a new
    /// address (which then becomes the registration's address; the old one is told). As
    /// [`Service::resend_confirmation`], with [`Msg::EmailNotYetVerified`] before the e-mail
    /// address was verified.
    ///
    /// # Errors
    /// As [`Service::resend_confirmation`].
    pub async fn forgot_password(&self, caller: &Caller, request: LetterRequest) -> Result<Msg> {
        self.send_link_letter(caller, &request, LinkLetter::PasswordReset)
            .await
    }
}
