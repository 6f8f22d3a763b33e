//! Response APDUs: a data field followed by the status word.

use crate::Status;
use thiserror::Error;

/// Why a byte string is not a response APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// Fewer than the two status bytes.
    #[error("response APDU shorter than its 2-byte status word")]
    TooShort,
}

/// A zero-copy view of a response APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Response<'a> {
    data: &'a [u8],
    status: Status,
}

impl<'a> Response<'a> {
    /// A response made of `data` and `status`.
    pub fn new(data: &'a [u8], status: Status) -> Self {
        Response { data, status }
    }

    /// Splits `bytes` into data and status word without copying.
    ///
    /// # Errors
    /// [`ResponseError::TooShort`] when fewer than two bytes were received.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ResponseError> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Response {
                data,
                status: Status::from_bytes(*sw1, *sw2),
            }),
            _ => Err(ResponseError::TooShort),
        }
    }

    /// The data field (possibly empty).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The status word.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Number of bytes [`encode_into`](Self::encode_into) writes.
    pub fn encoded_len(&self) -> usize {
        self.data.len() + 2
    }

    /// Writes data then status word into `buf`, returning the length, or `None` when `buf` is
    /// too small. Never allocates.
    pub fn encode_into(&self, buf: &mut [u8]) -> Option<usize> {
        let n = self.data.len();
        let out = buf.get_mut(..n + 2)?;
        let (d, sw) = out.split_at_mut(n);
        d.copy_from_slice(self.data);
        sw.copy_from_slice(&self.status.to_bytes());
        Some(n + 2)
    }

    /// Data then status word in a new vector. Needs the `alloc` feature.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec::Vec::with_capacity(self.encoded_len());
        v.extend_from_slice(self.data);
        v.extend_from_slice(&self.status.to_bytes());
        v
    }
}

impl<'a> TryFrom<&'a [u8]> for Response<'a> {
    type Error = ResponseError;
    fn try_from(bytes: &'a [u8]) -> Result<Self, ResponseError> {
        Response::parse(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec;

    #[test]
    fn splits_data_and_status() {
        let r = Response::parse(&[0x90, 0x00]).unwrap();
        assert!(r.data().is_empty());
        assert!(r.status().is_success());
        let r = Response::parse(&[1, 2, 3, 0x6C, 0x39]).unwrap();
        assert_eq!(r.data(), &[1, 2, 3]);
        assert_eq!(r.status(), Status::WrongLe(0x39));
        assert_eq!(Response::parse(&[0x90]), Err(ResponseError::TooShort));
        assert_eq!(Response::parse(&[]), Err(ResponseError::TooShort));
    }

    proptest! {
        #[test]
        fn parse_encode_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            match Response::parse(&bytes) {
                Ok(r) => {
                    #[cfg(feature = "alloc")]
                    prop_assert_eq!(r.to_vec(), bytes.clone());
                    let mut buf = vec![0u8; bytes.len()];
                    prop_assert_eq!(r.encode_into(&mut buf), Some(bytes.len()));
                    prop_assert_eq!(buf, bytes);
                }
                Err(_) => prop_assert!(bytes.len() < 2),
            }
        }
    }
}
