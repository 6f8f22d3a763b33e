//! The system's PC/SC library, loaded at run time.
//!
//! This is the only module of the crate allowed to use `unsafe`, for one purpose: calling the
//! system's PC/SC library, loaded at run time so that building needs no PC/SC headers or
//! pkg-config. Nothing here is linked against the library: the binary has no `NEEDED` entry
//! for it, builds on a machine that only has Rust, and runs there too (reading cards then
//! fails with "PC/SC service not running", legacy code 7001).
//!
//! | platform | library | `DWORD` / `LONG` | `SCARDCONTEXT`, `SCARDHANDLE` |
//! |---|---|---|---|
//! | Linux, BSD (pcsc-lite) | `libpcsclite.so.1`, else `libpcsclite.so` | `unsigned long` / `long` | `LONG` |
//! | macOS (PCSC.framework) | `/System/Library/Frameworks/PCSC.framework/PCSC` | `uint32_t` / `int32_t` | `int32_t`; `SCARD_READERSTATE` and `SCARD_IO_REQUEST` are `#pragma pack(1)` |
//! | Windows (WinSCard) | `winscard.dll`, from System32 only; the `A` variants | `u32` / `i32` | `ULONG_PTR` |
//!
//! Every function is resolved once, when the library is first needed (a [`OnceLock`] in a
//! [`Loader`]); a library lacking one of them counts as not loadable. The
//! [`Library`] is kept next to the function pointers in that static for the rest of the
//! process, so the pointers never outlive it.
//!
//! Every function of [`Api`] is safe to call with any argument:
//!
//! - contexts and card handles are plain integers that the library looks up (an unknown or
//!   released handle is `SCARD_E_INVALID_HANDLE`, not undefined behaviour);
//! - buffers are Rust slices whose lengths are the lengths passed, and the lengths the library
//!   reports back are clamped to the buffers before slicing;
//! - reader names are `CStr`s borrowed for the duration of the call;
//! - the `SCARD_IO_REQUEST` headers are our own values (`{protocol, sizeof}`), not the
//!   library's exported `g_rgSCard*Pci` data symbols.

#![warn(clippy::undocumented_unsafe_blocks)]

use crate::pcsc::{Error, ReaderState};
use libloading::Library;
use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr;
use std::sync::OnceLock;
use twnhi_texts::{self as texts, Lang};

/// The platform's types and library names, as its PC/SC headers declare them (with their
/// spelling).
#[allow(
    non_snake_case,
    non_camel_case_types,
    missing_docs,
    clippy::upper_case_acronyms
)]
mod sys {
    #[cfg(not(any(windows, target_os = "macos")))]
    mod platform {
        /// pcsc-lite: `unsigned long`.
        pub type DWORD = std::ffi::c_ulong;
        /// pcsc-lite: `long`.
        pub type LONG = std::ffi::c_long;
        /// pcsc-lite: `LONG`.
        pub type SCARDCONTEXT = LONG;
        /// pcsc-lite: `LONG`.
        pub type SCARDHANDLE = LONG;
        /// `rgbAtr` of `SCARD_READERSTATE`.
        pub const ATR_BUFFER_SIZE: usize = 33;
        /// `SCARD_PROTOCOL_RAW`.
        pub const PROTOCOL_RAW: u32 = 0x0004;
        /// The sonames tried, in order (`libpcsclite.so` comes with the -dev package only).
        pub const LIBRARIES: &[&str] = &["libpcsclite.so.1", "libpcsclite.so"];
    }

    #[cfg(target_os = "macos")]
    mod platform {
        /// PCSC.framework: `uint32_t`.
        pub type DWORD = u32;
        /// PCSC.framework: `int32_t`.
        pub type LONG = i32;
        /// PCSC.framework: `int32_t`.
        pub type SCARDCONTEXT = i32;
        /// PCSC.framework: `int32_t`.
        pub type SCARDHANDLE = i32;
        /// `rgbAtr` of `SCARD_READERSTATE`.
        pub const ATR_BUFFER_SIZE: usize = 33;
        /// `SCARD_PROTOCOL_RAW`.
        pub const PROTOCOL_RAW: u32 = 0x0004;
        /// The framework's binary.
        pub const LIBRARIES: &[&str] = &["/System/Library/Frameworks/PCSC.framework/PCSC"];
    }

