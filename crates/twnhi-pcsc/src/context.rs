//! The PC/SC context: establishing it, re-establishing it after the service restarted, listing
//! readers, connecting, reading, waiting.

use crate::card::PcscCard;
use crate::error::{SHARING_RETRIES, backoff, cancelled, card_error, is_stale_context};
use crate::ffi::{self, Loader};
use crate::pcsc::{self, Protocols, ReaderState, Scope, ShareMode, State};
use crate::reader::{ReaderInfo, choose_for_read, choose_for_wait};
use crate::watch::{Event, Watcher};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};
use twnhi_card::atr::CardKind;
use twnhi_card::{BasicData, CardError};
use twnhi_transport::TransportError;

/// One PC/SC context, replaced transparently when the service restarted.
pub(crate) struct Shared {
    /// The current context and its generation (bumped at each replacement).
    slot: RwLock<(pcsc::Context, u64)>,
    /// Set by [`CancelHandle::cancel`], consumed by the wait it stops.
    cancel_requested: AtomicBool,
    /// The PC/SC library the contexts come from.
    loader: &'static Loader,
}

impl Shared {
    /// A context from the PC/SC library of `loader` (the system's, except in tests).
    pub(crate) fn establish(loader: &'static Loader) -> Result<Arc<Shared>, CardError> {
        let context = pcsc::Context::establish_with(loader, Scope::User).map_err(card_error)?;
        Ok(Arc::new(Shared {
            slot: RwLock::new((context, 0)),
            cancel_requested: AtomicBool::new(false),
            loader,
        }))
    }

    fn current(&self) -> (pcsc::Context, u64) {
        let guard = self.slot.read().unwrap_or_else(PoisonError::into_inner);
        (guard.0.clone(), guard.1)
    }

    /// Establishes a new context unless another thread already replaced generation `seen`.
    fn replace(&self, seen: u64) -> Result<pcsc::Context, pcsc::Error> {
        let mut guard = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        if guard.1 != seen {
            return Ok(guard.0.clone());
        }
        let fresh = pcsc::Context::establish_with(self.loader, Scope::User)?;
        *guard = (fresh.clone(), seen.wrapping_add(1));
        tracing::info!("PC/SC context re-established");
        Ok(fresh)
    }

    /// Forces a new context.
    fn reestablish(&self) -> Result<(), CardError> {
        let (_, seen) = self.current();
        self.replace(seen).map(drop).map_err(card_error)
    }

    /// Runs `op` on the context; when it fails because the service went away or forgot the
    /// context, establishes a new context and runs `op` once more.
    pub(crate) fn run<T>(
        &self,
        mut op: impl FnMut(&pcsc::Context) -> Result<T, pcsc::Error>,
    ) -> Result<T, pcsc::Error> {
        let (context, seen) = self.current();
        match op(&context) {
            Err(e) if is_stale_context(e) => {
                drop(context);
                tracing::debug!(error = %e, "PC/SC context lost; establishing a new one");
                let fresh = self.replace(seen)?;
                op(&fresh)
            }
            other => other,
        }
    }

    /// Whether a cancellation is pending; clears it.
    pub(crate) fn take_cancel(&self) -> bool {
        self.cancel_requested.swap(false, Ordering::SeqCst)
    }

    fn cancel(&self) -> Result<(), CardError> {
        self.cancel_requested.store(true, Ordering::SeqCst);
        let (context, _) = self.current();
        match context.cancel() {
            // Nothing to cancel when the service is gone: the wait fails by itself.
            Err(e) if !is_stale_context(e) => Err(card_error(e)),
            _ => Ok(()),
        }
    }

    /// The readers' PC/SC names, without the PnP pseudo-reader.
    pub(crate) fn reader_names(&self) -> Result<Vec<CString>, CardError> {
        match self.run(|c| c.list_readers_owned()) {
            Ok(mut names) => {
                names.retain(|n| n.as_c_str() != pcsc::PNP_NOTIFICATION);
                Ok(names)
            }
            Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
            Err(e) => Err(card_error(e)),
        }
    }
}

/// A reader name as text (reader names are ASCII in practice; anything else is shown lossily).
pub(crate) fn display_name(name: &CString) -> String {
    name.to_string_lossy().into_owned()
}

