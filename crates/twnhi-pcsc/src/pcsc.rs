//! The raw PC/SC calls this backend is built on: contexts, card connections, transactions,
//! reader states and error codes, over the system's PC/SC library loaded at run time.
//!
//! Most programs want [`Pcsc`](crate::Pcsc) instead. This module is for the few that must
//! act as *another* program on the reader — tests holding a card exclusively, resetting it or
//! powering it down under the backend, benchmarks timing one raw `SCardTransmit`. It follows
//! the API of the [`pcsc`](https://docs.rs/pcsc) crate for what it has (which is what twnhi
//! uses), with these differences:
//!
//! - the library is loaded when the first [`Context`] is established; when it cannot be
//!   loaded, that fails with [`Error::LibraryUnavailable`] (the `pcsc` crate links the
//!   library, so a program using it does not start without it);
//! - dropping a [`Card`] disconnects with [`Disposition::LeaveCard`] (the `pcsc` crate
//!   resets the card), so that nothing in twnhi ever resets a card by accident;
//! - [`Card::status`] returns an owned [`CardStatus`]; [`PNP_NOTIFICATION`] is a constant;
//! - [`Status`] has pcsc-lite's bits on every platform (WinSCard's ordinal card states are
//!   converted).

use crate::ffi::{self, ATR_BUFFER_SIZE, Loader, RawCard, RawContext};
use std::ffi::{CStr, CString};
use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Deref};
use std::sync::Arc;
use std::time::Duration;

/// The longest ATR (ISO 7816-3): 33 bytes.
pub const MAX_ATR_SIZE: usize = 33;
/// A buffer that holds any short APDU response (256 data bytes and the status word, with
/// room to spare): 264 bytes.
pub const MAX_BUFFER_SIZE: usize = 264;
/// A buffer that holds any extended APDU response: 65 548 bytes.
pub const MAX_BUFFER_SIZE_EXTENDED: usize = 4 + 3 + (1 << 16) + 3 + 2;
/// The PnP pseudo-reader: watched with [`Context::get_status_change`], it reports readers
/// being connected and disconnected.
pub const PNP_NOTIFICATION: &CStr = c"\\\\?PnP?\\Notification";

macro_rules! flags {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$flag_meta:meta])* $flag:ident = $value:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u32);

        impl $name {
            $( $(#[$flag_meta])* pub const $flag: $name = $name($value); )*

            /// The raw bits.
            pub const fn bits(self) -> u32 {
                self.0
            }

            /// The flags set in `bits`, ignoring bits that are no flag of this type.
            pub const fn from_bits_truncate(bits: u32) -> $name {
                $name(bits & (0 $(| $value)*))
            }

            /// Whether every flag of `other` is set.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether any flag of `other` is set.
            pub const fn intersects(self, other: $name) -> bool {
                self.0 & other.0 != 0
            }

            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
        }

        impl BitOr for $name {
            type Output = $name;
            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }

        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, other: $name) {
                self.0 |= other.0;
            }
        }

        impl BitAnd for $name {
            type Output = $name;
            fn bitand(self, other: $name) -> $name {
                $name(self.0 & other.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let set: Vec<&str> = [$( (stringify!($flag), $value) ),*]
                    .into_iter()
                    .filter(|&(_, v)| v != 0 && self.0 & v == v)
                    .map(|(n, _)| n)
                    .collect();
                write!(f, "{}({})", stringify!($name), if set.is_empty() { "empty".to_owned() } else { set.join(" | ") })
            }
        }
    };
}

flags! {
    /// The protocols a connection may use (`SCARD_PROTOCOL_…`).
    Protocols {
        /// T=0.
        T0 = 0x0001;
        /// T=1.
        T1 = 0x0002;
        /// Raw (the value differs between pcsc-lite and WinSCard).
        RAW = ffi::PROTOCOL_RAW;
        /// T=0 or T=1.
        ANY = 0x0003;
    }
}

