//! Cancellation (4.7): the image captcha, the request (ID number + card number, letter with a
//! code to the registered or a new address) and the confirmation with the e-mail code.
//!
//! The manual lets a person ask for the cancellation letter at a new address, proven with
//! household data only — no card. So that a stranger who knows those cannot quietly delete
//! someone's registration (SPEC §5): the household ID is asked as well; the registered
//! address is told at once, with a link that stops it; the letter to the new, unverified
//! address does not carry the person's name; and a cancellation confirmed from the new
//! address takes effect only after a waiting period (72 h by default), during which the
//! registered address can still stop it. Cancellations asked for at the registered address
//! take effect when confirmed, as the manual describes.

use core::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use twnhi_account::messages::Msg;
use twnhi_account::registration::{Flow, RegistrationEvent};
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{CardNumber, Email, HouseholdAddress, HouseholdId, IdNumber};
use twnhi_store::{
    AuditAction, AuditOutcome, Change, ChangeSet, Registration, SessionRecord, StoredSecret,
};
use zeroize::Zeroizing;

use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::ports::PortRng;
use crate::service::{Caller, CodeAccepted, Service, SessionToken};
use crate::throttle::Form;

/// What the cancellation code's record holds when it was sent to a new address.
const NEW_ADDRESS: &str = "new-address";

/// Where the cancellation letter goes (4.7 step 2).
pub enum CancelDelivery {
    /// 寄送刪除認證信: to the registered address.
    RegisteredEmail,
    /// 修改電子郵件信箱寄送刪除認證信: to a new address, proven with the household data.
    NewEmail {
        /// The address.
        email: Email,
        /// 戶號 (must match the registry).
        household_id: HouseholdId,
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
    /// 寄送刪除認證信: the registered address as the person typed it (the manual's
    /// 「* E-Mail」). When given, a request whose address is not the registration's sends
    /// nothing and is answered as any other (SPEC §5). `None`: not asked.
    pub registered_email: Option<Email>,
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

/// The session's captcha as [`Service::captcha_on_screen`] gives it.
pub struct CaptchaOnScreen {
    /// The five digits.
    pub answer: Zeroizing<String>,
    /// The seed of the image's noise.
    pub draw_seed: Zeroizing<[u8; 32]>,
    /// The seed of the audio clip's noise.
    pub audio_seed: Zeroizing<[u8; 32]>,
    /// A short public tag of this captcha (changes with every new captcha), for URLs that
    /// must not be cached across captchas.
    pub tag: String,
}

impl fmt::Debug for CaptchaOnScreen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptchaOnScreen")
            .field("tag", &self.tag)
            .finish_non_exhaustive()
    }
}

