//! Throttling: which counters each flow keeps, and why (SPEC §5; the design and its reasons
//! are in `docs/service.md`, "Throttling").
//!
//! Three rules shape every counter:
//!
//! 1. **A stranger must not be able to keep a person out.** A counter that can close a
//!    person's door is only fed by attempts that prove possession of that person's card (the
//!    site's login runs after a card authentication) or of a bound device's key (the app's
//!    password is checked only after the device's one-time password). Attempts anyone can
//!    make are counted per person *and client address* (`app:`, `cancel:`, `code:`), so they
//!    slow the one who makes them, not the person they are about.
//! 2. **People behind one address do not share one fate.** Per-address counters are a high
//!    ceiling against spraying (hundreds of failures an hour, leaking), one per form.
//! 3. **The counters say nothing.** They are keyed by pseudonyms of the ID or card number
//!    (HMAC under the server key), and fed and checked the same way whether or not the person
//!    is registered or has a pending code.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use twnhi_account::secret::SecretKind;
use twnhi_account::throttle::{ThrottlePolicy, check_all};
use twnhi_account::{CardNumber, IdNumber};
use twnhi_store::{Change, ChangeSet};

use crate::error::Result;
use crate::service::Service;

/// A throttling counter: its key in the store and its policy.
#[derive(Clone, Debug)]
pub(crate) struct Counter {
    pub key: String,
    pub policy: ThrottlePolicy,
}

/// The forms whose failures are counted per client address, each on its own counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// 登入 with the card and the password; re-authentication.
    Login,
    /// The app's login.
    AppLogin,
    /// The household check of apply, resend and forgot.
    Household,
    /// 刪除註冊申請.
    CancelRequest,
    /// 確認刪除註冊 (the e-mail code).
    CancelConfirm,
    /// The app's device binding (the device code).
    DeviceBind,
    /// The citizen certificate login (manual §六).
    CertLogin,
}

impl Form {
    const fn slug(self) -> &'static str {
        match self {
            Form::Login => "login",
            Form::AppLogin => "app",
            Form::Household => "household",
            Form::CancelRequest => "cancel",
            Form::CancelConfirm => "cancel-code",
            Form::DeviceBind => "bind",
            Form::CertLogin => "cert",
        }
    }
}

/// The network a client belongs to for throttling: an IPv4 address itself, an IPv6
/// address's /64 (one customer's network: a host can pick any address in it). Anything
/// else is used as it is.
pub(crate) fn client_group(client: &str) -> String {
    match client.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => client.to_owned(),
    }
}

impl Service {
    fn person(&self, id: &IdNumber) -> String {
        self.keys().pseudonym("id", id.as_str())
    }

    /// The per-address ceiling of a form.
    pub(crate) fn address_counter(&self, form: Form, client: Option<&str>) -> Option<Counter> {
        client.map(|c| Counter {
            key: format!("addr:{}:{}", form.slug(), client_group(c)),
            policy: self.config().per_client_address,
        })
    }

    /// The site's password path (login with the card, re-authentication): back-off per
    /// person, the NIST cap per person, the address ceiling. Reached only with the card.
    pub(crate) fn password_counters(&self, id: &IdNumber, client: Option<&str>) -> Vec<Counter> {
        let p = self.person(id);
        let mut c = vec![
            Counter {
                key: format!("pw:{p}"),
                policy: self.config().per_registration,
            },
            Counter {
                key: format!("pwcap:{p}"),
                policy: ThrottlePolicy::consecutive_cap(self.config().password_cap),
            },
        ];
        c.extend(self.address_counter(Form::Login, client));
        c
    }

    /// The app's attempts anyone can make: back-off per person and client, the address
    /// ceiling.
    pub(crate) fn app_counters(&self, id: &IdNumber, client: Option<&str>) -> Vec<Counter> {
        let mut c = vec![Counter {
            key: format!(
                "app:{}:{}",
                self.person(id),
                client.map_or_else(|| "-".to_owned(), client_group)
            ),
            policy: self.config().per_person_and_client,
        }];
        c.extend(self.address_counter(Form::AppLogin, client));
        c
    }

    /// The NIST cap of the app's password checks (fed only after a right device TOTP).
    pub(crate) fn app_cap(&self, id: &IdNumber) -> Counter {
        Counter {
            key: format!("appcap:{}", self.person(id)),
            policy: ThrottlePolicy::consecutive_cap(self.config().password_cap),
        }
    }

