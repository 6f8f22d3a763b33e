//! Where backends report reader and card changes: a broadcast channel to the WebSocket
//! clients, plus a snapshot of what is known, which deduplicates repeated reports and lets the
//! bridge find "the reader holding a card" without asking the PC/SC service each time.

use super::ReaderInfo;
use crate::protocol::{BridgeEvent, kind_label};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast;
use twnhi_card::atr::{self, CardKind};

/// How many events a slow client may fall behind before it misses some.
const CHANNEL_CAPACITY: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    name: String,
    /// The card's ATR while a card is in the reader.
    card: Option<Vec<u8>>,
}

#[derive(Debug, Default)]
struct Snapshot {
    /// Whether the slots reflect a successful look at the service.
    live: bool,
    /// Whether `service-down` was the last service event sent.
    down: bool,
    slots: Vec<Slot>,
}

/// The events a backend reports, cloneable, usable from any thread.
///
/// Backends give either the whole state with [`sync`](Self::sync) (the bridge works out
/// what changed) or say that the service went away with
/// [`service_down`](Self::service_down). Reports that change nothing send nothing.
#[derive(Clone)]
pub struct EventSink {
    inner: Arc<Inner>,
}

struct Inner {
    tx: broadcast::Sender<BridgeEvent>,
    snapshot: Mutex<Snapshot>,
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSink")
            .field("receivers", &self.inner.tx.receiver_count())
            .finish_non_exhaustive()
    }
}

impl Default for EventSink {
    fn default() -> Self {
        Self::new()
    }
}

fn inserted(slot_name: &str, atr_bytes: &[u8]) -> BridgeEvent {
    let kind = if atr_bytes.is_empty() {
        CardKind::Unknown
    } else {
        atr::recognize(atr_bytes)
    };
    BridgeEvent::CardInserted {
        reader: slot_name.to_owned(),
        atr: hex::encode_upper(atr_bytes),
        card_kind: kind_label(true, kind).to_owned(),
    }
}

impl EventSink {
    /// A sink with no receivers yet.
    pub fn new() -> EventSink {
        let (tx, _) = broadcast::channel(CHANNEL_CAPACITY);
        EventSink {
            inner: Arc::new(Inner {
                tx,
                snapshot: Mutex::new(Snapshot::default()),
            }),
        }
    }

