//! Reader and card events from `SCardGetStatusChange`.

use crate::context::{CancelHandle, Shared, card_in, check_cancel, display_name};
use crate::error::{cancelled, card_error};
use crate::pcsc::{self, ReaderState, State};
use serde::Serialize;
use std::ffi::CString;
use std::sync::Arc;
use std::time::{Duration, Instant};
use twnhi_card::CardError;
use twnhi_card::atr::{self, CardKind};

/// The longest single `SCardGetStatusChange` call. Between calls the reader list is checked
/// again (older pcsc-lite only reports reader changes that happen *during* a call) and a
/// cancellation that raced the start of a call is seen.
const SLICE: Duration = Duration::from_secs(2);

/// A change seen by a [`Watcher`].
///
/// Serialises as one JSON object tagged by `event`:
/// `{"event":"card-inserted","reader":"…","atr":"3BFF…","card_kind":"nhi"}`,
/// `{"event":"card-removed","reader":"…"}`, `{"event":"reader-added","reader":"…"}`,
/// `{"event":"reader-removed","reader":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A reader was connected.
    ReaderAdded {
        /// The reader's name.
        reader: String,
    },
    /// A reader was disconnected (after [`Event::CardRemoved`] if it held a card).
    ReaderRemoved {
        /// The reader's name.
        reader: String,
    },
    /// A card is in a reader: inserted, or already there when the watcher started.
    CardInserted {
        /// The reader's name.
        reader: String,
        /// The card's answer-to-reset (empty for a mute card); hex in JSON.
        #[serde(serialize_with = "crate::hexser::bytes")]
        atr: Vec<u8>,
        /// What the ATR says about the card; a label in JSON (see
        /// [`card_kind_label`](crate::card_kind_label)).
        #[serde(serialize_with = "crate::hexser::card_kind")]
        card_kind: CardKind,
    },
    /// The card left a reader.
    CardRemoved {
        /// The reader's name.
        reader: String,
    },
}

/// What is known about one reader between two calls.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    name: CString,
    display: String,
    /// The card's ATR while a card is in the reader.
    card: Option<Vec<u8>>,
    /// The reader's card event counter (insertions and removals) when last seen.
    count: Option<u32>,
}

/// The card events between what was known of a reader and what it reports now.
///
/// A card counts as replaced when it is still present but the event counter moved on (it
/// was pulled out and put back between two looks) or its ATR changed: that is a removal then
/// an insertion.
fn card_events(
    reader: &str,
    before: Option<&[u8]>,
    before_count: Option<u32>,
    present: bool,
    atr: &[u8],
    count: u32,
) -> Vec<Event> {
    let replaced = present
        && before.is_some()
        && (before_count.is_some_and(|c| c != count) || before != Some(atr));
    let mut events = Vec::new();
    if before.is_some() && (!present || replaced) {
        events.push(Event::CardRemoved {
            reader: reader.to_owned(),
        });
    }
    if present && (before.is_none() || replaced) {
        events.push(Event::CardInserted {
            reader: reader.to_owned(),
            atr: atr.to_vec(),
            card_kind: if atr.is_empty() {
                CardKind::Unknown
            } else {
                atr::recognize(atr)
            },
        });
    }
    events
}

/// Which of `old` are gone from `new` (indexes into `old`) and which of `new` are not in
/// `old` (indexes into `new`).
fn diff_names<T: PartialEq>(old: &[T], new: &[T]) -> (Vec<usize>, Vec<usize>) {
    let gone = (0..old.len())
        .filter(|&i| old.get(i).is_some_and(|o| !new.contains(o)))
        .collect();
    let added = (0..new.len())
        .filter(|&i| new.get(i).is_some_and(|n| !old.contains(n)))
        .collect();
    (gone, added)
}