flags! {
    /// What a reader reports in [`ReaderState::event_state`] (`SCARD_STATE_…`).
    State {
        /// The state is not known to the caller: report the current one at once.
        UNAWARE = 0x0000;
        /// The reader is to be ignored.
        IGNORE = 0x0001;
        /// The state differs from the one passed.
        CHANGED = 0x0002;
        /// The reader is unknown.
        UNKNOWN = 0x0004;
        /// The reader's state is not available.
        UNAVAILABLE = 0x0008;
        /// No card in the reader.
        EMPTY = 0x0010;
        /// A card is in the reader.
        PRESENT = 0x0020;
        /// The card's ATR matches one asked for.
        ATRMATCH = 0x0040;
        /// The card is held exclusively by a program.
        EXCLUSIVE = 0x0080;
        /// The card is in use by a program (shared).
        INUSE = 0x0100;
        /// The card does not answer (no ATR).
        MUTE = 0x0200;
        /// The card is not powered.
        UNPOWERED = 0x0400;
    }
}

flags! {
    /// The state of a connected card, from [`Card::status`] (`SCARD_ABSENT`… as pcsc-lite's
    /// bits on every platform).
    Status {
        /// Unknown state.
        UNKNOWN = 0x0001;
        /// No card in the reader.
        ABSENT = 0x0002;
        /// A card is in the reader.
        PRESENT = 0x0004;
        /// The card is in position for use.
        SWALLOWED = 0x0008;
        /// The card is powered.
        POWERED = 0x0010;
        /// The card is ready for protocol negotiation.
        NEGOTIABLE = 0x0020;
        /// The card's protocol is set.
        SPECIFIC = 0x0040;
    }
}

/// The scope of a context (`SCARD_SCOPE_…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// The user's domain.
    User,
    /// The system's domain.
    System,
}

/// How a connection shares the card (`SCARD_SHARE_…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShareMode {
    /// No other program may connect to the card.
    Exclusive,
    /// Other programs may connect to the card too.
    Shared,
    /// Direct access to the reader, with or without a card.
    Direct,
}

/// What to do with the card when disconnecting or ending a transaction (`SCARD_…_CARD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Disposition {
    /// Leave the card as it is.
    LeaveCard,
    /// Reset the card (warm reset).
    ResetCard,
    /// Power the card down.
    UnpowerCard,
    /// Eject the card (readers that can).
    EjectCard,
}

impl Scope {
    fn raw(self) -> u32 {
        match self {
            Scope::User => 0,
            Scope::System => 2,
        }
    }
}

impl ShareMode {
    fn raw(self) -> u32 {
        match self {
            ShareMode::Exclusive => 1,
            ShareMode::Shared => 2,
            ShareMode::Direct => 3,
        }
    }
}

impl Disposition {
    fn raw(self) -> u32 {
        match self {
            Disposition::LeaveCard => 0,
            Disposition::ResetCard => 1,
            Disposition::UnpowerCard => 2,
            Disposition::EjectCard => 3,
        }
    }
}

macro_rules! errors {
    ( $( $name:ident = $code:literal, $symbol:literal, $text:literal; )* ) => {
        /// A PC/SC error: a return code of the PC/SC API (`SCARD_E_…`, `SCARD_F_…`,
        /// `SCARD_W_…`), or the library missing.
        ///
        /// `Display` shows the meaning and the symbol, e.g. `no smart card in the reader
        /// (SCARD_E_NO_SMARTCARD)`. [`map_pcsc_error`](crate::map_pcsc_error) turns it into
        /// the [`TransportError`](twnhi_transport::TransportError) kinds the layers above use.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $( #[doc = concat!("`", $symbol, "`: ", $text, ".")] $name, )*
            /// The system's PC/SC library could not be loaded (not installed: on Debian and
            /// Ubuntu, the `libpcsclite1` package). Like `SCARD_E_NO_SERVICE`, it means no
            /// card can be read on this machine until it is installed; the libraries tried
            /// and why each failed are logged (a `tracing` warning) when loading fails.
            LibraryUnavailable,
            /// A code this crate does not know.
            Unrecognized(u32),
        }

        impl Error {
            /// The error a PC/SC return code stands for.
            pub fn from_code(code: u32) -> Error {
                match code {
                    $( $code => Error::$name, )*
                    other => Error::Unrecognized(other),
                }
            }

            /// The PC/SC return code (`None` for [`Error::LibraryUnavailable`]).
            pub fn code(self) -> Option<u32> {
                match self {
                    $( Error::$name => Some($code), )*
                    Error::LibraryUnavailable => None,
                    Error::Unrecognized(code) => Some(code),
                }
            }

            fn describe(self) -> (&'static str, &'static str) {
                match self {
                    $( Error::$name => ($text, $symbol), )*
                    // Shown from the catalog (`Display`).
                    Error::LibraryUnavailable => ("", ""),
                    Error::Unrecognized(_) => ("unknown PC/SC error", ""),
                }
            }
        }
    };
}

