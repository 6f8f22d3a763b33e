//! The versioned JSON protocol (`/v1/...`): requests, replies, events and errors, as Rust
//! types. `docs/bridge-protocol.md` describes the same messages with examples.
//!
//! Every type here serialises to exactly the JSON the bridge sends and deserialises from it,
//! so a Rust client (a test, the site's own checks) can use them directly.

use crate::backend::CardRead;
use crate::backend::ReaderInfo;
use serde::{Deserialize, Serialize};
use twnhi_card::atr::CardKind;
use twnhi_card::{BasicData, CardError, Challenge};
use twnhi_pkcs11::{CertError, CertificateInfo, KeyInfo, Scheme, TokenInfo, TriesLeft};
use twnhi_texts::{self as texts, Arg, Lang};
use zeroize::Zeroizing;

/// The JSON protocol's version: the `1` of `/v1/...` and of the `hello` message.
pub const PROTOCOL_VERSION: u32 = 1;

/// Error code for requests the bridge cannot understand (the legacy "unknown command").
pub const CODE_BAD_REQUEST: u16 = 9999;
/// Error code for commands of the legacy protocol that need NHI's private keys (`H_Sign`,
/// `EnCrypt`, `SecureGetBasicWithParam`): the legacy "service error" class. See
/// `docs/bridge-protocol.md` for why this code.
pub const CODE_NOT_SUPPORTED: u16 = 8201;
/// Error code when the bridge refuses a client because too many are connected (the legacy
/// "service unreachable": that is what the page would otherwise conclude).
pub const CODE_BUSY: u16 = 4061;

/// Longest PIN a `sign` request may carry (MOICA PINs have 6 to 8 digits; PKCS#11 tokens
/// rarely take more than 16 characters).
pub const MAX_PIN_LEN: usize = 64;
/// Most bytes a `sign` request may have signed: a server challenge is some tens of bytes.
/// The limit keeps the bridge from signing documents for a page.
pub const MAX_SIGN_DATA: usize = 1024;

/// An error as the JSON protocol sends it: the legacy component's code and a message in
/// both languages.
///
/// ```json
/// {"code": 7004, "message_zh": "未插入健保卡", "message_en": "no card inserted"}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The legacy error code (SPEC §2): 7001 PC/SC, 7002/7003 reader, 7004 no card, 80xx card,
    /// 8201 not supported, 4061 busy, 9999 bad request.
    pub code: u16,
    /// zh-TW message.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
    /// Wrong PIN (7504) only, when the token says: `low` (wrong PINs were entered, few
    /// tries are left) or `final-try` (the next wrong PIN locks the PIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<String>,
}

impl ErrorBody {
    /// The body of a card failure.
    pub fn card(e: &CardError) -> ErrorBody {
        ErrorBody {
            code: e.legacy_code(),
            message_zh: e.message_zh(),
            message_en: e.message_en(),
            tries_left: None,
        }
    }

    /// The body of a certificate card failure: its 75xx code and texts (`cert.ftl`); a
    /// missing module names the bridge's `--pkcs11-module` setting; a wrong PIN carries
    /// `tries_left` when the token says. No certificate error holds the PIN.
    pub fn cert(e: &CertError) -> ErrorBody {
        if let CertError::ModuleNotFound { path } = e {
            return ErrorBody::from_catalog(
                e.code(),
                "bridge-cert-module-not-found",
                &[("path", path.display().to_string().into())],
            );
        }
        let tries_left = match e {
            CertError::WrongPin {
                tries_left: TriesLeft::Low,
            } => Some("low".to_owned()),
            CertError::WrongPin {
                tries_left: TriesLeft::FinalTry,
            } => Some("final-try".to_owned()),
            _ => None,
        };
        ErrorBody {
            code: e.code(),
            message_zh: e.message(Lang::ZhTw),
            message_en: e.message(Lang::En),
            tries_left,
        }
    }

