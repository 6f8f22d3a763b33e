//! The citizen certificate login (自然人憑證, manual §六) and the 行動裝置帳號申請 of the
//! certificate path.
//!
//! 1. [`Service::cert_challenge`]: a single-use challenge bound to the browser session (a
//!    one-time secret like the card-authentication nonce).
//! 2. [`Service::cert_login`]: the page posts the certificate chain, the card's signature over
//!    the challenge, the ID number and the birth date typed. Checked in order: the challenge;
//!    the chain to the configured trust anchors with the current CRLs (`twnhi-pki`); the
//!    signature over the challenge; the certificate ↔ ID number through the
//!    [`IdentityCheck`](crate::ports::IdentityCheck) port; the birth date against the
//!    registry. Every refusal is audited with its reason and answered with the one
//!    [`ServiceError::CertLoginFailed`]. On success the session (renewed) holds the
//!    registry's card of that ID number marked [`AuthMethod::Certificate`], and the
//!    registration when it can log in: every flow that takes a card-authenticated or
//!    logged-in session takes it (device code, devices, data, password).
//! 3. [`Service::cert_apply`]: 行動裝置帳號申請 — contacts and a password, no household data
//!    (the certificate and its PIN establish the person). One registration per ID number: a
//!    registration in use gets the new password (「若您已申請【健保卡網路服務】，系統將會一併
//!    變更登入註冊密碼。」).

use core::fmt;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use twnhi_account::messages::Msg;
use twnhi_account::password::{Strength, check_password};
use twnhi_account::registration::Flow;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{IdNumber, Password};
use twnhi_pki::{CertificateDer, OcspStatus, SignatureScheme, VerifyError};
use twnhi_store::{
    AuditAction, AuditOutcome, AuthMethod, CardInSession, Change, ChangeSet, Contacts,
    InsuredPerson, RegistrationId, SessionKind, StoredSecret,
};
use zeroize::Zeroizing;

use crate::card_auth::CardHolder;
use crate::error::{Result, ServiceError};
use crate::ports::PortRng;
use crate::service::{Caller, Service, SessionToken};

/// The challenge the certificate card signs (32 URL-safe characters; the signed message is
/// their ASCII bytes).
#[derive(Debug)]
pub struct CertChallenge {
    /// The challenge. Wiped on drop.
    pub challenge: Zeroizing<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// What the page posts to log in with the citizen certificate.
pub struct CertLoginInput {
    /// The challenge of [`Service::cert_challenge`].
    pub challenge: String,
    /// The certificate chain as the card or the bridge gives it, DER: the citizen's
    /// certificate first, then intermediates (optional).
    pub chain: Vec<Vec<u8>>,
    /// The signature scheme.
    pub scheme: SignatureScheme,
    /// The signature over the challenge's bytes.
    pub signature: Vec<u8>,
    /// The ID number typed (身分證號).
    pub id_number: String,
    /// The birth date typed (出生日期).
    pub birth_date: NaiveDate,
}

impl fmt::Debug for CertLoginInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertLoginInput")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

/// A successful certificate login.
#[derive(Debug)]
pub struct CertLoginOutcome {
    /// The renewed session: replace the cookie (the old token is void).
    pub session: SessionToken,
    /// The person from the registry (`via` is [`AuthMethod::Certificate`]).
    pub holder: CardHolder,
    /// The registration logged in, when the person has one that can log in.
    pub registration_id: Option<RegistrationId>,
}

/// 行動裝置帳號申請: contacts and the registration password.
pub struct CertApplyInput {
    /// The registration password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
    /// E-mail addresses and phones.
    pub contacts: Contacts,
}

impl fmt::Debug for CertApplyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CertApplyInput(***)")
    }
}

/// The answer to 行動裝置帳號申請.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertApplyOutcome {
    /// [`Msg::ApplySuccess`] (a new or pending registration: the confirmation letter goes
    /// out) or [`Msg::PasswordChanged`] (the registration in use got the new password).
    pub message: Msg,
    /// [`Msg::MicrosoftMailWarning`] when an address is at a Microsoft domain.
    pub warnings: Vec<Msg>,
    /// The password's strength meter.
    pub strength: Strength,
}

/// Why a certificate login was refused, for the audit trail.
struct Refusal {
    outcome: AuditOutcome,
    detail: String,
}