    /// A receiver of every event sent from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<BridgeEvent> {
        self.inner.tx.subscribe()
    }

    fn with_snapshot<R>(&self, f: impl FnOnce(&mut Snapshot, &mut Vec<BridgeEvent>) -> R) -> R {
        let mut events = Vec::new();
        let mut snap = self
            .inner
            .snapshot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let r = f(&mut snap, &mut events);
        // Sent while holding the lock, so that events from two threads keep their order.
        for e in events {
            tracing::debug!(event = ?EventLabel(&e), "event");
            let _ = self.inner.tx.send(e);
        }
        r
    }

    /// Reports the full current state: every reader and the ATR of the card it holds. Sends
    /// what changed since the last report (`service-up` first if the service was down).
    pub fn sync(&self, readers: &[ReaderInfo]) {
        self.with_snapshot(|snap, events| {
            if snap.down {
                snap.down = false;
                events.push(BridgeEvent::ServiceUp);
            }
            snap.live = true;
            // Readers gone.
            let gone: Vec<Slot> = snap
                .slots
                .iter()
                .filter(|s| !readers.iter().any(|r| r.name == s.name))
                .cloned()
                .collect();
            for s in gone {
                if s.card.is_some() {
                    events.push(BridgeEvent::CardRemoved {
                        reader: s.name.clone(),
                    });
                }
                events.push(BridgeEvent::ReaderRemoved {
                    reader: s.name.clone(),
                });
                snap.slots.retain(|x| x.name != s.name);
            }
            for r in readers {
                let card = r.card_present.then(|| r.atr.clone().unwrap_or_default());
                match snap.slots.iter_mut().find(|s| s.name == r.name) {
                    None => {
                        events.push(BridgeEvent::ReaderAdded {
                            reader: r.name.clone(),
                        });
                        if let Some(a) = &card {
                            events.push(inserted(&r.name, a));
                        }
                        snap.slots.push(Slot {
                            name: r.name.clone(),
                            card,
                        });
                    }
                    Some(slot) => {
                        if slot.card != card {
                            if slot.card.is_some() {
                                events.push(BridgeEvent::CardRemoved {
                                    reader: r.name.clone(),
                                });
                            }
                            if let Some(a) = &card {
                                events.push(inserted(&r.name, a));
                            }
                            slot.card = card;
                        }
                    }
                }
            }
        });
    }

    /// Reports one change seen by a PC/SC watcher; repeated reports (a card already known
    /// to be there) are dropped.
    #[cfg(feature = "pcsc")]
    pub(crate) fn apply(&self, event: &twnhi_pcsc::Event) {
        use twnhi_pcsc::Event;
        self.with_snapshot(|snap, events| match event {
            Event::ReaderAdded { reader } => {
                if !snap.slots.iter().any(|s| &s.name == reader) {
                    snap.slots.push(Slot {
                        name: reader.clone(),
                        card: None,
                    });
                    events.push(BridgeEvent::ReaderAdded {
                        reader: reader.clone(),
                    });
                }
            }
            Event::ReaderRemoved { reader } => {
                if let Some(i) = snap.slots.iter().position(|s| &s.name == reader) {
                    let slot = snap.slots.remove(i);
                    if slot.card.is_some() {
                        events.push(BridgeEvent::CardRemoved {
                            reader: reader.clone(),
                        });
                    }
                    events.push(BridgeEvent::ReaderRemoved {
                        reader: reader.clone(),
                    });
                }
            }
            Event::CardInserted { reader, atr, .. } => {
                let slot = match snap.slots.iter().position(|s| &s.name == reader) {
                    Some(i) => i,
                    None => {
                        events.push(BridgeEvent::ReaderAdded {
                            reader: reader.clone(),
                        });
                        snap.slots.push(Slot {
                            name: reader.clone(),
                            card: None,
                        });
                        snap.slots.len() - 1
                    }
                };
                if let Some(s) = snap.slots.get_mut(slot)
                    && s.card.as_deref() != Some(atr.as_slice())
                {
                    if s.card.is_some() {
                        events.push(BridgeEvent::CardRemoved {
                            reader: reader.clone(),
                        });
                    }
                    s.card = Some(atr.clone());
                    events.push(inserted(reader, atr));
                }
            }
            Event::CardRemoved { reader } => {
                if let Some(s) = snap.slots.iter_mut().find(|s| &s.name == reader)
                    && s.card.take().is_some()
                {
                    events.push(BridgeEvent::CardRemoved {
                        reader: reader.clone(),
                    });
                }
            }
        });
    }

    /// Reports that the card service stopped answering: every known card and reader is
    /// reported removed, then `service-down` (once, until the next [`sync`](Self::sync)).
    pub fn service_down(&self) {
        self.with_snapshot(|snap, events| {
            snap.live = false;
            for s in snap.slots.drain(..) {
                if s.card.is_some() {
                    events.push(BridgeEvent::CardRemoved {
                        reader: s.name.clone(),
                    });
                }
                events.push(BridgeEvent::ReaderRemoved { reader: s.name });
            }
            if !snap.down {
                snap.down = true;
                events.push(BridgeEvent::ServiceDown);
            }
        });
    }

    /// The reader a request naming none should use, as far as the last reports know: the
    /// first reader holding an NHI card, else the first holding a card not known to be
    /// something else. `None` when nothing reported a live state or no card is known.
    pub(crate) fn known_card_reader(&self) -> Option<String> {
        let snap = self
            .inner
            .snapshot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !snap.live {
            return None;
        }
        snap.slots
            .iter()
            .filter_map(|s| s.card.as_deref().map(|a| (s, rank(a))))
            .filter(|(_, r)| *r < 2)
            .min_by_key(|(_, r)| *r)
            .map(|(s, _)| s.name.clone())
    }
}

/// NHI cards first, then unknown cards, then cards known not to be NHI cards.
pub(crate) fn rank(atr_bytes: &[u8]) -> u8 {
    if atr_bytes.is_empty() {
        return 1;
    }
    match atr::recognize(atr_bytes) {
        CardKind::Nhi { .. } => 0,
        CardKind::HealthProfessional => 2,
        _ => 1,
    }
}

/// Logs an event without anything but its kind and reader.
struct EventLabel<'a>(&'a BridgeEvent);

