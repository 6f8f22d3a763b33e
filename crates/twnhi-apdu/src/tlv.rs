//! BER-TLV and SIMPLE-TLV data objects (ISO/IEC 7816-4 §6.3), through the `iso7816-tlv` crate.
//!
//! The functions here parse a whole data field and fail on the first malformed object, rather
//! than silently stopping as `parse_all` of `iso7816-tlv` does. BER-TLV input is first scanned
//! for its nesting depth so that hostile input (thousands of nested constructed objects) is
//! refused with [`TlvError::TooDeep`] instead of exhausting the stack.
//!
//! Needs the `alloc` feature: the parsed objects own their values.
//!
//! ```
//! use twnhi_apdu::tlv::{self, ber};
//!
//! // 6F (FCI template) { 84 (DF name) = D1 58 }
//! let objects = tlv::parse_ber(&[0x6F, 0x04, 0x84, 0x02, 0xD1, 0x58])?;
//! let df_name = ber::Tag::try_from(0x84_u64).ok().and_then(|t| objects[0].find(&t).cloned());
//! assert!(matches!(df_name.map(|t| t.value().clone()), Some(ber::Value::Primitive(v)) if v == [0xD1, 0x58]));
//! # Ok::<(), twnhi_apdu::tlv::TlvError>(())
//! ```

use alloc::vec::Vec;
pub use iso7816_tlv::{ber, simple};
use thiserror::Error;

/// Deepest nesting of constructed BER-TLV objects accepted by [`parse_ber`].
pub const MAX_DEPTH: usize = 16;

/// Why a data field is not a sequence of well-formed TLV objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum TlvError {
    /// Constructed objects nest deeper than [`MAX_DEPTH`].
    #[error("TLV objects nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The input ends inside an object.
    #[error("TLV input is truncated")]
    Truncated,
    /// A length field is malformed or inconsistent with the contents.
    #[error("TLV length is invalid or inconsistent")]
    InvalidLength,
    /// A tag is malformed or reserved.
    #[error("TLV tag is invalid")]
    InvalidTag,
}

impl From<iso7816_tlv::TlvError> for TlvError {
    fn from(e: iso7816_tlv::TlvError) -> Self {
        use iso7816_tlv::TlvError as E;
        match e {
            E::TruncatedInput => TlvError::Truncated,
            E::InvalidLength | E::Inconsistant => TlvError::InvalidLength,
            E::InvalidInput | E::TagIsRFU | E::ParseIntError => TlvError::InvalidTag,
        }
    }
}

/// Parses a data field made of BER-TLV objects.
///
/// # Errors
/// A [`TlvError`] on the first malformed object, or when objects nest too deeply.
pub fn parse_ber(mut input: &[u8]) -> Result<Vec<ber::Tlv>, TlvError> {
    check_depth(input, 0)?;
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = ber::Tlv::parse(input);
        out.push(tlv?);
        input = rest;
    }
    Ok(out)
}

/// Parses a data field made of SIMPLE-TLV objects.
///
/// # Errors
/// A [`TlvError`] on the first malformed object.
pub fn parse_simple(mut input: &[u8]) -> Result<Vec<simple::Tlv>, TlvError> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = simple::Tlv::parse(input);
        out.push(tlv?);
        input = rest;
    }
    Ok(out)
}

/// Walks the BER structure without building it, refusing nesting deeper than [`MAX_DEPTH`].
/// Malformed input is left for the real parser to report.
fn check_depth(mut input: &[u8], depth: usize) -> Result<(), TlvError> {
    while let Some((&first, rest)) = input.split_first() {
        let constructed = first & 0x20 != 0;
        let mut rest = rest;
        if first & 0x1F == 0x1F {
            // Subsequent tag bytes: continue while bit 8 is set.
            loop {
                match rest.split_first() {
                    Some((&b, r)) => {
                        rest = r;
                        if b & 0x80 == 0 {
                            break;
                        }
                    }
                    None => return Ok(()),
                }
            }
        }
        let Some((&l, r)) = rest.split_first() else {
            return Ok(());
        };
        rest = r;
        let len = if l & 0x80 == 0 {
            usize::from(l)
        } else {
            let n = usize::from(l & 0x7F);
            if n > 4 || rest.len() < n {
                return Ok(());
            }
            let (len_bytes, r) = rest.split_at(n);
            rest = r;
            len_bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        };
        if rest.len() < len {
            return Ok(());
        }
        let (value, r) = rest.split_at(len);
        if constructed {
            if depth >= MAX_DEPTH {
                return Err(TlvError::TooDeep);
            }
            check_depth(value, depth + 1)?;
        }
        input = r;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec;

    #[test]
    fn parses_nested_ber() {
        let data = [
            0x6F, 0x07, 0x84, 0x02, 0xD1, 0x58, 0x85, 0x01, 0x11, 0x90, 0x00,
        ];
        // Trailing bytes 90 00 are parsed as a second (primitive, tag 90, len 0) object.
        let v = parse_ber(&data).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].to_vec(), &data[..9]);
    }

    #[test]
    fn reports_truncation() {
        assert_eq!(parse_ber(&[0x84, 0x05, 1, 2]), Err(TlvError::Truncated));
        assert_eq!(parse_simple(&[0x01, 0x05, 1, 2]), Err(TlvError::Truncated));
    }

    #[test]
    fn refuses_deep_nesting() {
        // 2000 nested constructed objects of tag 0x20 with 1-byte lengths is not possible
        // (lengths grow), so build it with long-form lengths from the inside out.
        let mut v: Vec<u8> = Vec::new();
        for _ in 0..2000 {
            let len = v.len();
            let mut outer = vec![0x30, 0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8];
            outer.extend_from_slice(&v);
            v = outer;
        }
        assert_eq!(parse_ber(&v), Err(TlvError::TooDeep));
    }

    #[test]
    fn simple_round_trip() {
        let data = [0x01, 0x02, 0xAA, 0xBB, 0x02, 0x00];
        let v = parse_simple(&data).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].value(), &[0xAA, 0xBB]);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_ber(&bytes);
            let _ = parse_simple(&bytes);
        }

        #[test]
        fn ber_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(objs) = parse_ber(&bytes) {
                // Encoding is canonical, so re-encoding may differ from non-minimal input,
                // but re-parsing the encoding gives the same objects.
                let enc: Vec<u8> = objs.iter().flat_map(|t| t.to_vec()).collect();
                prop_assert_eq!(parse_ber(&enc).unwrap(), objs);
            }
        }
    }
}