    /// A request the bridge does not understand (code 9999).
    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: CODE_BAD_REQUEST,
            message_zh: zh.into(),
            message_en: en.into(),
            tries_left: None,
        }
    }

    /// An error whose texts are the catalog message `id` (`bridge.ftl`) with `args`: zh-TW
    /// in `message_zh`, English in `message_en`.
    pub fn from_catalog(code: u16, id: &str, args: &[(&str, Arg<'_>)]) -> ErrorBody {
        ErrorBody {
            code,
            message_zh: texts::format(Lang::ZhTw, id, args),
            message_en: texts::format(Lang::En, id, args),
            tries_left: None,
        }
    }

    /// Too many clients (code 4061).
    pub fn busy() -> ErrorBody {
        ErrorBody::from_catalog(CODE_BUSY, "bridge-busy", &[])
    }

    /// The HTTP status that goes with this error on the HTTP endpoints.
    pub fn http_status(&self) -> u16 {
        match self.code {
            7001 | 7002 | CODE_BUSY | 7501 | 7502 | 7511 => 503,
            7003 | 7004 | 7503 | 7506 => 404,
            CODE_BAD_REQUEST => 400,
            _ => 502,
        }
    }
}

/// A card reader as the JSON protocol shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderJson {
    /// The reader's PC/SC name (use it, percent-encoded, in `/v1/readers/{reader}/card`).
    pub name: String,
    /// Whether a card is in the reader.
    pub card_present: bool,
    /// The card's ATR in uppercase hex, `null` without a card.
    pub atr: Option<String>,
    /// `nhi`, `health-professional` or `unknown`.
    pub card_kind: String,
}

impl From<&ReaderInfo> for ReaderJson {
    fn from(r: &ReaderInfo) -> ReaderJson {
        ReaderJson {
            name: r.name.clone(),
            card_present: r.card_present,
            atr: r.atr.as_deref().map(hex::encode_upper),
            card_kind: kind_label(r.card_present, r.card_kind).to_owned(),
        }
    }
}

/// The label of a card kind (`unknown` when there is no card).
pub(crate) fn kind_label(present: bool, kind: CardKind) -> &'static str {
    if present { kind.label() } else { "unknown" }
}

/// The answer to `readers` and `GET /v1/readers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadersResult {
    /// Every reader, in the PC/SC service's order.
    pub readers: Vec<ReaderJson>,
}

/// The answer to `read` and `GET /v1/readers/{reader}/card`: the card's basic data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardResult {
    /// The reader the card was read in.
    pub reader: String,
    /// The basic data: `card_no`, `name`, `name_lossy`, `id_no`, `birth_date`
    /// (`YYYY-MM-DD`), `sex` (`M`/`F`), `issue_date`.
    #[serde(flatten)]
    pub basic: BasicData,
    /// The birth date as the card stores it, ROC `YYYMMDD` (as the legacy protocol sends it).
    pub birth_date_roc: String,
    /// The first character of GET DATA P1 `24` (the legacy `GetBasic`'s last field), `null`
    /// when the card does not answer it.
    pub card_data_flag: Option<String>,
}

impl CardResult {
    /// Builds the result from a read.
    pub fn new(reader: String, read: CardRead) -> CardResult {
        CardResult {
            reader,
            birth_date_roc: crate::legacy::roc_date(read.basic.birth_date),
            card_data_flag: read.card_data_flag.map(String::from),
            basic: read.basic,
        }
    }
}

/// The answer to `challenge` (SPEC §3 step 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResult {
    /// The reader used.
    pub reader: String,
    /// The card number, read with GET DATA P1 `00`.
    pub card_no: String,
    /// The card's challenge `rc`, 8 bytes in uppercase hex.
    pub rc: String,
}

impl ChallengeResult {
    /// Builds the result from a challenge.
    pub fn new(reader: String, c: &Challenge) -> ChallengeResult {
        ChallengeResult {
            reader,
            card_no: c.card_no.to_string(),
            rc: hex::encode_upper(c.rc),
        }
    }
}

/// The answer to `authenticate` (SPEC §3 step 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticateResult {
    /// The reader used.
    pub reader: String,
    /// The card's answer `cr`, 16 bytes in uppercase hex.
    pub cr: String,
}