errors! {
    InternalError = 0x8010_0001, "SCARD_F_INTERNAL_ERROR", "an internal consistency check failed";
    Cancelled = 0x8010_0002, "SCARD_E_CANCELLED", "the action was cancelled by an SCardCancel request";
    InvalidHandle = 0x8010_0003, "SCARD_E_INVALID_HANDLE", "the supplied handle was invalid";
    InvalidParameter = 0x8010_0004, "SCARD_E_INVALID_PARAMETER", "one or more of the supplied parameters could not be properly interpreted";
    InvalidTarget = 0x8010_0005, "SCARD_E_INVALID_TARGET", "registry startup information is missing or invalid";
    NoMemory = 0x8010_0006, "SCARD_E_NO_MEMORY", "not enough memory available to complete this command";
    WaitedTooLong = 0x8010_0007, "SCARD_F_WAITED_TOO_LONG", "an internal consistency timer has expired";
    InsufficientBuffer = 0x8010_0008, "SCARD_E_INSUFFICIENT_BUFFER", "the data buffer to receive returned data is too small";
    UnknownReader = 0x8010_0009, "SCARD_E_UNKNOWN_READER", "the specified reader name is not recognized";
    Timeout = 0x8010_000A, "SCARD_E_TIMEOUT", "the user-specified timeout value has expired";
    SharingViolation = 0x8010_000B, "SCARD_E_SHARING_VIOLATION", "the smart card cannot be accessed because of other connections outstanding";
    NoSmartcard = 0x8010_000C, "SCARD_E_NO_SMARTCARD", "the operation requires a smart card, but no smart card is currently in the device";
    UnknownCard = 0x8010_000D, "SCARD_E_UNKNOWN_CARD", "the specified smart card name is not recognized";
    CantDispose = 0x8010_000E, "SCARD_E_CANT_DISPOSE", "the system could not dispose of the media in the requested manner";
    ProtoMismatch = 0x8010_000F, "SCARD_E_PROTO_MISMATCH", "the requested protocols are incompatible with the protocol currently in use with the smart card";
    NotReady = 0x8010_0010, "SCARD_E_NOT_READY", "the reader or smart card is not ready to accept commands";
    InvalidValue = 0x8010_0011, "SCARD_E_INVALID_VALUE", "one or more of the supplied parameters values could not be properly interpreted";
    SystemCancelled = 0x8010_0012, "SCARD_E_SYSTEM_CANCELLED", "the action was cancelled by the system, presumably to log off or shut down";
    CommError = 0x8010_0013, "SCARD_F_COMM_ERROR", "an internal communications error has been detected";
    UnknownError = 0x8010_0014, "SCARD_F_UNKNOWN_ERROR", "an internal error has been detected, but the source is unknown";
    InvalidAtr = 0x8010_0015, "SCARD_E_INVALID_ATR", "an ATR obtained from the registry is not a valid ATR string";
    NotTransacted = 0x8010_0016, "SCARD_E_NOT_TRANSACTED", "an attempt was made to end a non-existent transaction";
    ReaderUnavailable = 0x8010_0017, "SCARD_E_READER_UNAVAILABLE", "the specified reader is not currently available for use";
    Shutdown = 0x8010_0018, "SCARD_P_SHUTDOWN", "the operation has been aborted to allow the server application to exit";
    PciTooSmall = 0x8010_0019, "SCARD_E_PCI_TOO_SMALL", "the PCI receive buffer was too small";
    ReaderUnsupported = 0x8010_001A, "SCARD_E_READER_UNSUPPORTED", "the reader driver does not meet minimal requirements for support";
    DuplicateReader = 0x8010_001B, "SCARD_E_DUPLICATE_READER", "the reader driver did not produce a unique reader name";
    CardUnsupported = 0x8010_001C, "SCARD_E_CARD_UNSUPPORTED", "the smart card does not meet minimal requirements for support";
    NoService = 0x8010_001D, "SCARD_E_NO_SERVICE", "the smart card resource manager is not running";
    ServiceStopped = 0x8010_001E, "SCARD_E_SERVICE_STOPPED", "the smart card resource manager has shut down";
    Unexpected = 0x8010_001F, "SCARD_E_UNEXPECTED", "an unexpected card error has occurred (pcsc-lite: SCARD_E_UNSUPPORTED_FEATURE)";
    IccInstallation = 0x8010_0020, "SCARD_E_ICC_INSTALLATION", "no primary provider can be found for the smart card";
    IccCreateorder = 0x8010_0021, "SCARD_E_ICC_CREATEORDER", "the requested order of object creation is not supported";
    UnsupportedFeature = 0x8010_0022, "SCARD_E_UNSUPPORTED_FEATURE", "this smart card does not support the requested feature";
    DirNotFound = 0x8010_0023, "SCARD_E_DIR_NOT_FOUND", "the identified directory does not exist in the smart card";
    FileNotFound = 0x8010_0024, "SCARD_E_FILE_NOT_FOUND", "the identified file does not exist in the smart card";
    NoDir = 0x8010_0025, "SCARD_E_NO_DIR", "the supplied path does not represent a smart card directory";
    NoFile = 0x8010_0026, "SCARD_E_NO_FILE", "the supplied path does not represent a smart card file";
    NoAccess = 0x8010_0027, "SCARD_E_NO_ACCESS", "access is denied to this file";
    WriteTooMany = 0x8010_0028, "SCARD_E_WRITE_TOO_MANY", "the smart card does not have enough memory to store the information";
    BadSeek = 0x8010_0029, "SCARD_E_BAD_SEEK", "there was an error trying to set the smart card file object pointer";
    InvalidChv = 0x8010_002A, "SCARD_E_INVALID_CHV", "the supplied PIN is incorrect";
    UnknownResMng = 0x8010_002B, "SCARD_E_UNKNOWN_RES_MNG", "an unrecognized error code was returned from a layered component";
    NoSuchCertificate = 0x8010_002C, "SCARD_E_NO_SUCH_CERTIFICATE", "the requested certificate does not exist";
    CertificateUnavailable = 0x8010_002D, "SCARD_E_CERTIFICATE_UNAVAILABLE", "the requested certificate could not be obtained";
    NoReadersAvailable = 0x8010_002E, "SCARD_E_NO_READERS_AVAILABLE", "cannot find a smart card reader";
    CommDataLost = 0x8010_002F, "SCARD_E_COMM_DATA_LOST", "a communications error with the smart card has been detected";
    NoKeyContainer = 0x8010_0030, "SCARD_E_NO_KEY_CONTAINER", "the requested key container does not exist on the smart card";
    ServerTooBusy = 0x8010_0031, "SCARD_E_SERVER_TOO_BUSY", "the smart card resource manager is too busy to complete this operation";
    UnsupportedCard = 0x8010_0065, "SCARD_W_UNSUPPORTED_CARD", "the reader cannot communicate with the card, due to ATR configuration conflicts";
    UnresponsiveCard = 0x8010_0066, "SCARD_W_UNRESPONSIVE_CARD", "the smart card is not responding to a reset";
    UnpoweredCard = 0x8010_0067, "SCARD_W_UNPOWERED_CARD", "power has been removed from the smart card, so that further communication is not possible";
    ResetCard = 0x8010_0068, "SCARD_W_RESET_CARD", "the smart card has been reset, so any shared state information is invalid";
    RemovedCard = 0x8010_0069, "SCARD_W_REMOVED_CARD", "the smart card has been removed, so further communication is not possible";
    SecurityViolation = 0x8010_006A, "SCARD_W_SECURITY_VIOLATION", "access was denied because of a security violation";
    WrongChv = 0x8010_006B, "SCARD_W_WRONG_CHV", "the card cannot be accessed because the wrong PIN was presented";
    ChvBlocked = 0x8010_006C, "SCARD_W_CHV_BLOCKED", "the card cannot be accessed because the maximum number of PIN entry attempts has been reached";
    Eof = 0x8010_006D, "SCARD_W_EOF", "the end of the smart card file has been reached";
    CancelledByUser = 0x8010_006E, "SCARD_W_CANCELLED_BY_USER", "the user pressed \"Cancel\" on a smart card selection dialog";
    CardNotAuthenticated = 0x8010_006F, "SCARD_W_CARD_NOT_AUTHENTICATED", "no PIN was presented to the smart card";
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.describe(), self) {
            (_, Error::Unrecognized(code)) => write!(f, "unknown PC/SC error 0x{code:08X}"),
            (_, Error::LibraryUnavailable) => {
                f.write_str(&twnhi_texts::bilingual("pcsc-library-unavailable"))
            }
            ((text, ""), _) => f.write_str(text),
            ((text, symbol), _) => write!(f, "{text} ({symbol})"),
        }
    }
}

