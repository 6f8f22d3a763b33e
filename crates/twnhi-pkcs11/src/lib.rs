#![forbid(unsafe_code)]
//! The citizen digital certificate (自然人憑證, MOICA) card side of twnhi: PKCS#11 tokens,
//! their certificates, PIN login and signing a challenge.
//!
//! A MOICA card is a PKI smart card; on citizens' machines the vendor middleware (HiCOS)
//! exposes it through a **PKCS#11 module** — `HiCOSPKCS11.dll` on Windows, a `.dylib` on
//! macOS, a `.so` on Linux ([`module`]). [`Pkcs11Token`] loads such a module with the
//! `cryptoki` crate, lists tokens and certificates, logs in with the [`Pin`] and signs with
//! the private key whose `CKA_ID` is the certificate's. [`SoftToken`] keeps certificates and
//! keys in process for the demo, behind the same [`CertificateToken`] trait.
//!
//! ```no_run
//! use twnhi_pkcs11::{CertificateToken, Pin, Pkcs11Token, Scheme};
//!
//! let token = Pkcs11Token::open(twnhi_pkcs11::module::resolve_module(None)?)?;
//! for cert in token.certificates()? {
//!     println!("{} {} {}", cert.serial, cert.subject, cert.key);
//! }
//! let pin = Pin::new("123456")?;
//! let signature = token.sign("0A1B2C", &pin, Scheme::Pkcs1Sha256, b"challenge")?;
//! # Ok::<(), twnhi_pkcs11::CertError>(())
//! ```
//!
//! # Foreign code
//! The crate has no `unsafe` code of its own, but loading a PKCS#11 module **runs the
//! module's native code inside this process**, with this process' rights: a module can read
//! memory, open files and misbehave in ways no Rust type prevents. Load only modules you
//! trust — the card vendor's module from its official installer, or SoftHSM2 in tests —
//! from a path an attacker cannot write. `cryptoki` holds the `unsafe` FFI calls.
//!
//! # The PIN
//! A [`Pin`] is kept in a buffer wiped on drop, is redacted in `Debug`, is handed to
//! `C_Login` only, and appears in no error and no log line. Each signature opens a session,
//! logs in, signs, logs out and closes the session: nothing stays logged in.
//!
//! # Errors
//! [`CertError`] has a stable code per failure (75xx) and zh-TW and English texts from the
//! catalog (`cert.ftl`); a wrong PIN carries what the token's flags say about the tries left.

mod error;
mod info;
pub mod module;
mod pin;
mod pkcs11;
mod provision;
mod scheme;
mod soft;

pub use error::{CertError, TriesLeft};
pub use info::{
    CertificateInfo, KeyInfo, ParsedCertificate, PinState, TokenInfo, normalize_serial,
    parse_certificate,
};
pub use pin::Pin;
pub use pkcs11::Pkcs11Token;
pub use provision::OneToken;
pub use scheme::{Scheme, UnknownScheme};
pub use soft::{DEFAULT_MAX_TRIES, SoftToken};

/// Something holding certificates and their private keys: a PKCS#11 module's tokens
/// ([`Pkcs11Token`]) or the in-process [`SoftToken`].
pub trait CertificateToken: Send + Sync {
    /// A short name of the kind of token: `pkcs11`, `soft`, … (the bridge's `/v1/status`
    /// shows it).
    fn kind(&self) -> &'static str {
        "token"
    }

    /// The tokens present (an empty list when no card is inserted).
    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError>;

    /// The X.509 certificates of every token present; [`CertError::NoToken`] when there is
    /// no token.
    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError>;

    /// Signs `data` with the private key of the certificate whose serial number is `serial`
    /// (hex, as [`normalize_serial`] accepts), after logging in with `pin`.
    ///
    /// The signature's encoding is [`Scheme`]'s: the RSA signature integer, or DER for
    /// ECDSA.
    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError>;
}