    #[cfg(windows)]
    mod platform {
        /// WinSCard: `DWORD` (32 bits).
        pub type DWORD = u32;
        /// WinSCard: `LONG` (32 bits).
        pub type LONG = i32;
        /// WinSCard: `ULONG_PTR`.
        pub type SCARDCONTEXT = usize;
        /// WinSCard: `ULONG_PTR`.
        pub type SCARDHANDLE = usize;
        /// `rgbAtr` of `SCARD_READERSTATEA`.
        pub const ATR_BUFFER_SIZE: usize = 36;
        /// `SCARD_PROTOCOL_RAW`.
        pub const PROTOCOL_RAW: u32 = 0x0001_0000;
        /// Loaded from System32 only.
        pub const LIBRARIES: &[&str] = &["winscard.dll"];
    }

    pub use platform::*;
    use std::ffi::{c_char, c_void};

    /// The functions that take or return strings: Windows exports them as `…A` (ANSI) and
    /// `…W` (UTF-16); the ANSI ones are used.
    pub mod names {
        use std::ffi::CStr;
        #[cfg(windows)]
        pub const LIST_READERS: &CStr = c"SCardListReadersA";
        #[cfg(windows)]
        pub const CONNECT: &CStr = c"SCardConnectA";
        #[cfg(windows)]
        pub const STATUS: &CStr = c"SCardStatusA";
        #[cfg(windows)]
        pub const GET_STATUS_CHANGE: &CStr = c"SCardGetStatusChangeA";
        #[cfg(not(windows))]
        pub const LIST_READERS: &CStr = c"SCardListReaders";
        #[cfg(not(windows))]
        pub const CONNECT: &CStr = c"SCardConnect";
        #[cfg(not(windows))]
        pub const STATUS: &CStr = c"SCardStatus";
        #[cfg(not(windows))]
        pub const GET_STATUS_CHANGE: &CStr = c"SCardGetStatusChange";
    }

    /// `SCARD_IO_REQUEST`.
    #[repr(C)]
    #[cfg_attr(target_os = "macos", repr(packed))]
    #[derive(Clone, Copy)]
    pub struct SCARD_IO_REQUEST {
        pub dwProtocol: DWORD,
        pub cbPciLength: DWORD,
    }

    /// `SCARD_READERSTATE` (`SCARD_READERSTATEA` on Windows).
    #[repr(C)]
    #[cfg_attr(target_os = "macos", repr(packed))]
    #[derive(Clone, Copy)]
    pub struct SCARD_READERSTATE {
        pub szReader: *const c_char,
        pub pvUserData: *mut c_void,
        pub dwCurrentState: DWORD,
        pub dwEventState: DWORD,
        pub cbAtr: DWORD,
        pub rgbAtr: [u8; ATR_BUFFER_SIZE],
    }

    // The layouts the headers give on 64-bit targets.
    #[cfg(all(target_pointer_width = "64", not(any(windows, target_os = "macos"))))]
    const _: () = {
        assert!(size_of::<SCARD_IO_REQUEST>() == 16);
        assert!(size_of::<SCARD_READERSTATE>() == 80);
    };
    #[cfg(all(target_pointer_width = "64", target_os = "macos"))]
    const _: () = {
        assert!(size_of::<SCARD_IO_REQUEST>() == 8);
        assert!(size_of::<SCARD_READERSTATE>() == 61);
    };
    #[cfg(all(target_pointer_width = "64", windows))]
    const _: () = {
        assert!(size_of::<SCARD_IO_REQUEST>() == 8);
        assert!(size_of::<SCARD_READERSTATE>() == 64);
    };

