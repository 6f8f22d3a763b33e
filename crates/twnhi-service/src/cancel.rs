//! Cancellation (4.7): the image captcha, the request (ID number + card number, letter with a
//! code to the registered or a new address) and the confirmation with the e-mail code.

use core::fmt;

use twnhi_account::messages::Msg;
use twnhi_account::registration::{Flow, RegistrationEvent};
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{CardNumber, Email, HouseholdAddress, IdNumber};
use twnhi_store::{Change, ChangeSet, SessionRecord, StoredSecret};
use zeroize::Zeroizing;

use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::ports::PortRng;
use crate::service::{Caller, Service, keys};

/// Where the cancellation letter goes (4.7 step 2).
pub enum CancelDelivery {
    /// 寄送刪除認證信: to the registered address.
    RegisteredEmail,
    /// 修改電子郵件信箱寄送刪除認證信: to a new address, proven with the household address.
    NewEmail {
        /// The address.
        email: Email,
        /// 戶籍鄉鎮里鄰 (must match the registry).
        address: HouseholdAddress,
    },
}

impl fmt::Debug for CancelDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelDelivery::RegisteredEmail => f.write_str("RegisteredEmail"),
            CancelDelivery::NewEmail { .. } => f.write_str("NewEmail(***)"),
        }
    }
}

/// The cancellation request form (4.7 steps 1–2).
pub struct CancelRequestInput {
    /// 身分證號(居留證號).
    pub id_number: IdNumber,
    /// 健保卡卡號.
    pub card_number: CardNumber,
    /// 圖片驗證碼 as typed.
    pub captcha: String,
    /// Where the letter goes.
    pub delivery: CancelDelivery,
}

impl fmt::Debug for CancelRequestInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelRequestInput")
            .field("id_number", &self.id_number.masked())
            .finish_non_exhaustive()
    }
}

/// The cancellation confirmation form (4.7 step 4).
pub struct CancelConfirmInput {
    /// 身分證號(居留證號).
    pub id_number: IdNumber,
    /// E-Mail 驗證碼 (case-sensitive).
    pub code: String,
    /// 圖片驗證碼 as typed.
    pub captcha: String,
}

