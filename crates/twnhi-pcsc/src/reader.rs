//! Readers as the backend reports them, and the pure rules for choosing one.

use serde::Serialize;
use twnhi_card::atr::{self, CardKind};
use twnhi_transport::TransportError;

/// A card reader and what it holds.
///
/// Serialises (for `--json` output) as
/// `{"name": …, "card_present": true, "atr": "3BFF…" | null, "card_kind": "nhi"}`, where
/// `card_kind` is one of `nhi`, `health-professional`, `unknown` (see [`card_kind_label`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    /// The reader's PC/SC name, as [`Pcsc::connect`](crate::Pcsc::connect) takes it.
    pub name: String,
    /// Whether a card is in the reader (including a mute card that gave no ATR).
    pub card_present: bool,
    /// The card's answer-to-reset, when a card is present and answered; hex in JSON.
    #[serde(serialize_with = "crate::hexser::option")]
    pub atr: Option<Vec<u8>>,
    /// What the ATR says about the card ([`CardKind::Unknown`] when there is no card).
    #[serde(serialize_with = "crate::hexser::card_kind")]
    pub card_kind: CardKind,
}

impl ReaderInfo {
    /// Builds the description of a reader from its observed state.
    pub(crate) fn observed(name: String, present: bool, atr: &[u8]) -> ReaderInfo {
        let atr = (present && !atr.is_empty()).then(|| atr.to_vec());
        let card_kind = atr.as_deref().map_or(CardKind::Unknown, atr::recognize);
        ReaderInfo {
            name,
            card_present: present,
            atr,
            card_kind,
        }
    }
}

/// A short, stable label for a [`CardKind`]: `nhi`, `health-professional` or `unknown`
/// (the same as [`CardKind::label`]).
pub fn card_kind_label(kind: CardKind) -> &'static str {
    kind.label()
}

/// How much a card is wanted when choosing among readers: NHI cards first, then cards the
/// ATR table does not know (new generations appear before the table does), then cards known
/// not to be NHI cards.
pub(crate) fn rank(kind: CardKind) -> u8 {
    match kind {
        CardKind::Nhi { .. } => 0,
        CardKind::HealthProfessional => 2,
        _ => 1,
    }
}

/// The reader [`Pcsc::read_basic`](crate::Pcsc::read_basic) uses when none is named: the first
/// reader holding a card, preferring NHI ATRs.
///
/// # Errors
/// [`TransportError::NoReader`] for an empty list, [`TransportError::NoCard`] when no reader
/// holds a card.
pub(crate) fn choose_for_read(readers: &[ReaderInfo]) -> Result<&ReaderInfo, TransportError> {
    if readers.is_empty() {
        return Err(TransportError::NoReader);
    }
    readers
        .iter()
        .filter(|r| r.card_present)
        .min_by_key(|r| rank(r.card_kind))
        .ok_or(TransportError::NoCard)
}