    pub type EstablishContext = unsafe extern "system" fn(
        dwScope: DWORD,
        pvReserved1: *const c_void,
        pvReserved2: *const c_void,
        phContext: *mut SCARDCONTEXT,
    ) -> LONG;
    pub type ReleaseContext = unsafe extern "system" fn(hContext: SCARDCONTEXT) -> LONG;
    pub type Cancel = unsafe extern "system" fn(hContext: SCARDCONTEXT) -> LONG;
    pub type ListReaders = unsafe extern "system" fn(
        hContext: SCARDCONTEXT,
        mszGroups: *const c_char,
        mszReaders: *mut c_char,
        pcchReaders: *mut DWORD,
    ) -> LONG;
    pub type Connect = unsafe extern "system" fn(
        hContext: SCARDCONTEXT,
        szReader: *const c_char,
        dwShareMode: DWORD,
        dwPreferredProtocols: DWORD,
        phCard: *mut SCARDHANDLE,
        pdwActiveProtocol: *mut DWORD,
    ) -> LONG;
    pub type Reconnect = unsafe extern "system" fn(
        hCard: SCARDHANDLE,
        dwShareMode: DWORD,
        dwPreferredProtocols: DWORD,
        dwInitialization: DWORD,
        pdwActiveProtocol: *mut DWORD,
    ) -> LONG;
    pub type Disconnect =
        unsafe extern "system" fn(hCard: SCARDHANDLE, dwDisposition: DWORD) -> LONG;
    pub type BeginTransaction = unsafe extern "system" fn(hCard: SCARDHANDLE) -> LONG;
    pub type EndTransaction =
        unsafe extern "system" fn(hCard: SCARDHANDLE, dwDisposition: DWORD) -> LONG;
    pub type Status = unsafe extern "system" fn(
        hCard: SCARDHANDLE,
        szReaderName: *mut c_char,
        pcchReaderLen: *mut DWORD,
        pdwState: *mut DWORD,
        pdwProtocol: *mut DWORD,
        pbAtr: *mut u8,
        pcbAtrLen: *mut DWORD,
    ) -> LONG;
    pub type Transmit = unsafe extern "system" fn(
        hCard: SCARDHANDLE,
        pioSendPci: *const SCARD_IO_REQUEST,
        pbSendBuffer: *const u8,
        cbSendLength: DWORD,
        pioRecvPci: *mut SCARD_IO_REQUEST,
        pbRecvBuffer: *mut u8,
        pcbRecvLength: *mut DWORD,
    ) -> LONG;
    pub type GetStatusChange = unsafe extern "system" fn(
        hContext: SCARDCONTEXT,
        dwTimeout: DWORD,
        rgReaderStates: *mut SCARD_READERSTATE,
        cReaders: DWORD,
    ) -> LONG;
}

pub(crate) use sys::{ATR_BUFFER_SIZE, PROTOCOL_RAW};
use sys::{DWORD, LONG};

/// Why the PC/SC library could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub(crate) struct LoadError {
    /// One line per library tried: its name and why it failed.
    tried: Vec<String>,
}

impl LoadError {
    /// zh-TW / English, from the catalog (`pcsc-load-error`).
    fn message(&self) -> String {
        let args = [("tried", self.tried.join("; ").into())];
        format!(
            "{} / {}",
            texts::format(Lang::ZhTw, "pcsc-load-error", &args),
            texts::format(Lang::En, "pcsc-load-error", &args)
        )
    }
}

/// A PC/SC context (`SCARDCONTEXT`), as the library handed it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawContext(sys::SCARDCONTEXT);

/// A card handle (`SCARDHANDLE`), as the library handed it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawCard(sys::SCARDHANDLE);

