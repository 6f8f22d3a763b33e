//! Who is connected: the open HTTP connections (bounded, the longest-waiting one closed to
//! admit a new one) and the open WebSocket sessions (bounded by the client slots, the
//! longest-idle one closed to admit a new client).
//!
//! Both tables only hold bookkeeping: when an entry is chosen, its task is told to close
//! through a [`Notify`] and removes its entry when it ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::Notify;

/// One entry of a table.
struct Entry {
    /// For connections: since when the connection waits for a request (or handshake); for
    /// sessions: the last request or reply.
    since: Instant,
    /// A request is being served: never chosen.
    busy: bool,
    /// Already told to close.
    closing: bool,
    close: Arc<Notify>,
}

#[derive(Default)]
struct Table {
    next: u64,
    entries: HashMap<u64, Entry>,
}

/// A table of connections or sessions, shared behind an `Arc`.
#[derive(Default)]
pub(crate) struct Registry {
    table: Mutex<Table>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds an entry, idle since now; it is removed when the guard drops.
    pub(crate) fn register(self: &Arc<Self>) -> Member {
        let close = Arc::new(Notify::new());
        let mut t = self.lock();
        let id = t.next;
        t.next = t.next.wrapping_add(1);
        t.entries.insert(
            id,
            Entry {
                since: Instant::now(),
                busy: false,
                closing: false,
                close: Arc::clone(&close),
            },
        );
        Member {
            registry: Arc::clone(self),
            id,
            close,
        }
    }

    /// Entries not yet told to close.
    pub(crate) fn open(&self) -> usize {
        self.lock().entries.values().filter(|e| !e.closing).count()
    }

    /// Tells the entry idle for the longest time (not busy, not already closing) to close.
    /// `false` when every entry is busy or closing.
    pub(crate) fn close_longest_idle(&self) -> bool {
        let mut t = self.lock();
        let victim = t
            .entries
            .iter_mut()
            .filter(|(_, e)| !e.busy && !e.closing)
            .min_by_key(|(id, e)| (e.since, **id))
            .map(|(_, e)| e);
        match victim {
            Some(e) => {
                e.closing = true;
                e.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Makes room for one more when `cap` entries are open: tells the longest-idle one to
    /// close. `false` when the cap is reached and nothing can be closed.
    pub(crate) fn make_room(&self, cap: usize) -> bool {
        self.open() < cap || self.close_longest_idle()
    }

    fn is_busy(&self, id: u64) -> bool {
        self.lock().entries.get(&id).is_some_and(|e| e.busy)
    }

    fn update(&self, id: u64, busy: bool) {
        if let Some(e) = self.lock().entries.get_mut(&id) {
            e.busy = busy;
            e.since = Instant::now();
        }
    }
}

/// An entry of a [`Registry`], removed on drop.
pub(crate) struct Member {
    registry: Arc<Registry>,
    id: u64,
    close: Arc<Notify>,
}

impl Member {
    /// A request arrived: not to be closed until [`idle`](Self::idle).
    pub(crate) fn busy(&self) {
        self.registry.update(self.id, true);
    }

    /// The request was answered: idle from now on.
    pub(crate) fn idle(&self) {
        self.registry.update(self.id, false);
    }

    /// Whether a request is being served.
    pub(crate) fn is_busy(&self) -> bool {
        self.registry.is_busy(self.id)
    }

    /// Completes when the entry was chosen to close (at once if it was chosen before).
    pub(crate) async fn told_to_close(&self) {
        self.close.notified().await;
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.registry.lock().entries.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_longest_idle_is_chosen_never_a_busy_one() {
        let r = Arc::new(Registry::default());
        let a = r.register();
        std::thread::sleep(Duration::from_millis(2));
        let b = r.register();
        std::thread::sleep(Duration::from_millis(2));
        let c = r.register();
        assert_eq!(r.open(), 3);
        assert!(r.make_room(4));
        // a is the oldest but busy: b goes.
        a.busy();
        assert!(r.close_longest_idle());
        tokio::time::timeout(Duration::from_secs(1), b.told_to_close())
            .await
            .unwrap();
        assert_eq!(r.open(), 2);
        // c is idle since before a became idle again.
        a.idle();
        assert!(r.close_longest_idle());
        tokio::time::timeout(Duration::from_secs(1), c.told_to_close())
            .await
            .unwrap();
        a.busy();
        assert!(!r.close_longest_idle(), "only a busy entry is left");
        assert!(!r.make_room(1));
        drop((b, c));
        assert_eq!(r.open(), 1);
        drop(a);
        assert_eq!(r.open(), 0);
        assert!(r.make_room(1));
    }
}