/// Whether a reader state says a card is in the reader.
pub(crate) fn card_in(state: State) -> bool {
    state.contains(State::PRESENT)
        && !state.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE)
}

/// Access to the PC/SC service (pcscd on Linux and macOS, SCardSvr on Windows).
///
/// A `Pcsc` holds two PC/SC contexts: one for listing, connecting and reading, one for
/// [`wait_for_card`](Self::wait_for_card), so that a thread waiting for a card never holds up
/// another thread reading one (pcsc-lite serialises the calls made on one context). It is
/// `Send + Sync`; share it behind an `Arc`.
///
/// When the service stops, calls fail with [`TransportError::ServiceUnavailable`]; when it
/// is back, the next call establishes a new context by itself (once per call), so a
/// long-running program keeps working across a restart of pcscd.
pub struct Pcsc {
    ops: Arc<Shared>,
    waits: Arc<Shared>,
}

impl std::fmt::Debug for Pcsc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pcsc").finish_non_exhaustive()
    }
}

/// Cancels a blocking wait from another thread: [`Pcsc::wait_for_card`] (through
/// [`Pcsc::cancel_handle`]) or [`Watcher::next_events`] (through [`Watcher::cancel_handle`]).
///
/// The wait returns an error for which [`is_cancelled`](crate::is_cancelled) is true. A
/// cancellation requested while no wait is running stops the next wait on that context as
/// soon as it starts. Cloneable, `Send + Sync`.
#[derive(Clone)]
pub struct CancelHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelHandle").finish_non_exhaustive()
    }
}

impl CancelHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> CancelHandle {
        CancelHandle { shared }
    }

    /// Cancels the wait in progress (`SCardCancel`), or the next one.
    ///
    /// # Errors
    /// A [`CardError::Transport`] when the service refuses the cancellation.
    pub fn cancel(&self) -> Result<(), CardError> {
        self.shared.cancel()
    }
}

impl Pcsc {
    /// Connects to the PC/SC service (`SCardEstablishContext`, user scope), loading the
    /// system's PC/SC library at the first call.
    ///
    /// # Errors
    /// [`TransportError::ServiceUnavailable`] when the service is not running, or when the
    /// PC/SC library cannot be loaded (not installed; a `tracing` warning names the libraries
    /// tried and why each failed).
    pub fn establish() -> Result<Pcsc, CardError> {
        Pcsc::establish_with(&ffi::SYSTEM)
    }

    /// [`establish`](Self::establish) with the PC/SC library of `loader`.
    pub(crate) fn establish_with(loader: &'static Loader) -> Result<Pcsc, CardError> {
        Ok(Pcsc {
            ops: Shared::establish(loader)?,
            waits: Shared::establish(loader)?,
        })
    }

    /// Establishes new contexts now. Not needed in general: every call re-establishes its
    /// context by itself when it finds the service restarted.
    ///
    /// # Errors
    /// [`TransportError::ServiceUnavailable`] when the service is not running.
    pub fn reestablish(&mut self) -> Result<(), CardError> {
        self.ops.reestablish()?;
        self.waits.reestablish()
    }