impl std::error::Error for Error {}

/// A timeout in milliseconds for `SCardGetStatusChange` (`INFINITE` is `u32::MAX`, so longer
/// waits are capped just below it).
fn timeout_ms(timeout: Duration) -> u32 {
    u32::try_from(timeout.as_millis())
        .unwrap_or(u32::MAX)
        .min(u32::MAX - 1)
}

/// The context and the library it came from; released when the last clone goes.
#[derive(Debug)]
struct ContextInner {
    api: &'static ffi::Api,
    raw: RawContext,
}

impl Drop for ContextInner {
    fn drop(&mut self) {
        if let Err(e) = self.api.release_context(self.raw) {
            tracing::trace!(error = %e, "SCardReleaseContext failed");
        }
    }
}

/// A PC/SC context (`SCARDCONTEXT`): a connection to the PC/SC service.
///
/// Cloning is cheap (a reference count); the context is released when the last clone, and
/// the last [`Card`] connected through it, are dropped.
#[derive(Clone, Debug)]
pub struct Context {
    inner: Arc<ContextInner>,
}

impl Context {
    /// Connects to the PC/SC service (`SCardEstablishContext`), loading the system's PC/SC
    /// library at the first call.
    ///
    /// # Errors
    /// [`Error::LibraryUnavailable`] when the library cannot be loaded,
    /// [`Error::NoService`] when the service is not running.
    pub fn establish(scope: Scope) -> Result<Context, Error> {
        Context::establish_with(&ffi::SYSTEM, scope)
    }