/// The reader a wait returns, among those holding a card (`present`, in the order the cards
/// were seen): the named one if a reader is named; otherwise the first with an NHI ATR, else
/// the first card not known to be something else. A card known not to be an NHI card (a
/// Health Professional Card left in a clinic's second slot) does not end a wait for "any
/// reader".
pub(crate) fn choose_for_wait<'a>(
    present: &'a [(String, CardKind)],
    reader: Option<&str>,
) -> Option<&'a str> {
    match reader {
        Some(name) => present
            .iter()
            .find(|(r, _)| r == name)
            .map(|(r, _)| r.as_str()),
        None => present
            .iter()
            .filter(|(_, k)| rank(*k) < 2)
            .min_by_key(|(_, k)| rank(*k))
            .map(|(r, _)| r.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_card::atr::{DEFAULT_NHI_ATR, KNOWN_ATRS};

    fn hpc_atr() -> &'static [u8] {
        KNOWN_ATRS
            .iter()
            .find(|k| k.kind == CardKind::HealthProfessional)
            .map(|k| k.atr)
            .unwrap()
    }

    fn info(name: &str, atr: Option<&[u8]>) -> ReaderInfo {
        ReaderInfo::observed(name.to_owned(), atr.is_some(), atr.unwrap_or_default())
    }

    #[test]
    fn observed_readers() {
        let r = info("A", None);
        assert!(!r.card_present && r.atr.is_none() && r.card_kind == CardKind::Unknown);
        let r = info("B", Some(DEFAULT_NHI_ATR));
        assert!(r.card_present && matches!(r.card_kind, CardKind::Nhi { .. }));
        // A mute card: present, no ATR.
        let r = ReaderInfo::observed("C".into(), true, &[]);
        assert!(r.card_present && r.atr.is_none() && r.card_kind == CardKind::Unknown);
        // An ATR left over in an empty reader is not reported.
        let r = ReaderInfo::observed("D".into(), false, DEFAULT_NHI_ATR);
        assert!(r.atr.is_none());
    }

    #[test]
    fn read_prefers_nhi_cards_then_the_first_card() {
        assert!(matches!(
            choose_for_read(&[]),
            Err(TransportError::NoReader)
        ));
        let empty = [info("A", None), info("B", None)];
        assert!(matches!(
            choose_for_read(&empty),
            Err(TransportError::NoCard)
        ));

        let readers = [
            info("A", None),
            info("B", Some(hpc_atr())),
            info("C", Some(&[0x3B, 0x00])),
            info("D", Some(DEFAULT_NHI_ATR)),
            info("E", Some(DEFAULT_NHI_ATR)),
        ];
        assert_eq!(choose_for_read(&readers).unwrap().name, "D");
        assert_eq!(choose_for_read(&readers[..4]).unwrap().name, "D");
        assert_eq!(choose_for_read(&readers[..3]).unwrap().name, "C");
        // Only a card known not to be an NHI card: still tried, so that SELECT says so.
        assert_eq!(choose_for_read(&readers[..2]).unwrap().name, "B");
    }

    #[test]
    fn waits_skip_cards_known_not_to_be_nhi_cards() {
        let nhi = atr::recognize(DEFAULT_NHI_ATR);
        let hpc = CardKind::HealthProfessional;
        let unknown = CardKind::Unknown;
        let p = |v: &[(&str, CardKind)]| -> Vec<(String, CardKind)> {
            v.iter().map(|(r, k)| ((*r).to_owned(), *k)).collect()
        };

        assert_eq!(choose_for_wait(&[], None), None);
        assert_eq!(choose_for_wait(&p(&[("A", hpc)]), None), None);
        assert_eq!(choose_for_wait(&p(&[("A", hpc)]), Some("A")), Some("A"));
        assert_eq!(
            choose_for_wait(&p(&[("A", hpc), ("B", unknown)]), None),
            Some("B")
        );
        assert_eq!(
            choose_for_wait(&p(&[("A", unknown), ("B", nhi), ("C", nhi)]), None),
            Some("B")
        );
        assert_eq!(
            choose_for_wait(&p(&[("A", unknown), ("B", nhi)]), Some("C")),
            None
        );
    }

    #[test]
    fn labels_and_json() {
        assert_eq!(card_kind_label(atr::recognize(DEFAULT_NHI_ATR)), "nhi");
        assert_eq!(
            card_kind_label(CardKind::HealthProfessional),
            "health-professional"
        );
        assert_eq!(card_kind_label(CardKind::Unknown), "unknown");

        let json = serde_json::to_value(info("Virtual PCD 00 00", Some(&[0x3B, 0x8A]))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "Virtual PCD 00 00",
                "card_present": true,
                "atr": "3B8A",
                "card_kind": "unknown"
            })
        );
        let json = serde_json::to_value(info("A", None)).unwrap();
        assert_eq!(json["atr"], serde_json::Value::Null);
    }
}
