//! Links in letters: built only from the configured public base URL of the site.
//!
//! A letter never contains a link whose host came from a person or a database row: the base
//! is configured once ([`PublicBaseUrl`]), the paths are the constants of [`paths`], and the
//! only variable part is a [`LinkToken`], whose alphabet is URL-safe by construction.
//!
//! ```
//! use twnhi_notify::{LinkToken, PublicBaseUrl};
//!
//! let base = PublicBaseUrl::parse("https://twnhi.example/nhi")?;
//! let token = LinkToken::parse("Zk3vQ9xT2mB7nR4wYc8hJ1pL")?;
//! assert_eq!(
//!     base.verify_email(&token).as_str(),
//!     "https://twnhi.example/nhi/verify-email?token=Zk3vQ9xT2mB7nR4wYc8hJ1pL"
//! );
//! assert!(PublicBaseUrl::parse("javascript:alert(1)").is_err());
//! # Ok::<(), twnhi_notify::LinkError>(())
//! ```

use core::fmt;
use twnhi_account::messages::bilingual;

use url::Url;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Paths of the pages letters link to, relative to the public base URL (the web crate routes
/// the same constants).
pub mod paths {
    /// The login page (登入).
    pub const LOGIN: &str = "login";
    /// The e-mail verification page (電子信箱認證畫面); takes `?token=`.
    pub const VERIFY_EMAIL: &str = "verify-email";
    /// The password reset page (重設註冊密碼); takes `?token=`.
    pub const RESET_PASSWORD: &str = "reset-password";
    /// The forgot-password page (忘記註冊密碼) that sends a reset letter.
    pub const FORGOT_PASSWORD: &str = "forgot-password";
    /// The cancellation confirmation page (確認刪除註冊作業): ID number, e-mail code, captcha.
    pub const CANCEL_CONFIRM: &str = "cancel/confirm";
    /// The page that stops a cancellation asked for at a new address (the registered
    /// address's notice); takes `?token=`.
    pub const CANCEL_STOP: &str = "cancel/stop";
    /// The page that confirms a new main e-mail address (its confirmation letter); takes
    /// `?token=`.
    pub const CONFIRM_EMAIL: &str = "confirm-email";
}

/// Why a base URL, token or code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The base URL is not an absolute URL.
    #[error("{}", bilingual("notify-base-url-invalid"))]
    InvalidUrl,
    /// The base URL's scheme is not `http` or `https`.
    #[error("{}", bilingual("notify-base-url-scheme"))]
    UnsupportedScheme,
    /// The base URL has user name, password, query or fragment.
    #[error("{}", bilingual("notify-base-url-parts"))]
    ExtraParts,
    /// A link token of the wrong length or with characters outside `A-Z a-z 0-9 - _`.
    #[error("{}", bilingual("notify-link-token"))]
    InvalidToken,
    /// An e-mail verification code of the wrong length or not letters and digits.
    #[error("{}", bilingual("notify-email-code"))]
    InvalidCode,
}

/// The public base URL of the registration site, e.g. `https://twnhi.example/`: `http` or
/// `https`, a host, no credentials, query or fragment. Stored with a trailing slash so that
/// relative paths join below it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicBaseUrl(Url);

impl PublicBaseUrl {
    /// Parses and checks a base URL.
    ///
    /// # Errors
    /// [`LinkError::InvalidUrl`], [`LinkError::UnsupportedScheme`], [`LinkError::ExtraParts`].
    pub fn parse(input: &str) -> Result<Self, LinkError> {
        let url = Url::parse(input.trim()).map_err(|_| LinkError::InvalidUrl)?;
        Self::from_url(url)
    }

    /// Checks an already parsed URL.
    ///
    /// # Errors
    /// As [`PublicBaseUrl::parse`].
    pub fn from_url(mut url: Url) -> Result<Self, LinkError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LinkError::UnsupportedScheme);
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(LinkError::InvalidUrl);
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(LinkError::ExtraParts);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(PublicBaseUrl(url))
    }

    /// The base URL (with its trailing slash).
    #[must_use]
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The base URL as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `true` for `https`.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// A page below the base, with optional query pairs (percent-encoded).
    fn page(&self, path: &str, query: &[(&str, &str)]) -> Url {
        // `path` is one of the constants of `paths`: relative, no scheme, no `..`, so the join
        // stays below the base.
        let mut url = self.0.join(path).unwrap_or_else(|_| self.0.clone());
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().copied());
        }
        url
    }

    /// The login page.
    #[must_use]
    pub fn login(&self) -> Url {
        self.page(paths::LOGIN, &[])
    }

    /// The e-mail verification link of a confirmation letter.
    #[must_use]
    pub fn verify_email(&self, token: &LinkToken) -> Url {
        self.page(paths::VERIFY_EMAIL, &[("token", token.expose())])
    }

    /// The password reset link of a reset letter.
    #[must_use]
    pub fn reset_password(&self, token: &LinkToken) -> Url {
        self.page(paths::RESET_PASSWORD, &[("token", token.expose())])
    }

    /// The forgot-password page.
    #[must_use]
    pub fn forgot_password(&self) -> Url {
        self.page(paths::FORGOT_PASSWORD, &[])
    }

    /// The cancellation confirmation page.
    #[must_use]
    pub fn cancel_confirm(&self) -> Url {
        self.page(paths::CANCEL_CONFIRM, &[])
    }

    /// The stop link of a cancellation notice.
    #[must_use]
    pub fn cancel_stop(&self, token: &LinkToken) -> Url {
        self.page(paths::CANCEL_STOP, &[("token", token.expose())])
    }

    /// The link of the letter confirming a new main e-mail address.
    #[must_use]
    pub fn confirm_email(&self, token: &LinkToken) -> Url {
        self.page(paths::CONFIRM_EMAIL, &[("token", token.expose())])
    }
}

