//! Attaching a simulated card to `vsmartcard-vpcd`, so that it answers through the real PC/SC
//! stack (pcscd → vpcd driver → TCP → this card).
//!
//! vpcd listens on `127.0.0.1:35963` for its first virtual reader (`Virtual PCD 00 00`) and
//! 35964 for the second. The card connects to it, answers until it is removed, and appears to
//! PC/SC applications as a card in that reader.
//!
//! Every read from the socket is preceded by `TCP_QUICKACK`: Linux otherwise delays the ACK of
//! each small APDU by ~40 ms, which vpcd waits for, turning a 0.15 ms round trip into ~44 ms.
//!
//! ```no_run
//! use twnhi_sim::{vpcd, Faults, Identity, SimCard};
//!
//! let card = SimCard::new(Identity::sample(), Faults::default());
//! let attached = vpcd::attach(vpcd::DEFAULT_ADDR, card, vpcd::Reconnect::No)?;
//! // … PC/SC applications now see the card in "Virtual PCD 00 00" …
//! let card = attached.remove(); // pull it out
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::SimCard;
#[cfg(any(target_os = "linux", target_os = "android"))]
use socket2::SockRef;
use std::io;
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// vpcd's default address (first virtual reader).
pub const DEFAULT_ADDR: &str = "127.0.0.1:35963";

/// What to do when vpcd closes the connection (pcscd stopped or restarted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reconnect {
    /// Stop: the card is out.
    No,
    /// Keep trying to connect again, every 100 ms, until removed.
    Yes,
}

/// A simulated card attached to vpcd, served by a background thread.
#[derive(Debug)]
pub struct VpcdCard {
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicU64>,
    stream: Arc<Mutex<Option<TcpStream>>>,
    thread: Option<JoinHandle<SimCard>>,
}

struct Adapter<'a>(&'a mut SimCard, &'a AtomicU64);

impl vpicc::VSmartCard for Adapter<'_> {
    fn atr(&self) -> &[u8] {
        self.0.atr()
    }
    fn power_on(&mut self) {
        self.0.reset();
    }
    fn power_off(&mut self) {
        self.0.reset();
    }
    fn reset(&mut self) {
        self.0.reset();
    }
    fn execute(&mut self, msg: &[u8]) -> Vec<u8> {
        let delay = self.0.delay();
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let r = self.0.handle(msg);
        self.1.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(
            ins = msg.get(1).copied().unwrap_or(0),
            sw = ?r.get(r.len().saturating_sub(2)..),
            "simulated card answered"
        );
        r
    }
}

fn connect(addr: &str) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address");
    for a in addr.to_socket_addrs()? {
        match TcpStream::connect_timeout(&a, Duration::from_secs(2)) {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Connects `card` to vpcd at `addr` and serves it from a background thread.
///
/// # Errors
/// The connection error when vpcd does not listen at `addr` (pcscd not running, or
/// vsmartcard-vpcd not installed).
pub fn attach(addr: &str, card: SimCard, reconnect: Reconnect) -> io::Result<VpcdCard> {
    let first = connect(addr)?;
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let shared = Arc::new(Mutex::new(Some(first.try_clone()?)));
    let addr = addr.to_owned();
    let thread = {
        let stop = Arc::clone(&stop);
        let shared = Arc::clone(&shared);
        let answered = Arc::clone(&answered);
        std::thread::Builder::new()
            .name("twnhi-sim-vpcd".into())
            .spawn(move || serve_loop(&addr, first, card, reconnect, &stop, &shared, &answered))?
    };
    Ok(VpcdCard {
        stop,
        answered,
        stream: shared,
        thread: Some(thread),
    })
}

fn serve_loop(
    addr: &str,
    first: TcpStream,
    mut card: SimCard,
    reconnect: Reconnect,
    stop: &AtomicBool,
    shared: &Mutex<Option<TcpStream>>,
    answered: &AtomicU64,
) -> SimCard {
    let mut stream = Some(first);
    loop {
        if let Some(s) = stream.take() {
            match serve(s, &mut card, stop, answered) {
                Ended::Removed | Ended::Stopped => break,
                Ended::Disconnected => {
                    tracing::debug!("vpcd closed the connection");
                    card.reset();
                }
            }
        }
        if reconnect == Reconnect::No || stop.load(Ordering::SeqCst) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if let Ok(s) = connect(addr) {
            tracing::debug!("reconnected to vpcd");
            if let (Ok(clone), Ok(mut guard)) = (s.try_clone(), shared.lock()) {
                *guard = Some(clone);
            }
            stream = Some(s);
        }
    }
    card
}

enum Ended {
    Removed,
    Stopped,
    Disconnected,
}

/// Asks the kernel to acknowledge at once instead of delaying the ACK (`TCP_QUICKACK`), which
/// keeps vpcd's small request/answer round trips off the delayed-ACK timer. The option exists on
/// Linux and Android only; elsewhere the system's delayed ACKs stay as they are.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn quick_ack(stream: &TcpStream) {
    if let Err(e) = SockRef::from(stream).set_tcp_quickack(true) {
        tracing::debug!(error = %e, "TCP_QUICKACK not set");
    }
}

/// No `TCP_QUICKACK` on this system: nothing to do (see the Linux version).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn quick_ack(_stream: &TcpStream) {}

fn serve(stream: TcpStream, card: &mut SimCard, stop: &AtomicBool, answered: &AtomicU64) -> Ended {
    let Ok(reader) = stream.try_clone() else {
        return Ended::Disconnected;
    };
    let mut conn = vpicc::Connection::from(reader);
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ended::Stopped;
        }
        // Re-armed before every read: the kernel clears quick-ack mode on its own.
        quick_ack(&stream);
        if conn.poll(&mut Adapter(card, answered)).is_err() {
            return if stop.load(Ordering::SeqCst) {
                Ended::Stopped
            } else {
                Ended::Disconnected
            };
        }
        if !card.is_present() {
            // The remove-after fault: closing the connection is how a card leaves vpcd.
            let _ = stream.shutdown(Shutdown::Both);
            return Ended::Removed;
        }
    }
}

impl VpcdCard {
    /// Whether the card is still being served (false after a `remove-after` fault, or when
    /// vpcd went away and reconnecting was not asked for).
    pub fn is_attached(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// How many command APDUs the card has answered since it was attached, read while it
    /// stays attached (for benchmarks that count card operations without removing the card).
    pub fn commands_answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// Removes the card from the virtual reader and returns it (with its command log).
    pub fn remove(mut self) -> SimCard {
        self.stop_thread()
    }

    /// Waits until the card leaves by itself (a `remove-after` fault, or vpcd going away
    /// without reconnection) and returns it.
    pub fn wait(mut self) -> Option<SimCard> {
        self.thread.take().and_then(|t| t.join().ok())
    }

    fn stop_thread(&mut self) -> SimCard {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(guard) = self.stream.lock()
            && let Some(s) = guard.as_ref()
        {
            let _ = s.shutdown(Shutdown::Both);
        }
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_else(|| SimCard::new(crate::Identity::sample(), crate::Faults::default()))
    }
}

impl Drop for VpcdCard {
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.stop_thread();
        }
    }
}