/// A certificate card (a PKCS#11 token) as the JSON protocol shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenJson {
    /// The PKCS#11 slot.
    pub slot: u64,
    /// The token's label (MOICA cards: `HiCOS PKI Smart Card`).
    pub label: String,
    /// The token's manufacturer.
    pub manufacturer: String,
    /// The token's model.
    pub model: String,
    /// The token's serial number.
    pub serial: String,
    /// The user PIN's state: `ok`, `count-low` (wrong PINs were entered), `final-try` (the
    /// next wrong PIN locks it) or `locked`.
    pub pin: String,
    /// The PIN is typed on the reader's pad, not in the page.
    pub protected_authentication_path: bool,
}

impl From<&TokenInfo> for TokenJson {
    fn from(t: &TokenInfo) -> TokenJson {
        TokenJson {
            slot: t.slot,
            label: t.label.clone(),
            manufacturer: t.manufacturer.clone(),
            model: t.model.clone(),
            serial: t.serial.clone(),
            pin: serde_json::to_value(t.pin)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            protected_authentication_path: t.protected_authentication_path,
        }
    }
}

/// A certificate on a certificate card as the JSON protocol shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateJson {
    /// The slot of the token holding it.
    pub slot: u64,
    /// The label of the token holding it.
    pub token_label: String,
    /// The certificate object's label (`CKA_LABEL`).
    pub label: String,
    /// The certificate object's id (`CKA_ID`), uppercase hex (MOICA signing certificates:
    /// `5349474E`, `SIGN`).
    pub id: String,
    /// The serial number, uppercase hex: what `sign` takes.
    pub serial: String,
    /// The subject, RFC 4514 style.
    pub subject: String,
    /// The issuer, in the same style.
    pub issuer: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// The key: `RSA 2048`, `EC P-256`, or the algorithm's OID.
    pub key: String,
    /// The schemes `sign` can use with this key, the default first: `pkcs1-sha256` and
    /// `pss-sha256` for RSA, `ecdsa-p256-sha256` for EC P-256.
    pub schemes: Vec<String>,
    /// The certificate, DER in uppercase hex (for the site, which validates it).
    pub certificate: String,
}

/// The schemes a key can sign with, the default first.
pub(crate) fn schemes_for(key: &KeyInfo) -> Vec<Scheme> {
    match key {
        KeyInfo::Rsa { .. } => vec![Scheme::Pkcs1Sha256, Scheme::PssSha256],
        k if k.is_p256() => vec![Scheme::EcdsaP256Sha256],
        _ => Vec::new(),
    }
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl From<&CertificateInfo> for CertificateJson {
    fn from(c: &CertificateInfo) -> CertificateJson {
        CertificateJson {
            slot: c.slot,
            token_label: c.token_label.clone(),
            label: c.label.clone(),
            id: c.id.to_ascii_uppercase(),
            serial: c.serial.clone(),
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            not_before: rfc3339(c.not_before),
            not_after: rfc3339(c.not_after),
            key: c.key.to_string(),
            schemes: schemes_for(&c.key)
                .into_iter()
                .map(|s| s.name().to_owned())
                .collect(),
            certificate: hex::encode_upper(&c.der),
        }
    }
}

/// The answer to `certificates` and `GET /v1/certificates`: the certificate cards present
/// and their certificates. Needs no PIN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatesResult {
    /// The tokens (cards) present.
    pub tokens: Vec<TokenJson>,
    /// Their certificates.
    pub certificates: Vec<CertificateJson>,
}

/// The answer to `sign`: the signature of the request's `data`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignResult {
    /// The certificate's serial number, uppercase hex.
    pub serial: String,
    /// The scheme used (`pkcs1-sha256`, `pss-sha256`, `ecdsa-p256-sha256`).
    pub scheme: String,
    /// The signature, uppercase hex: the RSA integer, or DER `Ecdsa-Sig-Value` for ECDSA.
    pub signature: String,
    /// The certificate, DER in uppercase hex, to send to the site with the signature.
    pub certificate: String,
}

/// A certificate card PIN as a `sign` request carries it: wiped from memory when dropped,
/// `Debug` redacted. It serialises as a plain JSON string (a client sends it so).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PinText(Zeroizing<String>);