/// The PC/SC functions of a loaded library.
pub(crate) struct Api {
    establish_context: sys::EstablishContext,
    release_context: sys::ReleaseContext,
    cancel: sys::Cancel,
    list_readers: sys::ListReaders,
    connect: sys::Connect,
    reconnect: sys::Reconnect,
    disconnect: sys::Disconnect,
    begin_transaction: sys::BeginTransaction,
    end_transaction: sys::EndTransaction,
    status: sys::Status,
    transmit: sys::Transmit,
    get_status_change: sys::GetStatusChange,
    /// Keeps the functions above loaded; dropped (if ever) together with them.
    _library: Library,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").finish_non_exhaustive()
    }
}

/// Loads a PC/SC library once and hands out its functions for the rest of the process.
#[derive(Debug)]
pub(crate) struct Loader {
    /// The libraries tried, in order.
    names: &'static [&'static str],
    api: OnceLock<Result<Api, LoadError>>,
}

/// The platform's PC/SC library.
pub(crate) static SYSTEM: Loader = Loader::new(sys::LIBRARIES);

impl Loader {
    /// A loader trying `names` in order (tests use one that names no existing library).
    pub(crate) const fn new(names: &'static [&'static str]) -> Loader {
        Loader {
            names,
            api: OnceLock::new(),
        }
    }

    /// The library's functions, loading it at the first call. A library that cannot be
    /// loaded is reported once through `tracing` (a warning naming the libraries tried and
    /// why each failed) and is then [`Error::LibraryUnavailable`] for every call.
    pub(crate) fn api(&'static self) -> Result<&'static Api, Error> {
        let loaded = self.api.get_or_init(|| {
            let loaded = Api::load(self.names);
            match &loaded {
                Ok(_) => tracing::debug!(libraries = ?self.names, "PC/SC library loaded"),
                Err(e) => tracing::warn!("{e}"),
            }
            loaded
        });
        loaded.as_ref().map_err(|_| Error::LibraryUnavailable)
    }
}

/// Opens one library.
#[cfg(windows)]
fn open(name: &str) -> Result<Library, libloading::Error> {
    use libloading::os::windows::{LOAD_LIBRARY_SEARCH_SYSTEM32, Library as WinLibrary};
    // SAFETY: loading winscard.dll runs its initialisation, as for every program that uses the
    // smart-card API; it is taken from System32 only, never from the program's directory or
    // the current one.
    unsafe { WinLibrary::load_with_flags(name, LOAD_LIBRARY_SEARCH_SYSTEM32) }.map(Library::from)
}

/// Opens one library.
#[cfg(not(windows))]
fn open(name: &str) -> Result<Library, libloading::Error> {
    // SAFETY: loading the PC/SC client library runs its initialisers, as for every program
    // linked against it; it is found the usual way (the dynamic loader's search path, or the
    // framework's absolute path on macOS).
    unsafe { Library::new(name) }
}

/// Resolves the function `name` of `library` as a pointer of type `F`.
///
/// # Safety
/// `F` must be the function pointer type that the platform's PC/SC headers give `name`, and
/// the pointer must not be called after `library` is unloaded.
unsafe fn function<F: Copy>(library: &Library, name: &CStr) -> Result<F, String> {
    // SAFETY: the caller gives the symbol's true type; the pointer is copied out of the
    // `Symbol` and its lifetime is the caller's business (see above).
    unsafe { library.get::<F>(name) }
        .map(|symbol| *symbol)
        .map_err(|e| format!("{}: {}", name.to_string_lossy(), chain(&e)))
}