    /// [`establish`](Self::establish) with the library of `loader`.
    pub(crate) fn establish_with(loader: &'static Loader, scope: Scope) -> Result<Context, Error> {
        let api = loader.api()?;
        let raw = api.establish_context(scope.raw())?;
        Ok(Context {
            inner: Arc::new(ContextInner { api, raw }),
        })
    }

    fn api(&self) -> &'static ffi::Api {
        self.inner.api
    }

    /// The connected readers (`SCardListReaders`), in the service's order. No reader is an
    /// empty list.
    ///
    /// # Errors
    /// The service's error.
    pub fn list_readers_owned(&self) -> Result<Vec<CString>, Error> {
        self.api().list_readers(self.inner.raw)
    }

    /// Connects to the card in `reader` (`SCardConnect`).
    ///
    /// # Errors
    /// [`Error::NoSmartcard`], [`Error::UnknownReader`], [`Error::SharingViolation`] and the
    /// service's other errors.
    pub fn connect(
        &self,
        reader: &CStr,
        share_mode: ShareMode,
        protocols: Protocols,
    ) -> Result<Card, Error> {
        let (raw, protocol) =
            self.api()
                .connect(self.inner.raw, reader, share_mode.raw(), protocols.bits())?;
        Ok(Card {
            context: self.clone(),
            raw,
            protocol,
            connected: true,
        })
    }

    /// Waits up to `timeout` until a state of one of `readers` differs from its
    /// [`current_state`](ReaderState::current_state) (`SCardGetStatusChange`), and updates
    /// their [`event_state`](ReaderState::event_state)s and ATRs.
    ///
    /// # Errors
    /// [`Error::Timeout`] when nothing changed in time (the event states are updated all the
    /// same), [`Error::Cancelled`] after [`cancel`](Self::cancel), [`Error::UnknownReader`]
    /// and the service's other errors.
    pub fn get_status_change(
        &self,
        timeout: Duration,
        readers: &mut [ReaderState],
    ) -> Result<(), Error> {
        self.api()
            .get_status_change(self.inner.raw, timeout_ms(timeout), readers)
    }

    /// Cancels a [`get_status_change`](Self::get_status_change) blocked on this context in
    /// another thread (`SCardCancel`).
    ///
    /// # Errors
    /// The service's error.
    pub fn cancel(&self) -> Result<(), Error> {
        self.api().cancel(self.inner.raw)
    }
}