impl PinText {
    /// A PIN from `text` (moved, not copied).
    pub fn new(text: String) -> PinText {
        PinText(Zeroizing::new(text))
    }

    /// The PIN as the token takes it; the text moves into the [`twnhi_pkcs11::Pin`]
    /// (wiped when that is dropped).
    ///
    /// # Errors
    /// [`CertError::PinFormat`] when it is empty.
    pub fn into_pin(mut self) -> Result<twnhi_pkcs11::Pin, CertError> {
        twnhi_pkcs11::Pin::new(std::mem::take(&mut *self.0))
    }
}

impl std::fmt::Debug for PinText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinText(<redacted>)")
    }
}

impl Serialize for PinText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PinText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PinText, D::Error> {
        String::deserialize(d).map(PinText::new)
    }
}

/// The answer to `status` and `GET /v1/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResult {
    /// Always `twnhi-bridge`.
    pub service: String,
    /// The bridge's version.
    pub version: String,
    /// [`PROTOCOL_VERSION`].
    pub protocol: u32,
    /// The card backend: `pcsc` or `sim`.
    pub backend: String,
    /// Whether the PC/SC service (or the simulated reader) answers.
    pub card_service: bool,
    /// The error while it does not (7001 for a stopped PC/SC service).
    pub card_service_error: Option<ErrorBody>,
    /// Number of readers.
    pub readers: usize,
    /// Number of readers holding a card.
    pub cards: usize,
    /// Clients connected now (WebSocket connections and HTTP requests in flight).
    pub clients: usize,
    /// The most clients allowed at once.
    pub max_clients: usize,
    /// The certificate backend: `pkcs11` (the card's PKCS#11 module) or `sim`.
    pub cert_backend: String,
}

/// A request of the WebSocket JSON protocol (`/v1/ws`), without its `id`.
///
/// On the wire: `{"id": 1, "type": "read"}`, `{"id": "a", "type": "authenticate", "au": "…"}`.
/// Every request may name a `reader`; without one the bridge uses its configured reader, or
/// the first reader holding a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Request {
    /// The bridge's status ([`StatusResult`]).
    Status,
    /// The readers ([`ReadersResult`]).
    Readers,
    /// Read the card's basic data ([`CardResult`]).
    Read {
        /// Reader to use.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reader: Option<String>,
    },
    /// SPEC §3 step 2: card number and challenge ([`ChallengeResult`]).
    Challenge {
        /// Reader to use.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reader: Option<String>,
    },
    /// SPEC §3 step 4: send the SAM's `au` (32 bytes, 64 hex digits) to the card
    /// ([`AuthenticateResult`]).
    Authenticate {
        /// The server's `au`, hex.
        au: String,
        /// Reader to use.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reader: Option<String>,
    },
    /// The certificate cards and their certificates ([`CertificatesResult`]); no PIN.
    Certificates,
    /// Sign the site's challenge with a certificate's private key, after logging in with
    /// the PIN ([`SignResult`]).
    Sign {
        /// The certificate's serial number, hex (as `certificates` lists it).
        serial: String,
        /// The bytes to sign, hex: at most [`MAX_SIGN_DATA`] bytes.
        data: String,
        /// `pkcs1-sha256`, `pss-sha256` or `ecdsa-p256-sha256`; by default the first of the
        /// certificate's `schemes`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scheme: Option<String>,
        /// The certificate card's PIN, typed by the user in the page. Goes to the card only.
        pin: PinText,
    },
}

impl Request {
    /// The `type` string of the request.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Status => "status",
            Request::Readers => "readers",
            Request::Read { .. } => "read",
            Request::Challenge { .. } => "challenge",
            Request::Authenticate { .. } => "authenticate",
            Request::Certificates => "certificates",
            Request::Sign { .. } => "sign",
        }
    }
}

/// A request with its `id`, as a client sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Echoed in the reply: a number or a string (at most 128 characters).
    pub id: serde_json::Value,
    /// The request.
    #[serde(flatten)]
    pub request: Request,
}

