//! `serde` helpers: bytes as upper-case hex, card kinds as labels.

use serde::Serializer;
use twnhi_card::atr::CardKind;

pub(crate) fn bytes<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode_upper(bytes))
}

pub(crate) fn option<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => s.serialize_str(&hex::encode_upper(b)),
        None => s.serialize_none(),
    }
}

pub(crate) fn card_kind<S: Serializer>(kind: &CardKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(crate::reader::card_kind_label(*kind))
}