impl fmt::Debug for CancelConfirmInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelConfirmInput")
            .field("id_number", &self.id_number.masked())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// A new image captcha for this session (replacing the previous one): the 5-digit answer,
    /// for the web layer to draw (`twnhi_notify::Captcha::draw`).
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], a store error.
    pub async fn new_captcha(&self, caller: &Caller) -> Result<Zeroizing<String>> {
        let now = self.now();
        let s = self.web_session(&caller.session, now).await?;
        let (answer, record) = self
            .config()
            .secret_policies
            .issue(
                self.keys().secrets(),
                SecretKind::Captcha,
                &s.digest,
                now,
                &mut PortRng(self.random()),
            )
            .into_parts();
        self.commit(ChangeSet::new().with(Change::PutSecret(StoredSecret {
            record,
            payload: None,
        })))
        .await?;
        Ok(answer)
    }

    /// Checks and consumes the session's captcha (one try).
    async fn check_captcha(&self, s: &SessionRecord, typed: &str) -> Result<()> {
        let now = self.now();
        let kind = SecretKind::Captcha;
        let Some(mut secret) = self.inner.store.secret_for(kind, &s.digest).await? else {
            return Err(ServiceError::secret(
                kind,
                SecretError::Mismatch { attempts_left: 0 },
            ));
        };
        let before = secret.record.attempts_left();
        let digest = secret.record.digest_hex().to_owned();
        // Surrounding spaces and full-width digits are forgiven by the check itself.
        match secret
            .record
            .check(self.keys().secrets(), typed, &s.digest, now)
        {
            Ok(()) => {
                let cs = ChangeSet::new().with(Change::SpendSecret {
                    digest,
                    expected_attempts_left: before,
                });
                self.commit(cs).await.map_err(|e| match e {
                    ServiceError::Busy => {
                        ServiceError::secret(kind, SecretError::Mismatch { attempts_left: 0 })
                    }
                    e => e,
                })
            }
            Err(e) => {
                let _ = self
                    .inner
                    .store
                    .apply(ChangeSet::new().with(Change::DeleteSecret { digest }))
                    .await;
                Err(ServiceError::secret(kind, e))
            }
        }
    }

    /// 4.7 steps 1–2 (【檢核】 and 【送出刪除註冊】): when the ID number and card number
    /// match a registration in use (and, for a new address, the household address matches
    /// the registry), a letter with the e-mail code goes out and the registration waits for
    /// the confirmation (it keeps working meanwhile). Answers the same whether or not they
    /// match (SPEC §5).
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (captcha), [`ServiceError::Throttled`],
    /// [`ServiceError::SessionExpired`], and the usual.
    pub async fn request_cancellation(
        &self,
        caller: &Caller,
        input: CancelRequestInput,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let s = self.web_session(&caller.session, now).await?;
        self.check_captcha(&s, &input.captcha).await?;
        let client = caller.client.as_deref();
        let tkeys = self.person_keys(input.id_number.as_str(), client);
        self.check_throttle(&tkeys, now).await?;
        let person = self
            .inner
            .registry
            .person_by_card(&input.card_number)
            .await?;
        let reg = self.current_registration(&input.id_number).await?;
        let person = person.filter(|p| {
            p.id_number == input.id_number && p.card_status == twnhi_store::CardStatus::Valid
        });
        let address_ok = match (&input.delivery, &person) {
            (CancelDelivery::RegisteredEmail, _) => true,
            (CancelDelivery::NewEmail { address, .. }, Some(p)) => address.matches(&p.address),
            (CancelDelivery::NewEmail { .. }, None) => false,
        };
        let mut cs = ChangeSet::new();
        match (person, reg) {
            (Some(person), Some(mut reg))
                if address_ok && reg.state.allows(Flow::RequestCancellation) =>
            {
                let (code, record) = self
                    .config()
                    .secret_policies
                    .issue(
                        self.keys().secrets(),
                        SecretKind::CancellationCode,
                        reg.id.as_str(),
                        now,
                        &mut PortRng(self.random()),
                    )
                    .into_parts();
                let to = match &input.delivery {
                    CancelDelivery::RegisteredEmail => reg.contacts.email.clone(),
                    CancelDelivery::NewEmail { email, .. } => email.clone(),
                };
                let letter = LetterData::CancellationConfirm {
                    to: to.as_str().to_owned(),
                    name: person.name.clone(),
                    code: code.to_string(),
                    expires_at: record.expires_at(),
                };
                let id = reg.id.clone();
                let expected = reg.version;
                reg.state = reg
                    .state
                    .apply(RegistrationEvent::RequestCancellation)
                    .map_err(twnhi_account::Error::from)?;
                reg.updated_at = now;
                cs.push(Change::PutSecret(StoredSecret {
                    record,
                    payload: None,
                }))
                .push(Change::UpdateRegistration {
                    expected_version: expected,
                    registration: reg,
                })
                .push(self.mail(now, Some(&id), &letter)?)
                .push(self.audit(
                    now,
                    Some(&id),
                    "cancel-requested",
                    "ok",
                    client,
                    match input.delivery {
                        CancelDelivery::RegisteredEmail => "registered-address",
                        CancelDelivery::NewEmail { .. } => "new-address",
                    },
                ));
            }
            (_, reg) => {
                self.decoy(&mut cs, SecretKind::CancellationCode, now)?;
                self.failures(&mut cs, &tkeys, now);
                cs.push(self.audit(
                    now,
                    reg.as_ref().map(|r| &r.id),
                    "cancel-requested",
                    "no-match",
                    client,
                    format!("id={}", input.id_number.masked()),
                ));
            }
        }
        self.commit(cs).await?;
        Ok(Msg::CancelRequested)
    }

    /// 4.7 step 4 (【確認】): the ID number and the e-mail code (5 tries) cancel the
    /// registration: every session and app token ends, secrets are dropped, the deletion
    /// letter goes out.
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (captcha or code), [`ServiceError::Flow`],
    /// [`ServiceError::Throttled`], and the usual.
    pub async fn confirm_cancellation(
        &self,
        caller: &Caller,
        input: CancelConfirmInput,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let s = self.web_session(&caller.session, now).await?;
        self.check_captcha(&s, &input.captcha).await?;
        let client = caller.client.as_deref();
        let kind = SecretKind::CancellationCode;
        let (mut reg, spend) = self
            .check_code(
                kind,
                &input.id_number,
                &input.code,
                "cancel-confirmed",
                client,
                now,
            )
            .await?;
        reg.state.check(Flow::ConfirmCancellation)?;
        let id = reg.id.clone();
        let expected = reg.version;
        let name = self.name_of_id(&reg.id_number).await?;
        let letter = LetterData::Deleted {
            to: reg.contacts.email.as_str().to_owned(),
            name,
            deleted_at: now,
        };
        reg.state = reg
            .state
            .apply(RegistrationEvent::ConfirmCancellation)
            .map_err(twnhi_account::Error::from)?;
        reg.cancelled_at = Some(now);
        reg.updated_at = now;
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(Change::DeleteSessionsOf {
                registration_id: id.clone(),
            })
            .with(Change::DeleteSecretsOf {
                subject: id.as_str().to_owned(),
            })
            .with(Change::ThrottleReset {
                key: keys::person(input.id_number.as_str()),
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(now, Some(&id), "cancel-confirmed", "ok", client, ""));
        self.commit_spend(cs, kind).await?;
        tracing::info!(registration = %id, "registration cancelled");
        Ok(Msg::CancelConfirmed)
    }

    pub(crate) async fn name_of_id(&self, id: &IdNumber) -> Result<String> {
        Ok(self
            .inner
            .registry
            .person_by_id(id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default())
    }
}