/// A reply of the WebSocket JSON protocol: the request's `id` and `type`, and either
/// `result` or `error`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The request's `id` (`null` when the request had none that could be read).
    pub id: serde_json::Value,
    /// The request's `type` (`error` when it had none that could be read).
    #[serde(rename = "type")]
    pub kind: String,
    /// The result on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    /// The error on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// A change the bridge pushes to every `/v1/ws` client, as `{"type": "event", "event": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BridgeEvent {
    /// A reader was connected.
    ReaderAdded {
        /// The reader's name.
        reader: String,
    },
    /// A reader was disconnected (after `card-removed` if it held a card).
    ReaderRemoved {
        /// The reader's name.
        reader: String,
    },
    /// A card was inserted.
    CardInserted {
        /// The reader's name.
        reader: String,
        /// The card's ATR, uppercase hex (empty for a mute card).
        atr: String,
        /// `nhi`, `health-professional` or `unknown`.
        card_kind: String,
    },
    /// A card was removed.
    CardRemoved {
        /// The reader's name.
        reader: String,
    },
    /// The PC/SC service stopped answering (readers and cards are reported removed first).
    ServiceDown,
    /// The PC/SC service answers again (its readers and cards follow as added / inserted).
    ServiceUp,
}

/// The message a `/v1/ws` client receives for an event.
#[derive(Serialize)]
pub(crate) struct EventMessage<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub event: &'a BridgeEvent,
}

/// The first message on `/v1/ws`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// Always `hello`.
    #[serde(rename = "type")]
    pub kind: String,
    /// [`PROTOCOL_VERSION`].
    pub protocol: u32,
    /// The bridge's version.
    pub version: String,
    /// `pcsc` or `sim`.
    pub backend: String,
}

/// The request types of version 1, as their `type` strings.
pub const REQUEST_TYPES: [&str; 7] = [
    "status",
    "readers",
    "read",
    "challenge",
    "authenticate",
    "certificates",
    "sign",
];