/// A reader and its state, for [`Context::get_status_change`] (`SCARD_READERSTATE`).
#[derive(Clone, Debug)]
pub struct ReaderState {
    pub(crate) name: CString,
    /// `dwCurrentState`, event counter included.
    pub(crate) current: u32,
    /// `dwEventState`, event counter included.
    pub(crate) event: u32,
    pub(crate) atr: [u8; ATR_BUFFER_SIZE],
    pub(crate) atr_len: usize,
}

impl ReaderState {
    /// The reader `name`, presumed to be in `current_state`.
    pub fn new(name: impl Into<CString>, current_state: State) -> ReaderState {
        ReaderState {
            name: name.into(),
            current: current_state.bits(),
            event: State::UNAWARE.bits(),
            atr: [0; ATR_BUFFER_SIZE],
            atr_len: 0,
        }
    }

    /// The reader's name.
    pub fn name(&self) -> &CStr {
        &self.name
    }

    /// The state presumed when calling [`Context::get_status_change`].
    pub fn current_state(&self) -> State {
        State::from_bits_truncate(self.current)
    }

    /// The state the last [`Context::get_status_change`] reported.
    pub fn event_state(&self) -> State {
        State::from_bits_truncate(self.event)
    }

    /// The reader's card event counter (insertions and removals), as last reported: it tells
    /// a card pulled out and put back between two calls.
    pub fn event_count(&self) -> u32 {
        self.event >> 16
    }

    /// The ATR of the card in the reader, as last reported (empty without a card).
    pub fn atr(&self) -> &[u8] {
        self.atr.get(..self.atr_len).unwrap_or_default()
    }

    /// Takes the reported state (event counter included) as the current one, so that the
    /// next [`Context::get_status_change`] waits for the next change.
    pub fn sync_current_state(&mut self) {
        self.current = self.event;
    }
}

/// The state of a connected card, from [`Card::status`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardStatus {
    status: Status,
    protocol: u32,
    atr: Vec<u8>,
}

impl CardStatus {
    /// The card's state.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The active protocol's `SCARD_PROTOCOL_…` bits (empty before one is set).
    pub fn protocol(&self) -> Protocols {
        Protocols::from_bits_truncate(self.protocol)
    }

    /// The card's ATR.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }
}