fn refused(outcome: AuditOutcome, detail: impl Into<String>) -> Refusal {
    Refusal {
        outcome,
        detail: detail.into(),
    }
}

fn verify_reason(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::Malformed { .. } => "malformed",
        VerifyError::UnknownIssuer => "unknown-issuer",
        VerifyError::BadSignature => "bad-certificate-signature",
        VerifyError::Expired { .. } => "expired",
        VerifyError::NotYetValid { .. } => "not-yet-valid",
        VerifyError::Revoked => "revoked",
        VerifyError::WrongKeyUsage => "wrong-key-usage",
        VerifyError::RevocationUnknown => "revocation-unknown",
        VerifyError::CrlExpired => "crl-expired",
        VerifyError::CrlInvalid => "crl-invalid",
        VerifyError::Unsupported { .. } => "unsupported",
        _ => "other",
    }
}

impl Service {
    fn cert_policy(&self) -> Result<&crate::config::CertificatePolicy> {
        self.config()
            .certificates
            .as_ref()
            .ok_or(ServiceError::CertLoginUnavailable)
    }

    /// Whether the certificate login is configured.
    #[must_use]
    pub fn cert_login_available(&self) -> bool {
        self.config().certificates.is_some()
    }

    /// Reloads the CRLs of the certificate login now (the maintenance worker does it on
    /// schedule). Returns the number of CRLs held, `None` without a certificate login or CRL
    /// store. Runs the sources' blocking reads on a blocking thread.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] when the blocking task is lost.
    pub async fn refresh_crls(&self) -> Result<Option<usize>> {
        let Some(store) = self
            .config()
            .certificates
            .as_ref()
            .and_then(|p| p.crls.clone())
        else {
            return Ok(None);
        };
        let report = tokio::task::spawn_blocking(move || {
            let report = store.refresh();
            (report, store.current().len())
        })
        .await
        .map_err(|_| ServiceError::Internal {
            what: "CRL refresh",
        })?;
        let (report, held) = report;
        if !report.is_complete() {
            tracing::warn!(
                held,
                "some CRL sources failed; their previous CRLs are kept"
            );
        }
        Ok(Some(held))
    }

    /// Step 1 of the certificate login: a fresh challenge bound to this session (a new one
    /// replaces nothing; each is single use and short-lived).
    ///
    /// # Errors
    /// [`ServiceError::CertLoginUnavailable`], [`ServiceError::Closed`],
    /// [`ServiceError::SessionExpired`], a store error.
    pub async fn cert_challenge(&self, caller: &Caller) -> Result<CertChallenge> {
        let now = self.now();
        self.guard_hours(now)?;
        self.cert_policy()?;
        let s = self.web_session(&caller.session, now).await?;
        let (challenge, record) = self
            .config()
            .secret_policies
            .issue(
                self.keys().secrets(),
                SecretKind::CertChallenge,
                &s.digest,
                now,
                &mut PortRng(self.random()),
            )
            .into_parts();
        let expires_at = record.expires_at();
        self.commit(ChangeSet::new().with(Change::PutSecret(StoredSecret {
            record,
            payload: None,
        })))
        .await?;
        Ok(CertChallenge {
            challenge,
            expires_at,
        })
    }

