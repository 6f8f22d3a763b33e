//! Sessions and card authentication (SPEC §3): open a session, start an authentication with a
//! nonce bound to the session, answer the card's challenge through the SAM, verify the card's
//! answer and record "card X authenticated at T" in the session; log out.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::messages::Msg;
use twnhi_account::roc::RocDate;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{CardNumber, Sex};
use twnhi_store::{
    AuditAction, AuditOutcome, CardInSession, Change, ChangeSet, InsuredPerson, StoredSecret,
};
use zeroize::Zeroizing;

use crate::error::{Result, ServiceError};
use crate::ports::{PortRng, random_array};
use crate::service::{Caller, Service, SessionToken};

/// Step 1 of card authentication: the nonce the page relays (single use, bound to the
/// session).
#[derive(Debug)]
pub struct CardNonce {
    /// The nonce (32 URL-safe characters). Wiped on drop.
    pub nonce: Zeroizing<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Step 3 of card authentication: the SAM's answer to send to the card (`00 82 11 12 20 <au>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SamAnswer {
    /// `au = rs || MAC`, 32 bytes.
    pub au: [u8; 32],
}

/// The card holder as the registry knows them: what the pages show after a card
/// authentication (never what the browser sent).
#[derive(Clone, PartialEq, Eq)]
pub struct CardHolder {
    /// The card number, masked (`********5678`).
    pub card_number_masked: String,
    /// The name (姓名).
    pub name: String,
    /// The ID number, masked (`A12345****`).
    pub id_number_masked: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// How the person was authenticated: the NHI card, or the citizen certificate (then
    /// the card number is the registry's card of the ID number).
    pub via: twnhi_store::AuthMethod,
}

impl core::fmt::Debug for CardHolder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardHolder")
            .field("card", &self.card_number_masked)
            .finish_non_exhaustive()
    }
}

impl CardHolder {
    pub(crate) fn of(p: &InsuredPerson) -> Self {
        CardHolder::authenticated(p, twnhi_store::AuthMethod::Card)
    }

    pub(crate) fn authenticated(p: &InsuredPerson, via: twnhi_store::AuthMethod) -> Self {
        CardHolder {
            via,
            card_number_masked: p.card_number.masked(),
            name: p.name.clone(),
            id_number_masked: p.id_number.masked(),
            birth_date: p.birth_date,
            sex: p.sex,
        }
    }

    /// The birth date in ROC form (`079/01/01`), or ISO if outside ROC years.
    #[must_use]
    pub fn birth_date_roc(&self) -> String {
        RocDate::from_naive(self.birth_date).map_or_else(
            |_| self.birth_date.format("%Y-%m-%d").to_string(),
            RocDate::format_slash,
        )
    }
}

/// What a session is, for the page header and navigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionView {
    /// The registration logged in, if any.
    pub registration_id: Option<twnhi_store::RegistrationId>,
    /// The card authenticated in this session (from the registry), if any and still fresh.
    pub card: Option<CardHolder>,
}

#[derive(Serialize, Deserialize)]
struct Exchange {
    card: String,
    rc: String,
    rs: String,
}

fn parse_rc(rc: &[u8]) -> Result<[u8; 8]> {
    rc.try_into().map_err(|_| ServiceError::CardNotVerified)
}

impl Service {
    /// A token for a new anonymous browser session (a new visitor, or after logout). Nothing
    /// is stored until the session holds something: a visitor who only reads pages costs no
    /// database row (SPEC §5, bounded resources).
    ///
    /// # Errors
    /// None today; kept fallible for stores that must register a session.
    pub async fn open_session(&self) -> Result<SessionToken> {
        Ok(SessionToken::generate(self.random()))
    }