/// Parses one `/v1/ws` text frame into `(id, request)` — the pure part of handling a frame
/// (no card, no I/O): the bridge calls it for every text frame of `/v1/ws`, and tests and the
/// fuzz target call it directly. Never panics.
///
/// On failure it returns the reply to send: error 9999 with the `id` when it could be read
/// (a number, or a string of at most 128 characters; otherwise `null`) and the `type` when it
/// is one of [`REQUEST_TYPES`] (otherwise `"error"`), so a reply never echoes arbitrary text
/// as its type.
///
/// ```
/// use twnhi_bridge::protocol::{Request, parse_request};
/// let (id, request) = parse_request(r#"{"id": 1, "type": "read"}"#).unwrap();
/// assert_eq!((id, request), (serde_json::json!(1), Request::Read { reader: None }));
/// let reply = parse_request(r#"{"id": 2, "type": "fly"}"#).unwrap_err();
/// assert_eq!((reply.kind.as_str(), reply.error.unwrap().code), ("error", 9999));
/// ```
///
/// # Errors
/// The error reply, as described.
pub fn parse_request(text: &str) -> Result<(serde_json::Value, Request), Box<Reply>> {
    use serde_json::Value;
    let fail = |id: Value, kind: &str, body: ErrorBody| {
        Box::new(Reply {
            id,
            kind: kind.to_owned(),
            result: None,
            error: Some(body),
        })
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|_| fail(Value::Null, "error", bad("bridge-request-not-json")))?;
    let Value::Object(mut map) = value else {
        return Err(fail(Value::Null, "error", bad("bridge-request-not-object")));
    };
    // The PIN first, into memory that is wiped, whatever happens to the request.
    let pin = match map.remove("pin") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(Ok(PinText::new(p))),
        Some(_) => Some(Err(())),
    };
    // The type to answer with: a known request type, or "error".
    let known: &'static str = map
        .get("type")
        .and_then(Value::as_str)
        .and_then(|t| REQUEST_TYPES.into_iter().find(|k| *k == t))
        .unwrap_or("error");
    let id = match map.get("id") {
        Some(v @ Value::Number(_)) => v.clone(),
        Some(Value::String(s)) if s.chars().count() <= 128 => Value::String(s.clone()),
        _ => {
            return Err(fail(Value::Null, known, bad("bridge-request-bad-id")));
        }
    };
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.clone(),
        _ => {
            return Err(fail(id, "error", bad("bridge-request-no-type")));
        }
    };
    let reader = match map.get("reader") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if !r.is_empty() && r.len() <= crate::service::MAX_READER_NAME => {
            Some(r.clone())
        }
        Some(_) => {
            return Err(fail(id, known, bad("bridge-request-bad-reader")));
        }
    };
    let request = match kind.as_str() {
        "status" => Request::Status,
        "readers" => Request::Readers,
        "read" => Request::Read { reader },
        "challenge" => Request::Challenge { reader },
        "authenticate" => match map.get("au") {
            Some(Value::String(au)) if au.len() <= 2 * twnhi_card::commands::AU_LEN + 64 => {
                Request::Authenticate {
                    au: au.clone(),
                    reader,
                }
            }
            _ => {
                return Err(fail(id, known, bad("bridge-request-no-au")));
            }
        },
        "certificates" => Request::Certificates,
        "sign" => {
            let field = |name: &str, max: usize| match map.get(name) {
                Some(Value::String(v)) if !v.is_empty() && v.len() <= max => Ok(v.clone()),
                _ => Err(()),
            };
            let Ok(serial) = field("serial", 128) else {
                return Err(fail(id, known, bad("bridge-request-bad-serial")));
            };
            let Ok(data) = field("data", 2 * MAX_SIGN_DATA + 256) else {
                return Err(fail(id, known, bad("bridge-request-bad-data")));
            };
            let scheme = match map.get("scheme") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.len() <= 32 => Some(s.clone()),
                Some(_) => return Err(fail(id, known, bad("bridge-request-bad-scheme"))),
            };
            let pin = match pin {
                Some(Ok(p)) if !p.0.is_empty() && p.0.chars().count() <= MAX_PIN_LEN => p,
                _ => return Err(fail(id, known, bad("bridge-request-bad-pin"))),
            };
            Request::Sign {
                serial,
                data,
                scheme,
                pin,
            }
        }
        _ => {
            let shown: String = kind.chars().take(32).collect();
            return Err(fail(
                id,
                "error",
                ErrorBody::from_catalog(
                    CODE_BAD_REQUEST,
                    "bridge-request-unknown-type",
                    &[("type", shown.into())],
                ),
            ));
        }
    };
    Ok((id, request))
}

/// A request the bridge does not understand (code 9999) with the catalog message `id`.
pub(crate) fn bad(id: &str) -> ErrorBody {
    ErrorBody::from_catalog(CODE_BAD_REQUEST, id, &[])
}

/// Decodes the 32-byte `au` of an `authenticate` request from hex (whitespace allowed,
/// either case). Pure, never panics.
///
/// # Errors
/// Error 9999 when it is not 64 hex digits.
pub fn parse_au(au: &str) -> Result<[u8; twnhi_card::commands::AU_LEN], ErrorBody> {
    let compact: String = au.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    hex::decode(compact)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("bridge-request-bad-au"))
}