impl std::fmt::Debug for EventLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            BridgeEvent::ReaderAdded { reader } => write!(f, "reader-added {reader}"),
            BridgeEvent::ReaderRemoved { reader } => write!(f, "reader-removed {reader}"),
            BridgeEvent::CardInserted { reader, .. } => write!(f, "card-inserted {reader}"),
            BridgeEvent::CardRemoved { reader } => write!(f, "card-removed {reader}"),
            BridgeEvent::ServiceDown => write!(f, "service-down"),
            BridgeEvent::ServiceUp => write!(f, "service-up"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_card::atr::DEFAULT_NHI_ATR;

    fn info(name: &str, atr: Option<&[u8]>) -> ReaderInfo {
        match atr {
            Some(atr) => ReaderInfo::with_card(name, atr),
            None => ReaderInfo::empty(name),
        }
    }

    fn drain(rx: &mut broadcast::Receiver<BridgeEvent>) -> Vec<BridgeEvent> {
        std::iter::from_fn(|| rx.try_recv().ok()).collect()
    }

    fn names(events: &[BridgeEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| format!("{:?}", EventLabel(e)))
            .collect()
    }

    #[test]
    fn sync_reports_differences_only() {
        let sink = EventSink::new();
        let mut rx = sink.subscribe();
        assert_eq!(sink.known_card_reader(), None);
        sink.sync(&[info("A", None), info("B", Some(DEFAULT_NHI_ATR))]);
        assert_eq!(
            names(&drain(&mut rx)),
            ["reader-added A", "reader-added B", "card-inserted B"]
        );
        assert_eq!(sink.known_card_reader().as_deref(), Some("B"));
        sink.sync(&[info("A", None), info("B", Some(DEFAULT_NHI_ATR))]);
        assert!(drain(&mut rx).is_empty());
        sink.sync(&[info("A", Some(&[0x3B, 0x00]))]);
        assert_eq!(
            names(&drain(&mut rx)),
            ["card-removed B", "reader-removed B", "card-inserted A"]
        );
        assert_eq!(sink.known_card_reader().as_deref(), Some("A"));
    }

    #[cfg(feature = "pcsc")]
    #[test]
    fn watcher_events_are_deduplicated() {
        use twnhi_pcsc::Event;
        let sink = EventSink::new();
        let mut rx = sink.subscribe();
        sink.sync(&[info("A", Some(DEFAULT_NHI_ATR))]);
        drain(&mut rx);
        // A watcher's first look reports the card already known.
        sink.apply(&Event::CardInserted {
            reader: "A".into(),
            atr: DEFAULT_NHI_ATR.to_vec(),
            card_kind: atr::recognize(DEFAULT_NHI_ATR),
        });
        assert!(drain(&mut rx).is_empty());
        sink.apply(&Event::CardRemoved { reader: "A".into() });
        sink.apply(&Event::CardRemoved { reader: "A".into() });
        assert_eq!(names(&drain(&mut rx)), ["card-removed A"]);
        assert_eq!(sink.known_card_reader(), None);
        sink.apply(&Event::ReaderAdded { reader: "B".into() });
        sink.apply(&Event::CardInserted {
            reader: "C".into(),
            atr: vec![],
            card_kind: CardKind::Unknown,
        });
        sink.apply(&Event::ReaderRemoved { reader: "C".into() });
        assert_eq!(
            names(&drain(&mut rx)),
            [
                "reader-added B",
                "reader-added C",
                "card-inserted C",
                "card-removed C",
                "reader-removed C"
            ]
        );
    }

    #[test]
    fn service_down_and_up() {
        let sink = EventSink::new();
        let mut rx = sink.subscribe();
        sink.sync(&[info("A", Some(DEFAULT_NHI_ATR))]);
        drain(&mut rx);
        sink.service_down();
        sink.service_down();
        assert_eq!(
            names(&drain(&mut rx)),
            ["card-removed A", "reader-removed A", "service-down"]
        );
        assert_eq!(sink.known_card_reader(), None);
        sink.sync(&[info("A", Some(DEFAULT_NHI_ATR))]);
        assert_eq!(
            names(&drain(&mut rx)),
            ["service-up", "reader-added A", "card-inserted A"]
        );
    }

    #[test]
    fn health_professional_cards_are_not_chosen() {
        let sink = EventSink::new();
        let hpc = twnhi_card::atr::KNOWN_ATRS
            .iter()
            .find(|k| matches!(atr::recognize(k.atr), CardKind::HealthProfessional))
            .map(|k| k.atr);
        if let Some(hpc) = hpc {
            sink.sync(&[info("A", Some(hpc))]);
            assert_eq!(sink.known_card_reader(), None);
            sink.sync(&[info("A", Some(hpc)), info("B", Some(&[0x3B, 0x01]))]);
            assert_eq!(sink.known_card_reader().as_deref(), Some("B"));
        }
    }
}