impl fmt::Debug for PublicBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicBaseUrl")
            .field(&self.0.as_str())
            .finish()
    }
}

impl fmt::Display for PublicBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl core::str::FromStr for PublicBaseUrl {
    type Err = LinkError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The secret of an e-mail link (confirmation, password reset): 16–256 characters of the
/// URL-safe alphabet `A-Z a-z 0-9 - _` (e.g. base64url without padding). Wiped on drop; its
/// `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct LinkToken(String);

impl LinkToken {
    /// Checks a token.
    ///
    /// # Errors
    /// [`LinkError::InvalidToken`].
    pub fn parse(input: &str) -> Result<Self, LinkError> {
        let ok = (16..=256).contains(&input.len())
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(LinkToken(input.to_owned()))
        } else {
            Err(LinkError::InvalidToken)
        }
    }

    /// The token itself (to put in a link).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

/// The case-sensitive e-mail verification code of a cancellation letter (E-Mail 驗證碼):
/// 4–32 ASCII letters and digits. Wiped on drop; its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct EmailCode(String);

impl EmailCode {
    /// Checks a code.
    ///
    /// # Errors
    /// [`LinkError::InvalidCode`].
    pub fn parse(input: &str) -> Result<Self, LinkError> {
        let ok =
            (4..=32).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(EmailCode(input.to_owned()))
        } else {
            Err(LinkError::InvalidCode)
        }
    }

    /// The code itself (to print in the letter).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        for bad in [
            "ftp://twnhi.example/",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "twnhi.example",
            "",
        ] {
            assert!(PublicBaseUrl::parse(bad).is_err(), "{bad}");
        }
        for bad in [
            "https://user:pw@twnhi.example/",
            "https://twnhi.example/?a=1",
            "https://twnhi.example/#x",
        ] {
            assert_eq!(
                PublicBaseUrl::parse(bad),
                Err(LinkError::ExtraParts),
                "{bad}"
            );
        }
        let b = PublicBaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(b.as_str(), "http://127.0.0.1:8080/");
        assert!(!b.is_https());
        let b = PublicBaseUrl::parse("https://twnhi.example/a/b").unwrap();
        assert_eq!(b.login().as_str(), "https://twnhi.example/a/b/login");
        assert_eq!(
            b.cancel_confirm().as_str(),
            "https://twnhi.example/a/b/cancel/confirm"
        );
        assert_eq!(
            b.forgot_password().as_str(),
            "https://twnhi.example/a/b/forgot-password"
        );
    }

    #[test]
    fn links_stay_on_the_base() {
        let b = PublicBaseUrl::parse("https://twnhi.example/").unwrap();
        let t = LinkToken::parse("abcdefghijklmnop-_AZ09").unwrap();
        for u in [b.verify_email(&t), b.reset_password(&t)] {
            assert!(u.as_str().starts_with(b.as_str()));
            assert_eq!(u.host_str(), Some("twnhi.example"));
        }
    }

    #[test]
    fn token_and_code_rules() {
        assert!(LinkToken::parse("short").is_err());
        assert!(LinkToken::parse("abcdefghijklmnop&x=1").is_err());
        assert!(LinkToken::parse("abcdefghijklmnop\r\n").is_err());
        assert!(LinkToken::parse(&"a".repeat(257)).is_err());
        assert_eq!(
            format!("{:?}", LinkToken::parse(&"a".repeat(16)).unwrap()),
            "LinkToken(…)"
        );
        assert!(EmailCode::parse("3w21G7yR").is_ok());
        assert!(EmailCode::parse("3w2").is_err());
        assert!(EmailCode::parse("3w21<7yR").is_err());
        assert_eq!(EmailCode::parse("3w21G7yR").unwrap().expose(), "3w21G7yR");
    }
}