    /// The connected readers and what they hold, in the service's order, without the PnP
    /// pseudo-reader. No reader is an empty list, not an error.
    ///
    /// # Errors
    /// [`TransportError::ServiceUnavailable`] when the service is not running.
    pub fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        // A reader may disappear between listing and querying it: list again then.
        for _ in 0..3 {
            let names = self.ops.reader_names()?;
            if names.is_empty() {
                return Ok(Vec::new());
            }
            let mut states: Vec<ReaderState> = names
                .iter()
                .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
                .collect();
            match self
                .ops
                .run(|c| c.get_status_change(Duration::ZERO, &mut states))
            {
                Ok(()) | Err(pcsc::Error::Timeout) => {
                    return Ok(names
                        .iter()
                        .zip(&states)
                        .map(|(n, s)| {
                            ReaderInfo::observed(display_name(n), card_in(s.event_state()), s.atr())
                        })
                        .collect());
                }
                Err(pcsc::Error::UnknownReader) => continue,
                Err(e) => return Err(card_error(e)),
            }
        }
        Err(TransportError::ReaderUnavailable.into())
    }

    /// Connects to the card in `reader`: shared mode, T=0 or T=1. Sharing violations
    /// (another program holding the card exclusively) are retried a few times with a short
    /// back-off (about 0.8 s in all).
    ///
    /// # Errors
    /// [`TransportError::NoCard`] for an empty reader, [`TransportError::ReaderUnavailable`]
    /// for an unknown reader name ([`TransportError::NoReader`] when there is no reader at
    /// all), [`TransportError::SharingViolation`] when the card stays held,
    /// [`TransportError::ServiceUnavailable`], [`TransportError::Unresponsive`] for a mute
    /// card.
    pub fn connect(&self, reader: &str) -> Result<PcscCard, CardError> {
        let card = connect_shared(&self.ops, reader)?;
        PcscCard::new(card, reader.to_owned(), Arc::clone(&self.ops))
    }

    /// Reads the basic data of the NHI card in `reader`, or, when `reader` is `None`, in the
    /// first reader holding a card (preferring cards whose ATR is an NHI card's): connect,
    /// one transaction (SELECT + GET DATA), disconnect leaving the card as it is. Returns the
    /// reader used with the data.
    ///
    /// # Errors
    /// [`TransportError::NoReader`], [`TransportError::NoCard`],
    /// [`TransportError::ReaderUnavailable`] (unknown name),
    /// [`TransportError::CardRemoved`] (card pulled out mid-read),
    /// [`TransportError::ServiceUnavailable`], [`CardError::NotNhiCard`], and the card
    /// errors of [`NhiSession::read_basic`](twnhi_card::NhiSession::read_basic).
    pub fn read_basic(&self, reader: Option<&str>) -> Result<(String, BasicData), CardError> {
        let name = match reader {
            Some(r) => r.to_owned(),
            None => choose_for_read(&self.readers()?)?.name.clone(),
        };
        let mut card = self.connect(&name)?;
        let data = card.read_basic();
        let closed = card.disconnect();
        let data = data?;
        if let Err(e) = closed {
            // The data is read; a failed disconnect is the service's business.
            tracing::warn!(reader = %name, error = %e, "disconnect failed after a read");
        }
        Ok((name, data))
    }

    /// Waits until a card is in `reader` (or, with `None`, in any reader) and returns the
    /// reader's name — at once when a card is already there.
    ///
    /// Waits with `SCardGetStatusChange`, watching the PnP pseudo-reader too, so a reader
    /// plugged in during the wait is used. With `None`, a card whose ATR says it is not an
    /// NHI card (a Health Professional Card) does not end the wait, and NHI ATRs are
    /// preferred when several cards are present.
    ///
    /// # Errors
    /// [`TransportError::NoCard`] when `timeout` passes ([`TransportError::NoReader`] if no
    /// reader existed at all by then); [`TransportError::ReaderUnavailable`] at once when
    /// `reader` names no connected reader; [`TransportError::ServiceUnavailable`]; a
    /// cancellation error (see [`is_cancelled`](crate::is_cancelled)) after
    /// [`CancelHandle::cancel`].
    pub fn wait_for_card(
        &self,
        reader: Option<&str>,
        timeout: Duration,
    ) -> Result<String, CardError> {
        if let Some(name) = reader
            && !self
                .waits
                .reader_names()?
                .iter()
                .any(|n| n.as_bytes() == name.as_bytes())
        {
            return Err(TransportError::ReaderUnavailable.into());
        }
        let deadline = Instant::now().checked_add(timeout);
        let mut watcher = Watcher::new(Arc::clone(&self.waits));
        let mut present: Vec<(String, CardKind)> = Vec::new();
        loop {
            let remaining =
                deadline.map_or(timeout, |d| d.saturating_duration_since(Instant::now()));
            for event in watcher.next_events(remaining)? {
                match event {
                    Event::CardInserted {
                        reader, card_kind, ..
                    } => {
                        present.retain(|(r, _)| *r != reader);
                        present.push((reader, card_kind));
                    }
                    Event::CardRemoved { reader } => present.retain(|(r, _)| *r != reader),
                    Event::ReaderAdded { .. } | Event::ReaderRemoved { .. } => {}
                }
            }
            if let Some(found) = choose_for_wait(&present, reader) {
                tracing::debug!(reader = %found, "card present");
                return Ok(found.to_owned());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(if watcher.reader_count() == 0 {
                    TransportError::NoReader.into()
                } else {
                    TransportError::NoCard.into()
                });
            }
        }
    }

    /// A watcher of reader and card events, on a context of its own (so that it can block in
    /// its own thread without holding up this `Pcsc`).
    ///
    /// # Errors
    /// [`TransportError::ServiceUnavailable`] when the service is not running.
    pub fn watcher(&self) -> Result<Watcher, CardError> {
        Ok(Watcher::new(Shared::establish(self.ops.loader)?))
    }

    /// A handle another thread can use to cancel a [`wait_for_card`](Self::wait_for_card)
    /// in progress (for example on Ctrl-C).
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle::new(Arc::clone(&self.waits))
    }
}