/// Watches every reader, and the PnP pseudo-reader for readers coming and going.
///
/// Get one from [`Pcsc::watcher`](crate::Pcsc::watcher); it has a PC/SC context of its own
/// and is meant to live in one thread, calling [`next_events`](Self::next_events) in a loop.
pub struct Watcher {
    shared: Arc<Shared>,
    /// `states[0]` is the PnP pseudo-reader; `states[i + 1]` belongs to `slots[i]`.
    states: Vec<ReaderState>,
    slots: Vec<Slot>,
    /// Whether the first look has been taken.
    started: bool,
    /// Whether readers were added whose state has not been read yet.
    fresh: bool,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field(
                "readers",
                &self.slots.iter().map(|s| &s.display).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Watcher {
    pub(crate) fn new(shared: Arc<Shared>) -> Watcher {
        Watcher {
            shared,
            states: vec![ReaderState::new(pcsc::PNP_NOTIFICATION, State::UNAWARE)],
            slots: Vec::new(),
            started: false,
            fresh: false,
        }
    }

    /// A handle another thread can use to cancel a [`next_events`](Self::next_events) in
    /// progress.
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle::new(Arc::clone(&self.shared))
    }

    /// How many readers the watcher knows of.
    pub fn reader_count(&self) -> usize {
        self.slots.len()
    }

    /// Waits up to `timeout` for changes and returns them; an empty list when nothing
    /// changed in time.
    ///
    /// The first call reports the cards already present as [`Event::CardInserted`] (and
    /// returns at once if there are any), so a program starting with a card in the reader
    /// sees it; the readers present at the start are not reported as added. Readers
    /// connected or disconnected later are reported, and the cards they hold.
    ///
    /// # Errors
    /// [`TransportError::ServiceUnavailable`](twnhi_transport::TransportError::ServiceUnavailable)
    /// when the service stopped (the watcher stays usable: a later call reconnects once the
    /// service is back); a cancellation error (see [`is_cancelled`](crate::is_cancelled))
    /// after [`CancelHandle::cancel`].
    pub fn next_events(&mut self, timeout: Duration) -> Result<Vec<Event>, CardError> {
        let deadline = Instant::now().checked_add(timeout);
        let mut events = Vec::new();
        if !self.started {
            self.refresh(&mut events, false)?;
        }
        loop {
            check_cancel(&self.shared)?;
            let pending = !self.started || self.fresh;
            if !events.is_empty() && !pending {
                return Ok(events);
            }
            let remaining = deadline.map_or(SLICE, |d| d.saturating_duration_since(Instant::now()));
            if !pending && remaining.is_zero() {
                return Ok(events);
            }
            let wait = if pending {
                Duration::ZERO
            } else {
                remaining.min(SLICE)
            };
            let states = &mut self.states;
            let result = self.shared.run(|c| c.get_status_change(wait, states));
            match result {
                Ok(()) => {
                    self.started = true;
                    self.fresh = false;
                    if self.take_changes(&mut events) {
                        self.refresh(&mut events, true)?;
                    }
                }
                Err(pcsc::Error::Timeout) => {
                    self.started = true;
                    self.fresh = false;
                    self.refresh(&mut events, true)?;
                }
                Err(pcsc::Error::UnknownReader) => self.refresh(&mut events, true)?,
                Err(pcsc::Error::NoReadersAvailable) => {
                    // Not pcsc-lite's answer, but some stacks give it while no reader exists.
                    std::thread::sleep(wait.min(Duration::from_millis(200)));
                    self.refresh(&mut events, true)?;
                }
                Err(pcsc::Error::Cancelled) => {
                    self.shared.take_cancel();
                    return Err(cancelled());
                }
                Err(e) => return Err(card_error(e)),
            }
        }
    }

    /// Turns the reader states the last call reported into events; returns whether the
    /// reader list must be read again.
    fn take_changes(&mut self, events: &mut Vec<Event>) -> bool {
        let mut refresh = false;
        let mut states = self.states.iter_mut();
        if let Some(pnp) = states.next() {
            refresh |= pnp.event_state().contains(State::CHANGED);
            pnp.sync_current_state();
        }
        for (state, slot) in states.zip(self.slots.iter_mut()) {
            let now = state.event_state();
            if !now.contains(State::CHANGED) {
                continue;
            }
            refresh |= now.intersects(State::UNKNOWN | State::IGNORE);
            let present = card_in(now);
            let count = state.event_count();
            let atr = state.atr();
            events.extend(card_events(
                &slot.display,
                slot.card.as_deref(),
                slot.count,
                present,
                atr,
                count,
            ));
            slot.card = present.then(|| atr.to_vec());
            slot.count = Some(count);
            state.sync_current_state();
        }
        refresh
    }

    /// Reads the reader list again and follows it: readers gone are dropped (their card
    /// reported removed), new readers are added and their state read at the next call.
    fn refresh(&mut self, events: &mut Vec<Event>, announce: bool) -> Result<(), CardError> {
        let names = self.shared.reader_names()?;
        let known: Vec<&CString> = self.slots.iter().map(|s| &s.name).collect();
        let current: Vec<&CString> = names.iter().collect();
        let (gone, added) = diff_names(&known, &current);
        for &i in gone.iter().rev() {
            if i < self.slots.len() && i + 1 < self.states.len() {
                let slot = self.slots.remove(i);
                self.states.remove(i + 1);
                if slot.card.is_some() {
                    events.push(Event::CardRemoved {
                        reader: slot.display.clone(),
                    });
                }
                tracing::debug!(reader = %slot.display, "reader removed");
                events.push(Event::ReaderRemoved {
                    reader: slot.display,
                });
            }
        }
        for name in added.iter().filter_map(|&i| names.get(i)) {
            let shown = display_name(name);
            tracing::debug!(reader = %shown, "reader added");
            if announce {
                events.push(Event::ReaderAdded {
                    reader: shown.clone(),
                });
            }
            self.states
                .push(ReaderState::new(name.clone(), State::UNAWARE));
            self.slots.push(Slot {
                name: name.clone(),
                display: shown,
                card: None,
                count: None,
            });
            self.fresh = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_card::atr::DEFAULT_NHI_ATR;

    fn inserted(reader: &str, atr: &[u8]) -> Event {
        Event::CardInserted {
            reader: reader.into(),
            atr: atr.to_vec(),
            card_kind: atr::recognize(atr),
        }
    }

    fn removed(reader: &str) -> Event {
        Event::CardRemoved {
            reader: reader.into(),
        }
    }

    #[test]
    fn insertions_and_removals() {
        let a = DEFAULT_NHI_ATR;
        // First look at a reader holding a card.
        assert_eq!(card_events("R", None, None, true, a, 1), [inserted("R", a)]);
        // First look at an empty reader.
        assert_eq!(card_events("R", None, None, false, &[], 0), []);
        // Removal.
        assert_eq!(
            card_events("R", Some(a), Some(1), false, &[], 2),
            [removed("R")]
        );
        // Nothing changed about the card (another program connected, say).
        assert_eq!(card_events("R", Some(a), Some(1), true, a, 1), []);
        // Pulled out and put back between two looks: the counter moved on.
        assert_eq!(
            card_events("R", Some(a), Some(1), true, a, 3),
            [removed("R"), inserted("R", a)]
        );
        // Another card, same counter (the counter is unknown on some stacks).
        assert_eq!(
            card_events("R", Some(a), None, true, &[0x3B, 0x00], 0),
            [removed("R"), inserted("R", &[0x3B, 0x00])]
        );
    }

    #[test]
    fn mute_cards_are_unknown_cards() {
        assert_eq!(
            card_events("R", None, None, true, &[], 1),
            [Event::CardInserted {
                reader: "R".into(),
                atr: vec![],
                card_kind: CardKind::Unknown
            }]
        );
    }

    #[test]
    fn reader_list_diffs() {
        let (gone, added) = diff_names(&["a", "b", "c"], &["c", "d", "a"]);
        assert_eq!(gone, [1]);
        assert_eq!(added, [1]);
        let (gone, added) = diff_names::<&str>(&[], &[]);
        assert!(gone.is_empty() && added.is_empty());
        let (gone, added) = diff_names(&["a"], &[]);
        assert_eq!((gone, added), (vec![0], vec![]));
    }

    #[test]
    fn events_serialise_tagged_with_hex_atrs() {
        let e = Event::CardInserted {
            reader: "Virtual PCD 00 00".into(),
            atr: DEFAULT_NHI_ATR.to_vec(),
            card_kind: atr::recognize(DEFAULT_NHI_ATR),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["event"], "card-inserted");
        assert_eq!(json["reader"], "Virtual PCD 00 00");
        assert_eq!(json["atr"], hex::encode_upper(DEFAULT_NHI_ATR));
        assert_eq!(json["card_kind"], "nhi");
        assert_eq!(
            serde_json::to_string(&removed("R")).unwrap(),
            r#"{"event":"card-removed","reader":"R"}"#
        );
        assert_eq!(
            serde_json::to_string(&Event::ReaderAdded { reader: "R".into() }).unwrap(),
            r#"{"event":"reader-added","reader":"R"}"#
        );
        assert_eq!(
            serde_json::to_string(&Event::ReaderRemoved { reader: "R".into() }).unwrap(),
            r#"{"event":"reader-removed","reader":"R"}"#
        );
    }
}