/// What a `sign` request asks for, checked: the serial number (normalised), the bytes to
/// sign and the scheme when one is named. Pure, never panics.
///
/// # Errors
/// Error 9999 for a serial number that is not hex, data that is not hex or longer than
/// [`MAX_SIGN_DATA`] bytes, or an unknown scheme.
pub fn parse_sign(
    serial: &str,
    data: &str,
    scheme: Option<&str>,
) -> Result<(String, Vec<u8>, Option<Scheme>), ErrorBody> {
    let serial =
        twnhi_pkcs11::normalize_serial(serial).ok_or_else(|| bad("bridge-request-bad-serial"))?;
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let data = hex::decode(compact)
        .ok()
        .filter(|d| !d.is_empty() && d.len() <= MAX_SIGN_DATA)
        .ok_or_else(|| bad("bridge-request-bad-data"))?;
    let scheme = scheme
        .map(|s| s.parse::<Scheme>())
        .transpose()
        .map_err(|_| bad("bridge-request-bad-scheme"))?;
    Ok((serial, data, scheme))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_texts_are_the_catalog_s_and_unchanged() {
        let body = |zh: &str, en: &str| ErrorBody {
            code: CODE_BAD_REQUEST,
            message_zh: zh.into(),
            message_en: en.into(),
            tries_left: None,
        };
        assert_eq!(
            ErrorBody::busy(),
            ErrorBody {
                code: CODE_BUSY,
                ..body(
                    "連線數已達上限，請稍後再試",
                    "too many clients are connected; try again later"
                )
            }
        );
        assert_eq!(
            parse_au("zz").unwrap_err(),
            body(
                "au 必須是 32 位元組（64 個十六進位字元）",
                "au must be 32 bytes (64 hex digits)"
            )
        );
        let err = |text: &str| parse_request(text).unwrap_err().error.unwrap();
        assert_eq!(
            err("[1]"),
            body("要求必須是 JSON 物件", "the request must be a JSON object")
        );
        assert_eq!(
            err(r#"{"id":1,"type":"nope"}"#),
            body("未知的要求類型「nope」", "unknown request type `nope`")
        );
        assert_eq!(
            err(r#"{"id":1,"type":"authenticate"}"#),
            body("缺少 au（64 個十六進位字元）", "missing au (64 hex digits)")
        );
    }

    #[test]
    fn requests_parse() {
        let (id, r) = parse_request(r#"{"id":1,"type":"read"}"#).unwrap();
        assert_eq!(id, json!(1));
        assert_eq!(r, Request::Read { reader: None });
        let (id, r) =
            parse_request(r#"{"id":"x","type":"challenge","reader":"Virtual PCD 00 00"}"#).unwrap();
        assert_eq!(id, json!("x"));
        assert_eq!(
            r,
            Request::Challenge {
                reader: Some("Virtual PCD 00 00".into())
            }
        );
        let (_, r) = parse_request(r#"{"id":2,"type":"authenticate","au":"00"}"#).unwrap();
        assert_eq!(r.kind(), "authenticate");
    }

    #[test]
    fn bad_requests_get_replies_with_what_could_be_read() {
        let e = parse_request("nope").unwrap_err();
        assert_eq!(e.id, serde_json::Value::Null);
        assert_eq!(e.error.unwrap().code, 9999);
        let e = parse_request("[1]").unwrap_err();
        assert_eq!(e.kind, "error");
        let e = parse_request(r#"{"type":"read"}"#).unwrap_err();
        assert_eq!(e.kind, "read");
        let e = parse_request(r#"{"id":{"a":1},"type":"read"}"#).unwrap_err();
        assert_eq!(e.id, serde_json::Value::Null);
        let e = parse_request(r#"{"id":7,"type":"explode"}"#).unwrap_err();
        assert_eq!(e.id, json!(7));
        assert!(e.error.unwrap().message_en.contains("explode"));
        let e = parse_request(r#"{"id":7,"type":"authenticate"}"#).unwrap_err();
        assert_eq!(e.kind, "authenticate");
        let e = parse_request(r#"{"id":7,"type":"read","reader":5}"#).unwrap_err();
        assert_eq!(e.error.unwrap().code, 9999);
        assert_eq!(e.kind, "read");
        // Unknown types are never echoed as the reply's type.
        let e = parse_request(r#"{"id":7,"type":"<script>","reader":5}"#).unwrap_err();
        assert_eq!(e.kind, "error");
        let e = parse_request(r#"{"type":"<script>"}"#).unwrap_err();
        assert_eq!(e.kind, "error");
        let long = format!(r#"{{"id":7,"type":"{}","au":1}}"#, "x".repeat(5000));
        assert_eq!(parse_request(&long).unwrap_err().kind, "error");
    }

    #[test]
    fn sign_requests_parse_and_never_show_the_pin() {
        let text = r#"{"id":1,"type":"sign","serial":"0a:1b","data":"00 ff","pin":"135790"}"#;
        let (_, r) = parse_request(text).unwrap();
        let Request::Sign {
            serial,
            data,
            scheme,
            pin,
        } = &r
        else {
            panic!("{r:?}");
        };
        assert!(!format!("{r:?}").contains("135790"));
        assert_eq!(format!("{pin:?}"), "PinText(<redacted>)");
        let (serial, data, scheme) = parse_sign(serial, data, scheme.as_deref()).unwrap();
        assert_eq!(
            (serial.as_str(), data, scheme),
            ("0A1B", vec![0, 0xff], None)
        );
        assert_eq!(
            parse_sign("01", "00", Some("PSS-SHA256")).unwrap().2,
            Some(Scheme::PssSha256)
        );
        // A client serialises the PIN as sent, and it parses back.
        let back: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let e = parse_request(r#"{"id":1,"type":"sign","serial":"01","data":"00"}"#).unwrap_err();
        assert_eq!((e.kind.as_str(), e.error.unwrap().code), ("sign", 9999));
        let e = parse_request(r#"{"id":{},"type":"sign","pin":"135790"}"#).unwrap_err();
        assert!(!serde_json::to_string(&*e).unwrap().contains("135790"));
        let (_, r) = parse_request(r#"{"id":2,"type":"certificates"}"#).unwrap();
        assert_eq!(r, Request::Certificates);
    }

    #[test]
    fn cert_errors_carry_their_codes_and_the_tries_left() {
        let e = ErrorBody::cert(&CertError::WrongPin {
            tries_left: TriesLeft::FinalTry,
        });
        assert_eq!((e.code, e.tries_left.as_deref()), (7504, Some("final-try")));
        let e = ErrorBody::cert(&CertError::WrongPin {
            tries_left: TriesLeft::Unknown,
        });
        assert_eq!((e.code, e.tries_left), (7504, None));
        let e = ErrorBody::cert(&CertError::ModuleNotFound {
            path: "x.so".into(),
        });
        assert_eq!((e.code, e.http_status()), (7501, 503));
        assert!(e.message_en.contains("--pkcs11-module"), "{}", e.message_en);
        assert_eq!(ErrorBody::cert(&CertError::NoToken).http_status(), 404);
        assert_eq!(ErrorBody::cert(&CertError::PinLocked).http_status(), 502);
        // Serialised without the field when there is nothing to tell.
        let json = serde_json::to_value(ErrorBody::cert(&CertError::PinLocked)).unwrap();
        assert!(json.get("tries_left").is_none(), "{json}");
    }

    #[test]
    fn au_is_32_bytes_of_hex() {
        let hex64 = "00".repeat(32);
        assert_eq!(parse_au(&hex64).unwrap(), [0u8; 32]);
        assert!(parse_au("00").is_err());
        assert!(parse_au(&"zz".repeat(32)).is_err());
        assert!(parse_au(&"00 ".repeat(32)).is_ok());
    }

    #[test]
    fn messages_serialise_as_documented() {
        let e = BridgeEvent::CardInserted {
            reader: "R".into(),
            atr: "3B".into(),
            card_kind: "nhi".into(),
        };
        let m = serde_json::to_value(EventMessage {
            kind: "event",
            event: &e,
        })
        .unwrap();
        assert_eq!(
            m,
            json!({"type":"event","event":"card-inserted","reader":"R","atr":"3B","card_kind":"nhi"})
        );
        let m = serde_json::to_value(EventMessage {
            kind: "event",
            event: &BridgeEvent::ServiceDown,
        })
        .unwrap();
        assert_eq!(m, json!({"type":"event","event":"service-down"}));
        let env = Envelope {
            id: json!(3),
            request: Request::Authenticate {
                au: "AB".into(),
                reader: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&env).unwrap(),
            json!({"id":3,"type":"authenticate","au":"AB"})
        );
        let back: Envelope = serde_json::from_value(json!({"id":3,"type":"readers"})).unwrap();
        assert_eq!(back.request, Request::Readers);
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,300}") {
            let _ = parse_request(&s);
            let _ = parse_au(&s);
        }

        #[test]
        fn json_shaped_input_never_panics(id in proptest::option::of("[a-z0-9]{0,200}"),
                                          t in "[a-z\\-]{0,20}", au in "[0-9a-fA-F ]{0,80}") {
            let v = json!({"id": id, "type": t, "au": au, "reader": "R"});
            let _ = parse_request(&v.to_string());
        }
    }
}