/// `SCardConnect` to the card in `reader` in shared mode, T=0 or T=1, retrying sharing
/// violations with a short back-off; the errors of [`Pcsc::connect`].
pub(crate) fn connect_shared(ops: &Shared, reader: &str) -> Result<pcsc::Card, CardError> {
    let name = CString::new(reader).map_err(|_| TransportError::ReaderUnavailable)?;
    let mut attempt = 0;
    let card = loop {
        match ops.run(|c| c.connect(&name, ShareMode::Shared, Protocols::ANY)) {
            Ok(card) => break card,
            Err(pcsc::Error::SharingViolation) if attempt < SHARING_RETRIES => {
                attempt += 1;
                tracing::debug!(reader = %reader, attempt, "sharing violation on connect; retrying");
                std::thread::sleep(backoff(attempt));
            }
            Err(pcsc::Error::UnknownReader) => {
                return Err(if ops.reader_names()?.is_empty() {
                    TransportError::NoReader.into()
                } else {
                    TransportError::ReaderUnavailable.into()
                });
            }
            Err(e) => {
                tracing::debug!(reader = %reader, error = %e, "connect failed");
                return Err(card_error(e));
            }
        }
    };
    tracing::debug!(reader = %reader, "connected (shared)");
    Ok(card)
}

/// The error a wait returns when it was cancelled before it blocked.
pub(crate) fn check_cancel(shared: &Shared) -> Result<(), CardError> {
    if shared.take_cancel() {
        Err(cancelled())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_presence_from_reader_states() {
        assert!(card_in(State::PRESENT | State::INUSE));
        assert!(card_in(State::PRESENT | State::MUTE));
        assert!(!card_in(State::EMPTY));
        assert!(!card_in(State::UNKNOWN | State::UNAVAILABLE));
        assert!(!card_in(State::PRESENT | State::UNAVAILABLE));
        assert!(!card_in(State::UNAWARE));
    }

    /// A PC/SC library that is not installed.
    static MISSING: Loader = Loader::new(&["libtwnhi-test-missing-pcsclite.so.1"]);

    #[test]
    fn a_missing_pcsc_library_is_the_service_unavailable_environment_error() {
        let e = Pcsc::establish_with(&MISSING).unwrap_err();
        assert!(
            matches!(e, CardError::Transport(TransportError::ServiceUnavailable)),
            "{e:?}"
        );
        assert_eq!(e.legacy_code(), 7001);
        assert!(e.is_environment());
        // Both languages, as the CLI prints it before exiting with code 3.
        let shown = e.to_string();
        assert!(shown.contains("PC/SC 服務未啟動"), "{shown}");
        assert!(shown.contains("not running"), "{shown}");
        // Again (the failed load is remembered, not retried), and through the raw API.
        assert!(Pcsc::establish_with(&MISSING).is_err());
        assert_eq!(
            pcsc::Context::establish_with(&MISSING, Scope::User).err(),
            Some(pcsc::Error::LibraryUnavailable)
        );
    }

    #[test]
    fn pcsc_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Pcsc>();
        assert_send_sync::<CancelHandle>();
        assert_send_sync::<Watcher>();
    }
}