/// A connection to a card (`SCARDHANDLE`).
///
/// Dropping it disconnects, leaving the card as it is ([`Disposition::LeaveCard`]).
#[derive(Debug)]
pub struct Card {
    /// Keeps the context alive while the card is connected.
    context: Context,
    raw: RawCard,
    /// The active protocol (`SCARD_PROTOCOL_…`).
    protocol: u32,
    /// Cleared by a successful [`disconnect`](Self::disconnect).
    connected: bool,
}

impl Card {
    fn api(&self) -> &'static ffi::Api {
        self.context.api()
    }

    /// The protocol the connection uses.
    pub fn active_protocol(&self) -> Protocols {
        Protocols::from_bits_truncate(self.protocol)
    }

    /// Sends `command` and writes the card's response (status word included) into
    /// `response`, returning the part written (`SCardTransmit`).
    ///
    /// # Errors
    /// [`Error::InsufficientBuffer`] when `response` is too small (the command reached the
    /// card), [`Error::RemovedCard`], [`Error::ResetCard`] and the service's other errors.
    pub fn transmit<'buf>(
        &self,
        command: &[u8],
        response: &'buf mut [u8],
    ) -> Result<&'buf [u8], Error> {
        let len = self
            .api()
            .transmit(self.raw, self.protocol, command, response)?;
        Ok(response.get(..len).unwrap_or_default())
    }

    /// The card's state, protocol and ATR (`SCardStatus`).
    ///
    /// # Errors
    /// [`Error::RemovedCard`], [`Error::ResetCard`] and the service's other errors.
    pub fn status(&self) -> Result<CardStatus, Error> {
        let mut atr = [0u8; ATR_BUFFER_SIZE];
        let (state, protocol, len) = self.api().status(self.raw, &mut atr)?;
        Ok(CardStatus {
            status: Status::from_bits_truncate(state),
            protocol,
            atr: atr.get(..len).unwrap_or_default().to_vec(),
        })
    }

    /// Begins a transaction (`SCardBeginTransaction`): until it ends, no other program can
    /// use the card.
    ///
    /// # Errors
    /// [`Error::ResetCard`] when another program reset the card since the last call,
    /// [`Error::SharingViolation`], [`Error::RemovedCard`] and the service's other errors.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        self.transaction2().map_err(|(_, e)| e)
    }

    /// [`transaction`](Self::transaction), handing the card back with the error (so that a
    /// loop can retry, or replace the connection, without fighting the borrow checker).
    ///
    /// # Errors
    /// As [`transaction`](Self::transaction).
    pub fn transaction2(&mut self) -> Result<Transaction<'_>, (&mut Card, Error)> {
        match self.api().begin_transaction(self.raw) {
            Ok(()) => Ok(Transaction { card: self }),
            Err(e) => Err((self, e)),
        }
    }

    /// Reconnects the card (`SCardReconnect`), doing `initialization` to it first.
    ///
    /// # Errors
    /// The service's error.
    pub fn reconnect(
        &mut self,
        share_mode: ShareMode,
        protocols: Protocols,
        initialization: Disposition,
    ) -> Result<(), Error> {
        self.protocol = self.api().reconnect(
            self.raw,
            share_mode.raw(),
            protocols.bits(),
            initialization.raw(),
        )?;
        Ok(())
    }

    /// Disconnects (`SCardDisconnect`), doing `disposition` to the card.
    ///
    /// # Errors
    /// The service's error, with the card (dropping it tries again, leaving the card as it
    /// is).
    pub fn disconnect(self, disposition: Disposition) -> Result<(), (Card, Error)> {
        let mut card = self;
        match card.api().disconnect(card.raw, disposition.raw()) {
            Ok(()) => {
                // The handle is gone (and may be handed out again): not a second time on drop.
                card.connected = false;
                Ok(())
            }
            Err(e) => Err((card, e)),
        }
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        if !self.connected {
            return;
        }
        if let Err(e) = self
            .api()
            .disconnect(self.raw, Disposition::LeaveCard.raw())
        {
            tracing::trace!(error = %e, "SCardDisconnect on drop failed");
        }
    }
}

