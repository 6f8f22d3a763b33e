//! 4.2 Log in with the card authenticated in the session and the registration password.

use twnhi_account::Password;
use twnhi_account::password::VerifyOutcome;
use twnhi_account::registration::Flow;
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet, RegistrationId, SessionKind};

use crate::card_auth::CardHolder;
use crate::error::{Result, ServiceError};
use crate::service::{Caller, Service, SessionToken};

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

impl Service {
    /// 4.2 Log in with the card authenticated in the session and the registration password.
    /// Wrong card or password: one answer ([`ServiceError::LoginFailed`](crate::ServiceError::LoginFailed)), the same hashing
    /// time. Throttled per person (back-off, and NIST's cap of 100 consecutive failures) —
    /// counters only the card holder can feed, since this path needs the card — and on the
    /// login form's ceiling per client address. Success renews the session and also clears
    /// the app's counters of the person (the card proves the owner).
    ///
    /// # Errors
    /// [`ServiceError::LoginFailed`](crate::ServiceError::LoginFailed), [`ServiceError::Throttled`](crate::ServiceError::Throttled), [`ServiceError::Locked`](crate::ServiceError::Locked),
    /// [`ServiceError::Overloaded`](crate::ServiceError::Overloaded), [`ServiceError::Flow`](crate::ServiceError::Flow) (not verified yet, suspended —
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
}
