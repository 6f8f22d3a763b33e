//! Test harness for the PC/SC tier of twnhi's tests (not published), a private
//! PostgreSQL server for the PostgreSQL adapter's tests ([`postgres`]), and SoftHSM2 tokens
//! for the certificate tests (`softhsm`, feature `softhsm`), and a test PKI of citizen
//! certificates ([`pki`]).
//!
//! Tests that go through the real PC/SC stack share one machine-wide resource: pcscd with the
//! vsmartcard-vpcd driver, whose first virtual reader listens on `127.0.0.1:35963`. This crate
//! serialises those tests across processes (a file lock), starts a pcscd of its own in the
//! foreground (`pcscd -f`, after vpcd is installed and before any card connects, never with
//! `--auto-exit`), attaches simulated cards and waits for them with `SCardGetStatusChange`
//! rather than sleeping. Tests can stop and restart that pcscd to check how the code under test
//! behaves when the PC/SC service goes away.
//!
//! ```no_run
//! use twnhi_testkit::VpcdHarness;
//! use twnhi_sim::{Faults, Identity, SimCard};
//!
//! let mut h = VpcdHarness::start();
//! let _card = h.insert(SimCard::new(Identity::sample(), Faults::default()));
//! // … read "Virtual PCD 00 00" through PC/SC …
//! ```
//!
//! Requirements: Linux, root (pcscd writes `/run/pcscd`), Debian packages `pcscd` and
//! `vsmartcard-vpcd`. `scripts/test` installs them. The harness panics with an explanation
//! when they are missing: it is only used by tests, where a panic is a clear failure.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)]

pub mod pki;
#[cfg(unix)]
pub mod postgres;
#[cfg(all(unix, feature = "softhsm"))]
pub mod softhsm;

use std::ffi::CString;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use twnhi_pcsc::pcsc;
use twnhi_sim::SimCard;
use twnhi_sim::vpcd::{self, Reconnect, VpcdCard};

/// The vpcd reader the harness's cards appear in.
pub const READER: &str = "Virtual PCD 00 00";
/// The second vpcd reader (always empty unless a test attaches to port 35964).
pub const READER2: &str = "Virtual PCD 00 01";
/// vpcd's socket of the first reader.
pub const VPCD_ADDR: &str = vpcd::DEFAULT_ADDR;

const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";

/// A private pcscd plus a lock that keeps other harnesses (in this or other processes) out.
pub struct VpcdHarness {
    _lock: File,
    pcscd: Option<Child>,
    log: PathBuf,
}

fn pcscd_binary() -> PathBuf {
    for p in ["/usr/sbin/pcscd", "/usr/local/sbin/pcscd"] {
        if std::path::Path::new(p).exists() {
            return p.into();
        }
    }
    panic!(
        "pcscd is not installed: run scripts/test as root (it installs pcscd and vsmartcard-vpcd), \
         or apt-get install pcscd vsmartcard-vpcd"
    );
}

impl VpcdHarness {
    /// Takes the machine-wide lock and starts a private pcscd.
    ///
    /// # Panics
    /// When pcscd or vpcd is missing, another pcscd already runs, or pcscd does not come up.
    pub fn start() -> VpcdHarness {
        let lock_path = std::env::temp_dir().join("twnhi-vpcd-tests.lock");
        let lock = File::create(&lock_path).expect("create lock file");
        lock.lock().expect("lock vpcd tests");
        assert!(
            std::path::Path::new("/etc/reader.conf.d/vpcd").exists(),
            "vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)"
        );
        assert!(
            !pcscd_answers(),
            "a pcscd not started by these tests is running; stop it first (these tests need \
             to own pcscd to stop and restart it)"
        );
        let log = std::env::temp_dir().join(format!("twnhi-pcscd-{}.log", std::process::id()));
        let mut h = VpcdHarness {
            _lock: lock,
            pcscd: None,
            log,
        };
        h.start_pcscd();
        h
    }

    /// Starts pcscd again (after [`stop_pcscd`](Self::stop_pcscd)) and waits until it answers.
    pub fn start_pcscd(&mut self) {
        assert!(self.pcscd.is_none(), "pcscd already running");
        let log = File::create(&self.log).expect("pcscd log file");
        let child = Command::new(pcscd_binary())
            .args(["-f", "-e"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log fd"))
            .stderr(log)
            .spawn()
            .expect("spawn pcscd");
        self.pcscd = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pcscd_answers() || !vpcd_listens() {
            if Instant::now() > deadline {
                panic!(
                    "pcscd did not come up with vpcd in 10 s; its log:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops pcscd (SIGTERM, then SIGKILL after 5 s) and waits for it to exit.
    pub fn stop_pcscd(&mut self) {
        let Some(mut child) = self.pcscd.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // pcscd removes its socket on a clean exit; a killed one leaves it behind.
        let _ = std::fs::remove_file(PCSCD_SOCKET);
    }

    /// Whether the harness's pcscd is running.
    pub fn pcscd_running(&mut self) -> bool {
        self.pcscd
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Attaches `card` to the first vpcd reader and waits until PC/SC reports it present.
    pub fn insert(&self, card: SimCard) -> VpcdCard {
        self.insert_with(card, Reconnect::No)
    }

    /// Like [`insert`](Self::insert), choosing whether the card reconnects when pcscd restarts.
    pub fn insert_with(&self, card: SimCard, reconnect: Reconnect) -> VpcdCard {
        let attached = vpcd::attach(VPCD_ADDR, card, reconnect).expect("attach card to vpcd");
        wait_for_state(READER, true, Duration::from_secs(10));
        attached
    }

    /// Removes a card and waits until PC/SC reports the reader empty; returns the card.
    pub fn remove(&self, card: VpcdCard) -> SimCard {
        let card = card.remove();
        wait_for_state(READER, false, Duration::from_secs(10));
        card
    }

    /// The pcscd log so far (for failure messages).
    pub fn pcscd_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for VpcdHarness {
    fn drop(&mut self) {
        self.stop_pcscd();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn pcscd_answers() -> bool {
    pcsc::Context::establish(pcsc::Scope::User).is_ok()
}

fn vpcd_listens() -> bool {
    // vpcd's port opens when pcscd loads the driver: check that the reader is listed.
    let Ok(ctx) = pcsc::Context::establish(pcsc::Scope::User) else {
        return false;
    };
    ctx.list_readers_owned()
        .map(|r| r.iter().any(|n| n.to_string_lossy() == READER))
        .unwrap_or(false)
}

/// Waits with `SCardGetStatusChange` until `reader` has (or has not) a card.
///
/// # Panics
/// When the state is not reached within `timeout`.
pub fn wait_for_state(reader: &str, present: bool, timeout: Duration) {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd context");
    let name = CString::new(reader).expect("reader name");
    let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match ctx.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                panic!("reader {reader}: card present = {present} not reached in {timeout:?}")
            }
            Err(e) => panic!("SCardGetStatusChange: {e}"),
        }
        if states[0].event_state().contains(pcsc::State::PRESENT) == present {
            return;
        }
        states[0].sync_current_state();
    }
}