/// An error and its sources, on one line (libloading keeps `dlerror()`'s text, which says
/// what went wrong, in the source).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl Api {
    /// Loads the first of `names` that opens and has every function.
    fn load(names: &[&str]) -> Result<Api, LoadError> {
        let mut tried = Vec::new();
        for name in names {
            match open(name).map_err(|e| chain(&e)).and_then(Api::resolve) {
                Ok(api) => return Ok(api),
                Err(e) => tried.push(format!("{name}: {e}")),
            }
        }
        Err(LoadError { tried })
    }

    /// Resolves every function of `library`.
    fn resolve(library: Library) -> Result<Api, String> {
        use sys::names;
        // SAFETY: each type below is the one the platform's headers declare for the function
        // named (the `sys` module), and the pointers are stored with `library` in the `Api`
        // built here, which is the only place they are called from: they cannot outlive it.
        unsafe {
            Ok(Api {
                establish_context: function(&library, c"SCardEstablishContext")?,
                release_context: function(&library, c"SCardReleaseContext")?,
                cancel: function(&library, c"SCardCancel")?,
                list_readers: function(&library, names::LIST_READERS)?,
                connect: function(&library, names::CONNECT)?,
                reconnect: function(&library, c"SCardReconnect")?,
                disconnect: function(&library, c"SCardDisconnect")?,
                begin_transaction: function(&library, c"SCardBeginTransaction")?,
                end_transaction: function(&library, c"SCardEndTransaction")?,
                status: function(&library, names::STATUS)?,
                transmit: function(&library, c"SCardTransmit")?,
                get_status_change: function(&library, names::GET_STATUS_CHANGE)?,
                _library: library,
            })
        }
    }

    /// `SCardEstablishContext`.
    pub(crate) fn establish_context(&self, scope: u32) -> Result<RawContext, Error> {
        let mut context: sys::SCARDCONTEXT = 0;
        // SAFETY: the reserved pointers are null as required; `context` is a valid place for the
        // new context.
        let rv = unsafe {
            (self.establish_context)(dword(scope), ptr::null(), ptr::null(), &mut context)
        };
        check(rv).map(|()| RawContext(context))
    }

    /// `SCardReleaseContext`.
    pub(crate) fn release_context(&self, context: RawContext) -> Result<(), Error> {
        // SAFETY: an integer argument only.
        check(unsafe { (self.release_context)(context.0) })
    }

    /// `SCardCancel`: stops a `SCardGetStatusChange` blocked on `context` in another thread.
    pub(crate) fn cancel(&self, context: RawContext) -> Result<(), Error> {
        // SAFETY: an integer argument only.
        check(unsafe { (self.cancel)(context.0) })
    }

    /// `SCardListReaders` (all groups), as a list of names. No reader is an empty list.
    pub(crate) fn list_readers(&self, context: RawContext) -> Result<Vec<CString>, Error> {
        // A reader plugged in between asking for the length and reading the list makes the
        // buffer too small: ask again.
        for _ in 0..4 {
            let mut len: DWORD = 0;
            // SAFETY: null groups mean all readers; a null buffer asks for the length only,
            // written to `len`.
            let rv =
                unsafe { (self.list_readers)(context.0, ptr::null(), ptr::null_mut(), &mut len) };
            match check(rv) {
                Ok(()) => {}
                Err(Error::NoReadersAvailable) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
            let mut buffer = vec![0u8; to_usize(len)];
            if buffer.is_empty() {
                return Ok(Vec::new());
            }
            let mut len = to_dword(buffer.len());
            // SAFETY: `buffer` is writable for `len` bytes, the length passed.
            let rv = unsafe {
                (self.list_readers)(
                    context.0,
                    ptr::null(),
                    buffer.as_mut_ptr().cast::<c_char>(),
                    &mut len,
                )
            };
            match check(rv) {
                Ok(()) => {
                    let filled = buffer.get(..to_usize(len)).unwrap_or(&buffer);
                    return Ok(split_multi_string(filled));
                }
                Err(Error::NoReadersAvailable) => return Ok(Vec::new()),
                Err(Error::InsufficientBuffer) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::InsufficientBuffer)
    }

    /// `SCardConnect`: the card handle and the active protocol.
    pub(crate) fn connect(
        &self,
        context: RawContext,
        reader: &CStr,
        share_mode: u32,
        protocols: u32,
    ) -> Result<(RawCard, u32), Error> {
        let mut card: sys::SCARDHANDLE = 0;
        let mut protocol: DWORD = 0;
        // SAFETY: `reader` is NUL-terminated and outlives the call; `card` and `protocol` are
        // valid places for the results.
        let rv = unsafe {
            (self.connect)(
                context.0,
                reader.as_ptr(),
                dword(share_mode),
                dword(protocols),
                &mut card,
                &mut protocol,
            )
        };
        check(rv).map(|()| (RawCard(card), to_u32(protocol)))
    }

    /// `SCardReconnect`: the new active protocol.
    pub(crate) fn reconnect(
        &self,
        card: RawCard,
        share_mode: u32,
        protocols: u32,
        initialization: u32,
    ) -> Result<u32, Error> {
        let mut protocol: DWORD = 0;
        // SAFETY: integer arguments; `protocol` is a valid place for the result.
        let rv = unsafe {
            (self.reconnect)(
                card.0,
                dword(share_mode),
                dword(protocols),
                dword(initialization),
                &mut protocol,
            )
        };
        check(rv).map(|()| to_u32(protocol))
    }

    /// `SCardDisconnect`.
    pub(crate) fn disconnect(&self, card: RawCard, disposition: u32) -> Result<(), Error> {
        // SAFETY: integer arguments only.
        check(unsafe { (self.disconnect)(card.0, dword(disposition)) })
    }

    /// `SCardBeginTransaction`.
    pub(crate) fn begin_transaction(&self, card: RawCard) -> Result<(), Error> {
        // SAFETY: an integer argument only.
        check(unsafe { (self.begin_transaction)(card.0) })
    }

    /// `SCardEndTransaction`.
    pub(crate) fn end_transaction(&self, card: RawCard, disposition: u32) -> Result<(), Error> {
        // SAFETY: integer arguments only.
        check(unsafe { (self.end_transaction)(card.0, dword(disposition)) })
    }

    /// `SCardStatus`: the card's state (pcsc-lite's `SCARD_ABSENT`… bits on every platform;
    /// Windows' ordinal states are converted), the active protocol, and the ATR copied into
    /// `atr` (its length returned).
    pub(crate) fn status(&self, card: RawCard, atr: &mut [u8]) -> Result<(u32, u32, usize), Error> {
        // Reader names are at most 128 bytes in pcsc-lite; Windows may list several.
        let mut names = vec![0u8; 1024];
        loop {
            let mut names_len = to_dword(names.len());
            let mut state: DWORD = 0;
            let mut protocol: DWORD = 0;
            let mut atr_len = to_dword(atr.len());
            // SAFETY: `names` is writable for `names_len` bytes and `atr` for `atr_len` bytes,
            // the lengths passed; the other pointers are valid places for the results.
            let rv = unsafe {
                (self.status)(
                    card.0,
                    names.as_mut_ptr().cast::<c_char>(),
                    &mut names_len,
                    &mut state,
                    &mut protocol,
                    atr.as_mut_ptr(),
                    &mut atr_len,
                )
            };
            match check(rv) {
                Ok(()) => {
                    let atr_len = to_usize(atr_len).min(atr.len());
                    return Ok((card_state(to_u32(state)), to_u32(protocol), atr_len));
                }
                Err(Error::InsufficientBuffer) if to_usize(names_len) > names.len() => {
                    names.resize(to_usize(names_len), 0);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `SCardTransmit` under `protocol` (the connection's active one): the length of the
    /// response written to `response`.
    pub(crate) fn transmit(
        &self,
        card: RawCard,
        protocol: u32,
        command: &[u8],
        response: &mut [u8],
    ) -> Result<usize, Error> {
        let send_len = DWORD::try_from(command.len()).map_err(|_| Error::InvalidParameter)?;
        let header = sys::SCARD_IO_REQUEST {
            dwProtocol: dword(protocol),
            cbPciLength: to_dword(size_of::<sys::SCARD_IO_REQUEST>()),
        };
        let mut response_len = to_dword(response.len());
        // SAFETY: `header` is a valid `SCARD_IO_REQUEST` living through the call; `command` is
        // readable for `send_len` bytes and `response` writable for `response_len` bytes, the
        // lengths passed; no receive header is asked for (null).
        let rv = unsafe {
            (self.transmit)(
                card.0,
                &header,
                command.as_ptr(),
                send_len,
                ptr::null_mut(),
                response.as_mut_ptr(),
                &mut response_len,
            )
        };
        check(rv).map(|()| to_usize(response_len).min(response.len()))
    }

    /// `SCardGetStatusChange` on `states`, updating their event states and ATRs.
    pub(crate) fn get_status_change(
        &self,
        context: RawContext,
        timeout_ms: u32,
        states: &mut [ReaderState],
    ) -> Result<(), Error> {
        let count = DWORD::try_from(states.len()).map_err(|_| Error::InvalidParameter)?;
        let mut raw: Vec<sys::SCARD_READERSTATE> = states
            .iter()
            .map(|s| sys::SCARD_READERSTATE {
                szReader: s.name.as_ptr(),
                pvUserData: ptr::null_mut::<c_void>(),
                dwCurrentState: dword(s.current),
                dwEventState: dword(s.event),
                cbAtr: to_dword(s.atr_len),
                rgbAtr: s.atr,
            })
            .collect();
        // SAFETY: `raw` holds `count` initialised states; each `szReader` points into a
        // `CString` of `states`, which is borrowed (so alive and unchanged) for the whole call.
        let rv = unsafe {
            (self.get_status_change)(context.0, dword(timeout_ms), raw.as_mut_ptr(), count)
        };
        // Whatever the outcome, the states read as the library left them (a timeout reports
        // the states as they are; a state the library did not touch reads as it was passed).
        for (state, raw) in states.iter_mut().zip(&raw) {
            // Copies: the fields of a packed struct cannot be borrowed.
            let (event, atr_len, atr) = (raw.dwEventState, raw.cbAtr, raw.rgbAtr);
            state.event = to_u32(event);
            state.atr = atr;
            state.atr_len = to_usize(atr_len).min(ATR_BUFFER_SIZE);
        }
        check(rv)
    }
}

/// A return code as a result.
fn check(rv: LONG) -> Result<(), Error> {
    match rv_error(rv) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The error a return code stands for (`None` for `SCARD_S_SUCCESS`).
fn rv_error(rv: LONG) -> Option<Error> {
    // pcsc-lite's `long` codes (0x8010_00xx) fit 32 bits; WinSCard's and macOS's are 32-bit
    // already (negative as signed): keep the low 32 bits.
    let code = rv as u32;
    (code != 0).then(|| Error::from_code(code))
}

/// A flag or code word for the library (`DWORD` is wider than 32 bits on 64-bit pcsc-lite).
#[allow(clippy::useless_conversion)]
fn dword(word: u32) -> DWORD {
    DWORD::from(word)
}

/// A length for the library (a buffer longer than `DWORD` can say is announced shorter,
/// which is safe: the library writes less).
fn to_dword(len: usize) -> DWORD {
    DWORD::try_from(len).unwrap_or(DWORD::MAX)
}

/// A length from the library (clamped by the caller to its buffer).
fn to_usize(len: DWORD) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

/// A state or protocol word from the library: the flags are in the low 32 bits.
#[allow(clippy::unnecessary_cast)]
fn to_u32(word: DWORD) -> u32 {
    word as u32
}

/// `SCardStatus`'s state as pcsc-lite's bits: WinSCard answers an ordinal instead
/// (0 unknown, 1 absent, 2 present, 3 swallowed, 4 powered, 5 negotiable, 6 specific), each
/// implying the ones before it from "present" on.
fn card_state(raw: u32) -> u32 {
    if cfg!(windows) {
        windows_card_state(raw)
    } else {
        raw
    }
}

/// WinSCard's ordinal card state as pcsc-lite's bits (`SCARD_UNKNOWN` = 0x01 …
/// `SCARD_SPECIFIC` = 0x40).
fn windows_card_state(ordinal: u32) -> u32 {
    const PRESENT: u32 = 0x04;
    const SWALLOWED: u32 = 0x08;
    const POWERED: u32 = 0x10;
    match ordinal {
        0 => 0x01,
        1 => 0x02,
        2 => PRESENT,
        3 => PRESENT | SWALLOWED,
        4 => PRESENT | SWALLOWED | POWERED,
        5 => PRESENT | SWALLOWED | POWERED | 0x20,
        6 => PRESENT | SWALLOWED | POWERED | 0x40,
        _ => 0x01,
    }
}

/// The names of a multi-string (`"a\0b\0\0"`).
fn split_multi_string(buffer: &[u8]) -> Vec<CString> {
    buffer
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .filter_map(|name| CString::new(name).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static MISSING: Loader = Loader::new(&["libtwnhi-test-no-such-pcsc.so.1"]);

    #[test]
    fn a_missing_library_is_library_unavailable_every_time() {
        assert_eq!(MISSING.api().err(), Some(Error::LibraryUnavailable));
        assert_eq!(MISSING.api().err(), Some(Error::LibraryUnavailable));
    }

    #[test]
    fn the_load_error_names_what_was_tried_in_both_languages() {
        let e = Api::load(&["libtwnhi-test-a.so", "libtwnhi-test-b.so"]).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("無法載入 PC/SC 程式庫"), "{text}");
        assert!(text.contains("cannot load the PC/SC library"), "{text}");
        assert!(text.contains("libpcsclite1"), "{text}");
        assert!(text.contains("libtwnhi-test-a.so: "), "{text}");
        assert!(text.contains("libtwnhi-test-b.so: "), "{text}");
        assert_eq!(e.tried.len(), 2);
        // The loader's own words are kept (glibc: "…: cannot open shared object file: No such
        // file or directory"), not just "dlopen failed".
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        assert!(
            e.tried[0].contains("cannot open shared object file"),
            "{text}"
        );
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_library_without_the_functions_is_not_loadable() {
        // libm opens everywhere glibc is, and has no SCardEstablishContext.
        let e = Api::load(&["libm.so.6"]).unwrap_err();
        assert!(e.tried[0].contains("SCardEstablishContext"), "{e}");
    }

    #[test]
    fn return_codes() {
        assert_eq!(check(0), Ok(()));
        assert_eq!(rv_error(0x8010_001D_u32 as LONG), Some(Error::NoService));
        assert_eq!(rv_error(0x8010_0069_u32 as LONG), Some(Error::RemovedCard));
        assert_eq!(
            rv_error(0x8010_0FFF_u32 as LONG),
            Some(Error::Unrecognized(0x8010_0FFF))
        );
    }

    #[test]
    fn multi_strings() {
        assert_eq!(
            split_multi_string(b"Virtual PCD 00 00\0Virtual PCD 00 01\0\0"),
            [c"Virtual PCD 00 00", c"Virtual PCD 00 01"]
        );
        assert!(split_multi_string(b"\0").is_empty());
        assert!(split_multi_string(b"").is_empty());
        // Not terminated (a library reporting a shorter length): the names are still read.
        assert_eq!(split_multi_string(b"A\0B"), [c"A", c"B"]);
    }

    #[test]
    fn windows_card_states_become_bits() {
        let present = 0x04;
        assert_eq!(windows_card_state(1), 0x02);
        assert_eq!(windows_card_state(2) & present, present);
        assert_eq!(
            windows_card_state(6) & (present | 0x10 | 0x40),
            present | 0x10 | 0x40
        );
        assert_eq!(windows_card_state(99), 0x01);
    }

    #[test]
    fn io_request_headers_are_the_headers_sizeof() {
        // What g_rgSCardT0Pci holds: {SCARD_PROTOCOL_T0, sizeof(SCARD_IO_REQUEST)}.
        let expected = if cfg!(any(windows, target_os = "macos")) {
            8
        } else {
            2 * size_of::<std::ffi::c_ulong>()
        };
        assert_eq!(size_of::<sys::SCARD_IO_REQUEST>(), expected);
    }
}