    /// What the session holds: the registration logged in and the card authenticated (a
    /// token without a stored session holds nothing).
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`] for a session that ended (idle, too old).
    pub async fn session_info(&self, session: &SessionToken) -> Result<SessionView> {
        let now = self.now();
        let s = self.web_session(session, now).await?;
        let card = match &s.card {
            Some(c)
                if c.verified_at
                    .checked_add_signed(self.config().card_auth_validity)
                    .is_some_and(|end| now < end) =>
            {
                self.inner
                    .registry
                    .person_by_card(&c.card_number)
                    .await?
                    .map(|p| CardHolder::authenticated(&p, c.via))
            }
            _ => None,
        };
        Ok(SessionView {
            registration_id: s.registration_id,
            card,
        })
    }

    /// Ends the session (登出).
    ///
    /// # Errors
    /// A store error.
    pub async fn logout(&self, caller: &Caller) -> Result<Msg> {
        let now = self.now();
        let digest = caller.session.digest();
        let reg = self
            .inner
            .store
            .session(&digest)
            .await?
            .and_then(|s| s.registration_id);
        let mut cs = ChangeSet::new().with(Change::DeleteSession { digest });
        if reg.is_some() {
            cs.push(self.audit(
                now,
                reg.as_ref(),
                AuditAction::Logout,
                AuditOutcome::Ok,
                caller.client.as_deref(),
                "",
            ));
        }
        self.commit(cs).await?;
        Ok(Msg::LoggedOut)
    }

    /// Card authentication step 1: a fresh nonce bound to this session (a new one replaces
    /// the previous one).
    ///
    /// # Errors
    /// [`ServiceError::Closed`], [`ServiceError::SessionExpired`], a store error.
    pub async fn card_auth_begin(&self, caller: &Caller) -> Result<CardNonce> {
        let now = self.now();
        self.guard_hours(now)?;
        let s = self.web_session(&caller.session, now).await?;
        let issued = self.config().secret_policies.issue(
            self.keys().secrets(),
            SecretKind::CardAuthNonce,
            &s.digest,
            now,
            &mut PortRng(self.random()),
        );
        let (nonce, record) = issued.into_parts();
        let expires_at = record.expires_at();
        self.commit(ChangeSet::new().with(Change::PutSecret(StoredSecret {
            record,
            payload: None,
        })))
        .await?;
        Ok(CardNonce { nonce, expires_at })
    }

    async fn nonce_record(&self, nonce: &str) -> Result<StoredSecret> {
        let digest = self
            .keys()
            .secrets()
            .digest_hex(SecretKind::CardAuthNonce, nonce);
        match self.inner.store.secret_by_digest(&digest).await? {
            Some(s) if s.record.kind() == SecretKind::CardAuthNonce => Ok(s),
            _ => Err(ServiceError::CardAuthExpired),
        }
    }

    /// Card authentication step 3: the page posts the nonce, the card number and the card's
    /// challenge `rc` (from the bridge); the SAM answers with `au` for the card.
    ///
    /// # Errors
    /// [`ServiceError::CardAuthExpired`] (unknown, used, expired nonce, another session's,
    /// or already answered), [`ServiceError::Invalid`] (card number),
    /// [`ServiceError::CardNotVerified`] (`rc` not 8 bytes), a SAM or store error.
    pub async fn card_auth_respond(
        &self,
        caller: &Caller,
        nonce: &str,
        card_no: &str,
        rc: &[u8],
    ) -> Result<SamAnswer> {
        let now = self.now();
        self.guard_hours(now)?;
        let s = self.web_session(&caller.session, now).await?;
        let secret = self.nonce_record(nonce).await?;
        let r = &secret.record;
        if r.is_spent(now) || r.subject() != s.digest || secret.payload.is_some() {
            return Err(ServiceError::CardAuthExpired);
        }
        let card = CardNumber::parse(card_no)?;
        let rc = parse_rc(rc)?;
        let rs: [u8; 16] = random_array(self.random());
        let au = self.inner.sam.authenticate_card(&card, &rc, &rs).await?;
        let payload = serde_json::to_string(&Exchange {
            card: card.as_str().to_owned(),
            rc: hex::encode(rc),
            rs: hex::encode(rs),
        })
        .map_err(|_| ServiceError::Internal {
            what: "card exchange",
        })?;
        self.inner
            .store
            .apply(ChangeSet::new().with(Change::SetSecretPayload {
                digest: r.digest_hex().to_owned(),
                payload,
            }))
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    ServiceError::CardAuthExpired
                } else {
                    e.into()
                }
            })?;
        Ok(SamAnswer { au })
    }

    /// Card authentication step 5: the page posts the nonce and the card's answer `cr`; the
    /// SAM verifies it, the nonce is consumed, and the session records the card. Returns the
    /// card holder from the registry.
    ///
    /// # Errors
    /// [`ServiceError::CardAuthExpired`], [`ServiceError::CardNotVerified`] (wrong `cr`, card
    /// not in the registry or revoked), a SAM or store error.
    pub async fn card_auth_finish(
        &self,
        caller: &Caller,
        nonce: &str,
        cr: &[u8],
    ) -> Result<CardHolder> {
        let now = self.now();
        self.guard_hours(now)?;
        let mut s = self.web_session(&caller.session, now).await?;
        let mut secret = self.nonce_record(nonce).await?;
        let before = secret.record.attempts_left();
        let digest = secret.record.digest_hex().to_owned();
        match secret
            .record
            .check(self.keys().secrets(), nonce, &s.digest, now)
        {
            Ok(()) => {}
            Err(SecretError::WrongSubject | SecretError::Mismatch { .. }) => {
                return Err(ServiceError::CardAuthExpired);
            }
            Err(_) => return Err(ServiceError::CardAuthExpired),
        }
        let exchange: Exchange = secret
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or(ServiceError::CardAuthExpired)?;
        let card = CardNumber::parse(&exchange.card).map_err(|_| ServiceError::CardAuthExpired)?;
        let rc: [u8; 8] = hex::decode(&exchange.rc)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or(ServiceError::CardAuthExpired)?;
        let rs: [u8; 16] = hex::decode(&exchange.rs)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or(ServiceError::CardAuthExpired)?;
        let cr: Option<[u8; 16]> = cr.try_into().ok();
        let verified = match cr {
            Some(cr) => self.inner.sam.verify_card(&card, &rc, &rs, &cr).await?,
            None => false,
        };
        let person = if verified {
            match self.inner.registry.person_by_card(&card).await? {
                Some(p) if p.card_status == twnhi_store::CardStatus::Valid => Some(p),
                _ => None,
            }
        } else {
            None
        };
        let spend = Change::SpendSecret {
            digest,
            expected_attempts_left: before,
        };
        let client = caller.client.as_deref();
        let Some(person) = person else {
            let why = if verified {
                AuditOutcome::NotInRegistry
            } else {
                AuditOutcome::BadMac
            };
            let cs = ChangeSet::new().with(spend).with(self.audit(
                now,
                None,
                AuditAction::CardAuthentication,
                why,
                client,
                format!("card={}", card.masked()),
            ));
            self.commit(cs).await.map_err(|e| match e {
                ServiceError::Busy => ServiceError::CardAuthExpired,
                e => e,
            })?;
            return Err(ServiceError::CardNotVerified);
        };
        s.card = Some(CardInSession {
            card_number: card.clone(),
            verified_at: now,
            via: twnhi_store::AuthMethod::Card,
        });
        s.last_seen_at = now;
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::PutSession(s))
            .with(self.audit(
                now,
                None,
                AuditAction::CardAuthentication,
                AuditOutcome::Ok,
                client,
                format!("card={} id={}", card.masked(), person.id_number.masked()),
            ));
        self.commit(cs).await.map_err(|e| match e {
            ServiceError::Busy => ServiceError::CardAuthExpired,
            e => e,
        })?;
        tracing::info!(card = %card.masked(), "card authenticated");
        Ok(CardHolder::of(&person))
    }
}