/// HMAC-SHA-256 keyed by the session token over a label and the captcha's digest.
fn captcha_mac(token: &SessionToken, label: &[u8], digest: &str) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(token.expose().as_bytes()) {
        mac.update(b"twnhi-captcha\0");
        mac.update(label);
        mac.update(b"\0");
        mac.update(digest.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// The answer XORed with a pad derived from the session token, hex: what the store keeps.
fn seal_captcha(token: &SessionToken, digest: &str, answer: &str) -> String {
    let pad = captcha_mac(token, b"seal", digest);
    answer
        .bytes()
        .zip(pad.iter().cycle())
        .map(|(a, p)| format!("{:02x}", a ^ p))
        .collect()
}

fn unseal_captcha(token: &SessionToken, digest: &str, sealed: &str) -> Option<Zeroizing<String>> {
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() > 32 {
        return None;
    }
    let pad = captcha_mac(token, b"seal", digest);
    let plain: Vec<u8> = bytes.iter().zip(pad.iter()).map(|(b, p)| b ^ p).collect();
    let plain = Zeroizing::new(String::from_utf8(plain).ok()?);
    plain.bytes().all(|b| b.is_ascii_digit()).then_some(plain)
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
        let payload = Some(seal_captcha(&caller.session, record.digest_hex(), &answer));
        self.commit(ChangeSet::new().with(Change::PutSecret(StoredSecret { record, payload })))
            .await?;
        Ok(answer)
    }

    /// The session's captcha on screen, as any replica can draw it again: the answer (kept
    /// in the store sealed under the session's token, which only the browser holds — the
    /// store alone does not reveal it) and the seeds of its drawing and its audio clip
    /// (derived from the token, so every replica draws the same image and plays the same
    /// clip). `None` when the session has no unspent, unexpired captcha.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], a store error.
    pub async fn captcha_on_screen(&self, caller: &Caller) -> Result<Option<CaptchaOnScreen>> {
        let now = self.now();
        let s = self.web_session(&caller.session, now).await?;
        let Some(secret) = self
            .inner
            .store
            .secret_for(SecretKind::Captcha, &s.digest)
            .await?
        else {
            return Ok(None);
        };
        if secret.record.is_spent(now) {
            return Ok(None);
        }
        let digest = secret.record.digest_hex();
        let Some(answer) = secret
            .payload
            .as_deref()
            .and_then(|p| unseal_captcha(&caller.session, digest, p))
        else {
            return Ok(None);
        };
        Ok(Some(CaptchaOnScreen {
            answer,
            draw_seed: captcha_mac(&caller.session, b"draw", digest),
            audio_seed: captcha_mac(&caller.session, b"audio", digest),
            tag: digest.get(..12).unwrap_or(digest).to_owned(),
        }))
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
    /// match a registration in use (and, for a new address, the household ID and address
    /// match the registry), a letter with the e-mail code goes out and the registration waits
    /// for the confirmation (it keeps working meanwhile). For a new address, the letter there
    /// carries no name, and the registered address is told at once with a link that stops
    /// the cancellation. Answers the same whether or not anything matched (SPEC §5); every
    /// request counts on the per-person-and-client and per-address counters alike.
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
        let counters = self.cancel_request_counters(&input.id_number, client);
        self.check_throttle(&counters, now).await?;
        let person = self
            .inner
            .registry
            .person_by_card(&input.card_number)
            .await?;
        let reg = self.current_registration(&input.id_number).await?;
        let person = person.filter(|p| {
            p.id_number == input.id_number && p.card_status == twnhi_store::CardStatus::Valid
        });
        let household_ok = match (&input.delivery, &person) {
            (CancelDelivery::RegisteredEmail, _) => true,
            (
                CancelDelivery::NewEmail {
                    household_id,
                    address,
                    ..
                },
                Some(p),
            ) => *household_id == p.household_id && address.matches(&p.address),
            (CancelDelivery::NewEmail { .. }, None) => false,
        };
        let email_ok = match (&input.delivery, &input.registered_email, &reg) {
            (CancelDelivery::RegisteredEmail, Some(e), Some(r)) => {
                e.same_mailbox(&r.contacts.email)
            }
            (CancelDelivery::RegisteredEmail, Some(_), None) => false,
            _ => true,
        };
        let mut cs = ChangeSet::new();
        self.fail(&mut cs, &counters, now);
        match (person, reg) {
            (Some(person), Some(mut reg))
                if household_ok && email_ok && reg.state.allows(Flow::RequestCancellation) =>
            {
                let new_address = matches!(input.delivery, CancelDelivery::NewEmail { .. });
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
                let (to, name) = match &input.delivery {
                    CancelDelivery::RegisteredEmail => {
                        (reg.contacts.email.clone(), person.name.clone())
                    }
                    // Not verified: no name in a letter there.
                    CancelDelivery::NewEmail { email, .. } => (email.clone(), String::new()),
                };
                let letter = LetterData::CancellationConfirm {
                    to: to.as_str().to_owned(),
                    name,
                    code: code.to_string(),
                    expires_at: record.expires_at(),
                };
                let id = reg.id.clone();
                cs.push(Change::PutSecret(StoredSecret {
                    record,
                    payload: new_address.then(|| NEW_ADDRESS.to_owned()),
                }))
                .push(Change::ThrottleResetPrefix {
                    prefix: self.code_prefix(SecretKind::CancellationCode, &reg.id_number),
                })
                .push(self.mail(now, Some(&id), &letter)?);
                if new_address {
                    self.stop_link_notice(&mut cs, &reg, &person.name, &to, None, now)?;
                }
                let expected = reg.version;
                reg.state = reg
                    .state
                    .apply(RegistrationEvent::RequestCancellation)
                    .map_err(twnhi_account::Error::from)?;
                reg.updated_at = now;
                cs.push(Change::UpdateRegistration {
                    expected_version: expected,
                    registration: reg,
                })
                .push(self.audit(
                    now,
                    Some(&id),
                    AuditAction::CancelRequested,
                    AuditOutcome::Ok,
                    client,
                    if new_address {
                        "new-address"
                    } else {
                        "registered-address"
                    },
                ));
            }
            (_, reg) => {
                self.decoy(&mut cs, SecretKind::CancellationCode, now)?;
                cs.push(self.audit(
                    now,
                    reg.as_ref().map(|r| &r.id),
                    AuditAction::CancelRequested,
                    AuditOutcome::NoMatch,
                    client,
                    format!("id={}", input.id_number.masked()),
                ));
            }
        }
        self.commit(cs).await?;
        Ok(Msg::CancelRequested)
    }

    /// A new link that stops the registration's cancellation, in a notice to the registered
    /// address: the request to `new_email` (or, with `effective_at`, its confirmation and the
    /// time it takes effect).
    fn stop_link_notice(
        &self,
        cs: &mut ChangeSet,
        reg: &Registration,
        name: &str,
        new_email: &Email,
        effective_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (stop, record) = self
            .config()
            .secret_policies
            .issue(
                self.keys().secrets(),
                SecretKind::CancellationStopLink,
                reg.id.as_str(),
                now,
                &mut PortRng(self.random()),
            )
            .into_parts();
        let notice = LetterData::CancellationNotice {
            to: reg.contacts.email.as_str().to_owned(),
            name: name.to_owned(),
            new_email: new_email.as_str().to_owned(),
            at: now,
            token: stop.to_string(),
            expires_at: record.expires_at(),
            effective_at,
        };
        cs.push(Change::PutSecret(StoredSecret {
            record,
            payload: Some(new_email.as_str().to_owned()),
        }))
        .push(self.mail(now, Some(&reg.id), &notice)?);
        Ok(())
    }

    /// 4.7 step 4 (【確認】): the ID number and the e-mail code. A code sent to the registered
    /// address cancels the registration now: every session and app token ends, secrets are
    /// dropped, the deletion letter goes out ([`Msg::CancelConfirmed`]). A code sent to a new
    /// address schedules the cancellation after the waiting period and tells the registered
    /// address again, with a new stop link ([`Msg::CancelScheduled`]).
    ///
    /// Code entry is limited per client address (5 tries void the code for that client
    /// only), the same whether or not a code exists.
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
        let CodeAccepted {
            registration: mut reg,
            spend,
            tries,
            payload,
        } = self
            .check_code(
                kind,
                Form::CancelConfirm,
                &input.id_number,
                &input.code,
                (AuditAction::CancelConfirmed, client),
                now,
            )
            .await?;
        reg.state.check(Flow::ConfirmCancellation)?;
        let id = reg.id.clone();
        if payload.as_deref() == Some(NEW_ADDRESS) {
            let effective = now
                .checked_add_signed(self.config().cancellation_waiting_period)
                .unwrap_or(now);
            let name = self.name_of_id(&reg.id_number).await?;
            let new_email = self
                .inner
                .store
                .secret_for(SecretKind::CancellationStopLink, id.as_str())
                .await?
                .and_then(|s| s.payload)
                .and_then(|p| Email::parse(&p).ok())
                .unwrap_or_else(|| reg.contacts.email.clone());
            let mut cs = ChangeSet::new()
                .with(spend)
                .with(Change::ThrottleReset { key: tries.key });
            self.stop_link_notice(&mut cs, &reg, &name, &new_email, Some(effective), now)?;
            let expected = reg.version;
            reg.cancel_effective_at = Some(effective);
            reg.updated_at = now;
            cs.push(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .push(self.audit(
                now,
                Some(&id),
                AuditAction::CancelScheduled,
                AuditOutcome::Ok,
                client,
                format!("effective={}", twnhi_store::time::format(effective)),
            ));
            self.commit_spend(cs, kind).await?;
            return Ok(Msg::CancelScheduled);
        }
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::ThrottleReset { key: tries.key });
        let cs = self
            .cancellation_changes(cs, reg, now, (AuditAction::CancelConfirmed, client))
            .await?;
        self.commit_spend(cs, kind).await?;
        tracing::info!(registration = %id, "registration cancelled");
        Ok(Msg::CancelConfirmed)
    }

    /// What a cancellation taking effect writes, after `cs`: the final state, every session
    /// and app token ended, every secret dropped, the deletion letter, the audit event.
    async fn cancellation_changes(
        &self,
        cs: ChangeSet,
        mut reg: Registration,
        now: DateTime<Utc>,
        (action, client): (AuditAction, Option<&str>),
    ) -> Result<ChangeSet> {
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
        reg.cancel_effective_at = None;
        reg.updated_at = now;
        Ok(cs
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
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(now, Some(&id), action, AuditOutcome::Ok, client, "")))
    }

    /// Cancellations whose waiting period has ended take effect (the maintenance worker calls
    /// this every minute). Returns how many did.
    ///
    /// # Errors
    /// Store errors (a registration changed meanwhile is left for the next round).
    pub async fn finish_due_cancellations(&self) -> Result<u32> {
        let now = self.now();
        let mut done = 0;
        for reg in self.inner.store.due_cancellations(now, 100).await? {
            let id = reg.id.clone();
            let cs = self
                .cancellation_changes(
                    ChangeSet::new(),
                    reg,
                    now,
                    (AuditAction::CancelConfirmed, None),
                )
                .await?;
            match self.commit(cs).await {
                Ok(()) => {
                    done += 1;
                    tracing::info!(registration = %id, "registration cancelled after the waiting period");
                }
                Err(ServiceError::Busy) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Whether a stop link is live (the page shows the 【停止刪除註冊】 button only then).
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (unknown, used or expired link), store errors.
    pub async fn check_stop_link(&self, token: &str) -> Result<()> {
        self.stop_link(token).await.map(|_| ())
    }

    async fn stop_link(&self, token: &str) -> Result<(StoredSecret, Registration)> {
        let now = self.now();
        let kind = SecretKind::CancellationStopLink;
        let invalid = || ServiceError::secret(kind, SecretError::Mismatch { attempts_left: 0 });
        let digest = self.keys().secrets().digest_hex(kind, token);
        let Some(secret) = self.inner.store.secret_by_digest(&digest).await? else {
            return Err(invalid());
        };
        if secret.record.kind() != kind || secret.record.is_spent(now) {
            return Err(invalid());
        }
        let reg_id =
            twnhi_store::RegistrationId::parse(secret.record.subject()).map_err(|_| invalid())?;
        let Some(reg) = self.inner.store.registration(&reg_id).await? else {
            return Err(invalid());
        };
        if reg.state != twnhi_account::registration::RegistrationState::CancellationRequested {
            return Err(invalid());
        }
        Ok((secret, reg))
    }

    /// The stop link of the registered address's notice: the pending cancellation is
    /// withdrawn (the registration stays in use), its code and any schedule dropped
    /// ([`Msg::CancelStopped`]). No card and no login: the link proves the registered
    /// mailbox.
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (unknown, used or expired link, or nothing left to stop),
    /// store errors.
    pub async fn stop_cancellation(&self, client: Option<&str>, token: &str) -> Result<Msg> {
        let now = self.now();
        let kind = SecretKind::CancellationStopLink;
        let (secret, mut reg) = self.stop_link(token).await?;
        let id = reg.id.clone();
        let mut cs = ChangeSet::new().with(Change::SpendSecret {
            digest: secret.record.digest_hex().to_owned(),
            expected_attempts_left: secret.record.attempts_left(),
        });
        if let Some(code) = self
            .inner
            .store
            .secret_for(SecretKind::CancellationCode, id.as_str())
            .await?
        {
            cs.push(Change::DeleteSecret {
                digest: code.record.digest_hex().to_owned(),
            });
        }
        let expected = reg.version;
        reg.state = reg
            .state
            .apply(RegistrationEvent::WithdrawCancellation)
            .map_err(twnhi_account::Error::from)?;
        reg.cancel_effective_at = None;
        reg.updated_at = now;
        cs.push(Change::UpdateRegistration {
            expected_version: expected,
            registration: reg,
        })
        .push(self.audit(
            now,
            Some(&id),
            AuditAction::CancelStopped,
            AuditOutcome::Ok,
            client,
            "",
        ));
        self.commit_spend(cs, kind).await?;
        tracing::info!(registration = %id, "cancellation stopped from the registered address");
        Ok(Msg::CancelStopped)
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