    /// Step 2 of the certificate login (see the module's documentation for the checks).
    /// Throttled per ID number and client address and on the form's ceiling per address;
    /// the challenge is spent whatever the outcome.
    ///
    /// # Errors
    /// [`ServiceError::CertLoginFailed`] (any refusal of certificate, signature, identity,
    /// registry or birth date), [`ServiceError::Secret`] (challenge unknown, used, expired or
    /// another session's), [`ServiceError::Invalid`] (an ID number that is not one),
    /// [`ServiceError::Throttled`], [`ServiceError::CertLoginUnavailable`],
    /// [`ServiceError::IdentityCheck`], the usual.
    pub async fn cert_login(
        &self,
        caller: &Caller,
        input: CertLoginInput,
    ) -> Result<CertLoginOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let policy = self.cert_policy()?.clone();
        let session = self.web_session(&caller.session, now).await?;
        let client = caller.client.as_deref();
        let id = IdNumber::parse(&input.id_number)?;
        let counters = self.cert_counters(&id, client);
        if let Err(e) = self.check_throttle(&counters, now).await {
            let cs = ChangeSet::new().with(self.audit(
                now,
                None,
                AuditAction::CertificateLogin,
                AuditOutcome::Throttled,
                client,
                format!("id={}", id.masked()),
            ));
            self.commit(cs).await?;
            return Err(e);
        }
        let kind = SecretKind::CertChallenge;
        let digest = self
            .keys()
            .secrets()
            .digest_hex(kind, input.challenge.trim());
        let mut secret = match self.inner.store.secret_by_digest(&digest).await? {
            Some(s) if s.record.kind() == kind => s,
            _ => return Err(ServiceError::secret(kind, SecretError::Expired)),
        };
        let before = secret.record.attempts_left();
        if let Err(e) = secret.record.check(
            self.keys().secrets(),
            input.challenge.trim(),
            &session.digest,
            now,
        ) {
            return Err(ServiceError::secret(kind, e));
        }
        let spend = Change::SpendSecret {
            digest,
            expected_attempts_left: before,
        };
        let checked = self.check_certificate(&policy, &input, &id, now).await;
        let person = match checked {
            Ok(p) => p,
            Err(Err(e)) => {
                // the identity service failed: spend the challenge, count nothing
                let _ = self.commit_spend(ChangeSet::new().with(spend), kind).await;
                return Err(e);
            }
            Err(Ok(why)) => {
                let mut cs = ChangeSet::new().with(spend);
                self.fail(&mut cs, &counters, now);
                cs.push(self.audit(
                    now,
                    None,
                    AuditAction::CertificateLogin,
                    why.outcome,
                    client,
                    format!("id={} {}", id.masked(), why.detail),
                ));
                self.commit_spend(cs, kind).await?;
                tracing::info!(outcome = %why.outcome, "certificate login refused");
                return Err(ServiceError::CertLoginFailed);
            }
        };
        let registration = self
            .current_registration(&id)
            .await?
            .filter(|r| r.state.check(Flow::Login).is_ok());
        let token = SessionToken::generate(self.random());
        let mut fresh = self.new_session_record(&token, SessionKind::Web, now);
        fresh.registration_id = registration.as_ref().map(|r| r.id.clone());
        fresh.card = Some(CardInSession {
            card_number: person.card_number.clone(),
            verified_at: now,
            via: AuthMethod::Certificate,
        });
        let mut cs = ChangeSet::new()
            .with(spend)
            .with(Change::DeleteSession {
                digest: session.digest.clone(),
            })
            .with(Change::PutSession(fresh));
        Service::reset(&mut cs, &[&counters[0]]);
        cs.push(self.audit(
            now,
            registration.as_ref().map(|r| &r.id),
            AuditAction::CertificateLogin,
            AuditOutcome::Ok,
            client,
            format!("id={}", id.masked()),
        ));
        self.commit_spend(cs, kind).await?;
        tracing::info!(id = %id.masked(), "certificate login");
        Ok(CertLoginOutcome {
            session: token,
            holder: CardHolder::authenticated(&person, AuthMethod::Certificate),
            registration_id: registration.map(|r| r.id),
        })
    }

    /// The checks of [`Service::cert_login`] after the challenge: `Ok(person)`, a refusal
    /// (`Err(Ok(_))`) or a failure of the system (`Err(Err(_))`).
    async fn check_certificate(
        &self,
        policy: &crate::config::CertificatePolicy,
        input: &CertLoginInput,
        id: &IdNumber,
        now: DateTime<Utc>,
    ) -> core::result::Result<InsuredPerson, core::result::Result<Refusal, ServiceError>> {
        let Some((ee, rest)) = input.chain.split_first() else {
            return Err(Ok(refused(
                AuditOutcome::CertificateRefused,
                "7601 malformed",
            )));
        };
        let ee = CertificateDer::from(ee.as_slice());
        let intermediates: Vec<CertificateDer<'_>> = rest
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        let crls = policy.crls.as_ref().map(|s| s.current());
        let verified = match &crls {
            Some(set) if set.is_empty() => Err(VerifyError::RevocationUnknown),
            _ => policy
                .verifier
                .verify(&ee, &intermediates, crls.as_ref(), SystemTime::from(now)),
        };
        let verified = verified.map_err(|e| {
            Ok(refused(
                AuditOutcome::CertificateRefused,
                format!("{} {}", e.code(), verify_reason(&e)),
            ))
        })?;
        let serial = format!("serial={}", verified.summary.serial_hex);
        twnhi_pki::verify_signature(
            &ee,
            input.scheme,
            input.challenge.trim().as_bytes(),
            &input.signature,
        )
        .map_err(|e| {
            Ok(refused(
                AuditOutcome::BadSignature,
                format!("{} {serial}", e.code()),
            ))
        })?;
        if let Some(ocsp) = &policy.ocsp {
            let status = ocsp
                .check(&ee, &verified.issuer, SystemTime::from(now))
                .await;
            let refusal = match status {
                Ok(OcspStatus::Good) => None,
                Ok(OcspStatus::Revoked { .. }) => Some(format!(
                    "{} {} ocsp {serial}",
                    VerifyError::Revoked.code(),
                    verify_reason(&VerifyError::Revoked)
                )),
                Ok(_) => Some(format!(
                    "{} {} ocsp {serial}",
                    VerifyError::RevocationUnknown.code(),
                    verify_reason(&VerifyError::RevocationUnknown)
                )),
                Err(e) => Some(format!("{} {} {serial}", e.code(), e.reason())),
            };
            if let Some(detail) = refusal {
                return Err(Ok(refused(AuditOutcome::CertificateRefused, detail)));
            }
        }
        let confirmed = policy
            .identity
            .confirms(&verified.summary, id)
            .await
            .map_err(|e| Err(ServiceError::from(e)))?;
        if !confirmed {
            return Err(Ok(refused(AuditOutcome::IdentityMismatch, serial)));
        }
        let person = self
            .inner
            .registry
            .person_by_id(id)
            .await
            .map_err(|e| Err(ServiceError::from(e)))?;
        let Some(person) = person else {
            return Err(Ok(refused(AuditOutcome::NotInRegistry, serial)));
        };
        if person.birth_date != input.birth_date {
            return Err(Ok(refused(AuditOutcome::BirthDateMismatch, serial)));
        }
        if person.card_status != twnhi_store::CardStatus::Valid {
            return Err(Ok(refused(
                AuditOutcome::NotInRegistry,
                format!("{serial} card-not-valid"),
            )));
        }
        Ok(person)
    }

    /// 行動裝置帳號申請 (manual §六 (三)) in a session logged in with the citizen certificate:
    /// contacts and a password following the rules. No registration yet, or one waiting for
    /// its e-mail verification: as an application (the confirmation letter goes out, the
    /// link is opened in a certificate or card session). A registration in use: its password
    /// becomes the new one, as the manual's note says, with the usual consequences (every
    /// session ends, a notice to the registered address); contacts change through 基本資料變更.
    ///
    /// # Errors
    /// [`ServiceError::CertLoginRequired`] (no certificate login in this session within the
    /// validity), [`ServiceError::Password`], [`ServiceError::Flow`] (a suspended or cancelled
    /// registration), the usual.
    pub async fn cert_apply(
        &self,
        caller: &Caller,
        input: CertApplyInput,
    ) -> Result<CertApplyOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (s, person) = match self.session_card(caller, now).await {
            Err(ServiceError::CardRequired) => return Err(ServiceError::CertLoginRequired),
            other => other?,
        };
        if s.card.as_ref().map(|c| c.via) != Some(AuthMethod::Certificate) {
            return Err(ServiceError::CertLoginRequired);
        }
        let strength = check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &crate::registration::personal(&person),
        )
        .into_result()?;
        let warnings = crate::registration::microsoft_warnings(&input.contacts);
        let client = caller.client.as_deref();
        let existing = self.current_registration(&person.id_number).await?;
        match existing {
            Some(reg) if reg.state.is_in_use() => {
                reg.state.check(Flow::ChangePassword)?;
                let hash = self.hash_password(&input.password).await?;
                let cs = self.new_password_changes(
                    ChangeSet::new(),
                    reg,
                    hash,
                    person.name.clone(),
                    now,
                    (AuditAction::PasswordChanged, client),
                )?;
                self.commit(cs).await?;
                Ok(CertApplyOutcome {
                    message: Msg::PasswordChanged,
                    warnings,
                    strength,
                })
            }
            existing => {
                self.enroll(
                    client,
                    &person,
                    &input.password,
                    input.contacts,
                    existing,
                    now,
                    ChangeSet::new(),
                )
                .await?;
                Ok(CertApplyOutcome {
                    message: Msg::ApplySuccess,
                    warnings,
                    strength,
                })
            }
        }
    }
}