    /// The household check (apply, resend, forgot): per card (only its holder reaches it)
    /// and the address ceiling.
    pub(crate) fn household_counters(
        &self,
        card: &CardNumber,
        client: Option<&str>,
    ) -> Vec<Counter> {
        let mut c = vec![Counter {
            key: format!("hh:{}", self.keys().pseudonym("card", card.as_str())),
            policy: self.config().per_person,
        }];
        c.extend(self.address_counter(Form::Household, client));
        c
    }

    /// Cancellation requests (anyone can make them): every request counted per person and
    /// client, and on the address ceiling, matching or not.
    pub(crate) fn cancel_request_counters(
        &self,
        id: &IdNumber,
        client: Option<&str>,
    ) -> Vec<Counter> {
        let mut c = vec![Counter {
            key: format!(
                "cancel:{}:{}",
                self.person(id),
                client.map_or_else(|| "-".to_owned(), client_group)
            ),
            policy: self.config().per_person_and_client,
        }];
        c.extend(self.address_counter(Form::CancelRequest, client));
        c
    }

    /// The citizen certificate login (anyone can try it with any ID number): back-off per
    /// person and client address, the address ceiling.
    pub(crate) fn cert_counters(&self, id: &IdNumber, client: Option<&str>) -> Vec<Counter> {
        let mut c = vec![Counter {
            key: format!(
                "cert:{}:{}",
                self.person(id),
                client.map_or_else(|| "-".to_owned(), client_group)
            ),
            policy: self.config().per_person_and_client,
        }];
        c.extend(self.address_counter(Form::CertLogin, client));
        c
    }

    /// The prefix of the code-entry counters of one person's codes of `kind`.
    pub(crate) fn code_prefix(&self, kind: SecretKind, id: &IdNumber) -> String {
        format!("code:{}:{}:", kind.as_str(), self.person(id))
    }

    /// The tries at one person's code of `kind` from one client: counted per client, so
    /// a stranger who guesses wrongly voids the code for themselves, never for its owner.
    /// Forgotten after the code's lifetime, and when a new code is issued.
    pub(crate) fn code_tries(
        &self,
        kind: SecretKind,
        id: &IdNumber,
        client: Option<&str>,
    ) -> Counter {
        let lifetime = self.config().secret_policies.get(kind).lifetime_secs;
        Counter {
            key: format!(
                "{}{}",
                self.code_prefix(kind, id),
                client.map_or_else(|| "-".to_owned(), client_group)
            ),
            policy: ThrottlePolicy {
                free_failures: u32::MAX,
                forget_after_secs: lifetime,
                ..ThrottlePolicy::per_registration()
            },
        }
    }

    /// Refused if any counter refuses, with the latest time.
    pub(crate) async fn check_throttle(
        &self,
        counters: &[Counter],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut states = Vec::with_capacity(counters.len());
        for c in counters {
            states.push(self.inner.store.throttle(&c.key).await?);
        }
        let pairs: Vec<_> = counters.iter().map(|c| &c.policy).zip(&states).collect();
        check_all(&pairs, now)?;
        Ok(())
    }

    /// Failures that count now on one counter.
    pub(crate) async fn failures_on(&self, c: &Counter, now: DateTime<Utc>) -> Result<u32> {
        let state = self.inner.store.throttle(&c.key).await?;
        Ok(c.policy.effective_failures(&state, now))
    }

    /// A failure on each counter, in `cs`.
    pub(crate) fn fail(&self, cs: &mut ChangeSet, counters: &[Counter], now: DateTime<Utc>) {
        for c in counters {
            cs.push(Change::ThrottleFailure {
                key: c.key.clone(),
                policy: c.policy,
                at: now,
            });
        }
    }

    /// Resets each counter, in `cs` (a success).
    pub(crate) fn reset(cs: &mut ChangeSet, counters: &[&Counter]) {
        for c in counters {
            cs.push(Change::ThrottleReset { key: c.key.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::client_group;

    #[test]
    fn ipv6_clients_are_grouped_by_slash_64() {
        assert_eq!(
            client_group("2001:db8:1:2:aaaa::1"),
            client_group("2001:db8:1:2:ffff:ffff:ffff:fffe")
        );
        assert_ne!(
            client_group("2001:db8:1:2::1"),
            client_group("2001:db8:1:3::1")
        );
        assert_eq!(client_group("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(client_group("203.0.113.7"), "203.0.113.7");
        assert_eq!(client_group("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(client_group("unix"), "unix");
    }
}