/// A transaction on a [`Card`]; ended, leaving the card as it is, when dropped or
/// [`end`](Self::end)ed. Dereferences to the card.
#[derive(Debug)]
pub struct Transaction<'a> {
    card: &'a mut Card,
}

impl Deref for Transaction<'_> {
    type Target = Card;

    fn deref(&self) -> &Card {
        self.card
    }
}

impl Transaction<'_> {
    /// Ends the transaction (`SCardEndTransaction`), doing `disposition` to the card.
    ///
    /// # Errors
    /// The service's error, with the transaction (dropping it tries again, leaving the card
    /// as it is).
    pub fn end(self, disposition: Disposition) -> Result<(), (Self, Error)> {
        match self
            .card
            .api()
            .end_transaction(self.card.raw, disposition.raw())
        {
            Ok(()) => {
                std::mem::forget(self);
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if let Err(e) = self
            .card
            .api()
            .end_transaction(self.card.raw, Disposition::LeaveCard.raw())
        {
            tracing::trace!(error = %e, "SCardEndTransaction on drop failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_round_trip() {
        for code in (0x8010_0001..=0x8010_0031).chain(0x8010_0065..=0x8010_006F) {
            let e = Error::from_code(code);
            assert!(!matches!(e, Error::Unrecognized(_)), "{code:08X}");
            assert_eq!(e.code(), Some(code));
        }
        assert_eq!(Error::from_code(0x8010_001D), Error::NoService);
        assert_eq!(Error::from_code(0x1234), Error::Unrecognized(0x1234));
        assert_eq!(Error::LibraryUnavailable.code(), None);
    }

    #[test]
    fn errors_show_their_meaning_and_symbol() {
        assert_eq!(
            Error::NoSmartcard.to_string(),
            "the operation requires a smart card, but no smart card is currently in the device \
             (SCARD_E_NO_SMARTCARD)"
        );
        assert_eq!(
            Error::Unrecognized(0x8010_0FFF).to_string(),
            "unknown PC/SC error 0x80100FFF"
        );
        let missing = Error::LibraryUnavailable.to_string();
        assert!(missing.contains("無法載入") && missing.contains("libpcsclite1"));
    }

    #[test]
    fn flags() {
        let s = State::from_bits_truncate(0x0003_0122);
        assert!(s.contains(State::PRESENT | State::INUSE | State::CHANGED));
        assert!(!s.intersects(State::EMPTY | State::MUTE));
        assert_eq!(s.bits(), 0x0122, "the event counter is no flag");
        assert!(s.contains(State::UNAWARE));
        assert_eq!(
            format!("{:?}", State::PRESENT | State::INUSE),
            "State(PRESENT | INUSE)"
        );
        assert_eq!(format!("{:?}", State::UNAWARE), "State(empty)");
        assert_eq!(Protocols::T0 | Protocols::T1, Protocols::ANY);
    }

    #[test]
    fn reader_states_keep_the_event_counter() {
        let mut r = ReaderState::new(c"Virtual PCD 00 00", State::UNAWARE);
        assert_eq!(r.name(), c"Virtual PCD 00 00");
        assert!(r.atr().is_empty());
        // As SCardGetStatusChange leaves it: counter 3, card present, changed.
        r.event = 0x0003_0022;
        r.atr[..2].copy_from_slice(&[0x3B, 0x00]);
        r.atr_len = 2;
        assert_eq!(r.event_count(), 3);
        assert_eq!(r.event_state(), State::PRESENT | State::CHANGED);
        assert_eq!(r.atr(), [0x3B, 0x00]);
        r.sync_current_state();
        // The counter goes back to the library with the state.
        assert_eq!(r.current, 0x0003_0022);
        // A length beyond the buffer never panics.
        r.atr_len = usize::MAX;
        assert!(r.atr().is_empty());
    }

    #[test]
    fn timeouts_stay_below_infinite() {
        assert_eq!(timeout_ms(Duration::from_millis(1500)), 1500);
        assert_eq!(timeout_ms(Duration::ZERO), 0);
        assert_eq!(timeout_ms(Duration::MAX), u32::MAX - 1);
    }
}
