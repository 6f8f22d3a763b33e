//! E-mail addresses (syntax only; whether mail arrives is proven by the confirmation link).
//!
//! The accepted syntax is the WHATWG HTML "valid e-mail address" (what browsers check for
//! `<input type=email>`), tightened the way mail providers are: the local part is a
//! dot-atom (no leading, trailing or double dots), the domain has at least two labels and an
//! alphabetic top-level label, the local part is at most 64 and the whole at most 254
//! characters, ASCII only (internationalised domains in their `xn--` form). The domain is
//! lower-cased; the local part is kept as typed.
//!
//! ```
//! use twnhi_account::Email;
//!
//! let e = Email::parse(" Test.One@Example.COM.tw ")?;
//! assert_eq!(e.as_str(), "Test.One@example.com.tw");
//! assert!(!e.is_microsoft_domain());
//! assert!(Email::parse("test.one@hotmail.com")?.is_microsoft_domain());
//! # Ok::<(), twnhi_account::EmailError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};

/// Why an e-mail address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Nothing was entered.
    Empty,
    /// Characters outside ASCII.
    NonAscii,
    /// Longer than 254 characters, or a local part longer than 64.
    TooLong,
    /// Not the shape of an e-mail address.
    Invalid,
}

impl Localized for EmailError {
    fn msg(&self) -> Msg {
        match self {
            EmailError::Empty => Msg::EmailEmpty,
            EmailError::NonAscii => Msg::EmailNonAscii,
            EmailError::TooLong => Msg::EmailTooLong,
            EmailError::Invalid => Msg::EmailInvalid,
        }
    }
}
bilingual_display!(EmailError);

/// First labels of Microsoft's consumer mail domains (hotmail.com, hotmail.com.tw,
/// livemail.tw, live.com, outlook.com, msn.com …), for the warning of SPEC §4.1.
const MICROSOFT_LABELS: &[&str] = &[
    "hotmail",
    "live",
    "livemail",
    "outlook",
    "msn",
    "windowslive",
    "passport",
];

/// A syntactically valid e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email {
    address: String,
    at: usize,
}

const MAX_LEN: usize = 254;
const MAX_LOCAL: usize = 64;

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b)
}

fn valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

impl Email {
    /// Parses an address: trims surrounding whitespace, lower-cases the domain.
    ///
    /// # Errors
    /// See [`EmailError`].
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if !s.is_ascii() {
            return Err(EmailError::NonAscii);
        }
        if s.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if local.len() > MAX_LOCAL {
            return Err(EmailError::TooLong);
        }
        let local_ok = !local.is_empty()
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext));
        if !local_ok {
            return Err(EmailError::Invalid);
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let tld_ok = labels.last().is_some_and(|tld| {
            (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
                || (tld.starts_with("xn--") && valid_label(tld))
        });
        if labels.len() < 2 || !labels.iter().all(|l| valid_label(l)) || !tld_ok {
            return Err(EmailError::Invalid);
        }
        Ok(Email {
            address: format!("{local}@{domain}"),
            at: local.len(),
        })
    }

    /// The normalised address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The part before `@`, as typed.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.address.get(..self.at).unwrap_or_default()
    }

    /// The domain, lower case.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.address.get(self.at + 1..).unwrap_or_default()
    }

    /// Whether the address is at a Microsoft consumer mail domain (hotmail, live, livemail,
    /// outlook, msn, windowslive, passport under any country domain, e.g. `hotmail.com.tw`),
    /// for which the form shows [`Msg::MicrosoftMailWarning`] — a warning, not a refusal.
    ///
    /// ```
    /// use twnhi_account::Email;
    /// for a in ["a@hotmail.com", "a@live.com.tw", "a@outlook.jp", "a@MSN.com", "a@livemail.tw"] {
    ///     assert!(Email::parse(a).unwrap().is_microsoft_domain(), "{a}");
    /// }
    /// for a in ["a@gmail.com", "a@live.nhi.example.tw", "a@myhotmail.com"] {
    ///     assert!(!Email::parse(a).unwrap().is_microsoft_domain(), "{a}");
    /// }
    /// ```
    #[must_use]
    pub fn is_microsoft_domain(&self) -> bool {
        let labels: Vec<&str> = self.domain().split('.').collect();
        // name.tld or name.second.cc (hotmail.com.tw, hotmail.co.uk)
        let short_suffix = match labels.as_slice() {
            [_, _] => true,
            [_, second, cc] => second.len() <= 3 && cc.len() == 2,
            _ => false,
        };
        short_suffix
            && labels
                .first()
                .is_some_and(|first| MICROSOFT_LABELS.contains(first))
    }

    /// Whether two addresses are the same mailbox for practical purposes: equal ignoring
    /// ASCII case (local parts are case-sensitive in theory, never in practice).
    #[must_use]
    pub fn same_mailbox(&self, other: &Email) -> bool {
        self.address.eq_ignore_ascii_case(&other.address)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.address
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.address
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts() {
        for a in [
            "test.one@example.com",
            "test+tag@example.com.tw",
            "a@b.co",
            "o'brien@example.org",
            "x_y-z@sub.example-host.tw",
            "test@xn--kpry57d.xn--kpry57d",
        ] {
            assert!(Email::parse(a).is_ok(), "{a}");
        }
        let e = Email::parse("Test.One@EXAMPLE.com").unwrap();
        assert_eq!(e.local_part(), "Test.One");
        assert_eq!(e.domain(), "example.com");
        assert!(e.same_mailbox(&Email::parse("test.one@example.com").unwrap()));
    }

    #[test]
    fn refuses() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("測試@example.com"), Err(EmailError::NonAscii));
        for a in [
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a@example.c",
            "a@example.123",
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a b@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            "a@example..com",
            "\"quoted\"@example.com",
            "a@[127.0.0.1]",
            "a@b@example.com",
        ] {
            assert_eq!(Email::parse(a), Err(EmailError::Invalid), "{a}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::TooLong));
        let long = format!("a@{}.com", "b".repeat(260));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                let _ = e.is_microsoft_domain();
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }

        #[test]
        fn round_trips(local in "[a-z0-9_+-]{1,20}(\\.[a-z0-9]{1,8}){0,2}", domain in "[a-z0-9]{1,12}(\\.[a-z]{2,6}){1,2}") {
            let a = format!("{local}@{domain}");
            let e = Email::parse(&a).unwrap();
            prop_assert_eq!(e.as_str(), a.as_str());
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), e);
        }
    }
}
