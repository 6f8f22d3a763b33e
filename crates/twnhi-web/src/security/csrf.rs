//! CSRF protection: a synchronizer token bound to the session. The token is an HMAC of the
//! session's token under a key of the running site, so it needs no storage, changes whenever
//! the session changes (login renews it) and cannot be computed without the session cookie,
//! which scripts cannot read (`HttpOnly`). Every form carries it in a hidden field `csrf`, the
//! page's script sends it in the `X-CSRF-Token` header.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The form field of the token.
pub const FIELD: &str = "csrf";
/// The header of the token (fetch requests of the page's script).
pub const HEADER: &str = "x-csrf-token";

/// The key tokens are derived with.
#[derive(Clone)]
pub(crate) struct CsrfKey([u8; 32]);

impl core::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CsrfKey(…)")
    }
}

impl CsrfKey {
    pub(crate) fn new(bytes: [u8; 32]) -> Self {
        CsrfKey(bytes)
    }

    /// The token for the session whose cookie value is `session` (empty only if HMAC refused
    /// the key, which it never does: HMAC takes keys of any length).
    pub(crate) fn token_for(&self, session: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(b"twnhi-csrf\0");
        mac.update(session.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A tag of `data` under this key for the purpose `domain` (a different purpose than
    /// the CSRF token's, so neither can stand for the other): the flash messages' signature.
    pub(crate) fn tag(&self, domain: &[u8], data: &[&[u8]]) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(domain);
        for part in data {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `presented` is the token of `session` (constant time).
    pub(crate) fn verify(&self, session: &str, presented: &str) -> bool {
        let expected = self.token_for(session);
        !expected.is_empty()
            && expected.len() == presented.len()
            && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_sessions() {
        let k = CsrfKey::new([7; 32]);
        let t = k.token_for("session-a");
        assert_eq!(t.len(), 43);
        assert!(k.verify("session-a", &t));
        assert!(!k.verify("session-b", &t));
        assert!(!k.verify("session-a", ""));
        assert!(!k.verify("session-a", &t[..42]));
        assert!(!CsrfKey::new([8; 32]).verify("session-a", &t));
    }
}
