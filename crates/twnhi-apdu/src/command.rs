//! Command APDUs (ISO/IEC 7816-4 §5.1, ISO/IEC 7816-3 §12.1): building, encoding, parsing.

use thiserror::Error;

/// Largest data field (`Nc`) a short command can carry.
pub const MAX_NC_SHORT: usize = 255;
/// Largest data field (`Nc`) an extended command can carry.
pub const MAX_NC_EXTENDED: usize = 65_535;
/// Largest expected response length (`Ne`) a short command can ask for (`Le = 00`).
pub const MAX_NE_SHORT: u32 = 256;
/// Largest expected response length (`Ne`) an extended command can ask for (`Le = 00 00`).
pub const MAX_NE_EXTENDED: u32 = 65_536;

/// The four command cases of ISO/IEC 7816-3 §12.1.3, short or extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    /// No data, no response data expected: `CLA INS P1 P2`.
    Case1,
    /// No data, response data expected: `CLA INS P1 P2 Le`.
    Case2Short,
    /// Data, no response data expected: `CLA INS P1 P2 Lc data`.
    Case3Short,
    /// Data and response data: `CLA INS P1 P2 Lc data Le`.
    Case4Short,
    /// Case 2 with a three-byte `Le` (`00 Le1 Le2`).
    Case2Extended,
    /// Case 3 with a three-byte `Lc` (`00 Lc1 Lc2`).
    Case3Extended,
    /// Case 4 with a three-byte `Lc` and a two-byte `Le`.
    Case4Extended,
}

/// Why a byte string is not a well-formed command APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Fewer than the four header bytes.
    #[error("command APDU shorter than its 4-byte header")]
    TooShort,
    /// The length fields do not match the number of bytes received.
    #[error("command APDU length fields do not match its size")]
    InconsistentLength,
    /// An extended command with data announced `Lc = 00 00`.
    #[error("extended command APDU announces an empty data field")]
    ZeroExtendedLc,
}

/// Why a command cannot be built or encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The data field is longer than an extended APDU can carry.
    #[error("data field of {len} bytes exceeds the 65535-byte maximum")]
    DataTooLong {
        /// Length of the rejected data field.
        len: usize,
    },
    /// `Ne` is larger than 65536.
    #[error("expected length {ne} exceeds the 65536-byte maximum")]
    LeTooLarge {
        /// The rejected expected length.
        ne: u32,
    },
    /// The output buffer cannot hold the encoded command.
    #[error("buffer of {available} bytes cannot hold a {needed}-byte command APDU")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
}

/// A command APDU whose data field is borrowed.
///
/// Built with [`Command::builder`] or parsed from bytes with [`Command::parse`] (zero-copy: the
/// data field of a parsed command points into the received buffer). Encoding with
/// [`Command::encode_into`] writes into a caller's buffer and never allocates.
///
/// `ne` is the expected response length `Ne`: `0` means "no `Le` field", `1..=256` fits a short
/// `Le` (256 is encoded as `00`) and up to 65536 fits an extended one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Command<'a> {
    cla: u8,
    ins: u8,
    p1: u8,
    p2: u8,
    data: &'a [u8],
    ne: u32,
    extended: bool,
}

/// Builder for [`Command`]; see [`Command::builder`].
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct CommandBuilder<'a> {
    cmd: Command<'a>,
    force_extended: bool,
}

impl<'a> CommandBuilder<'a> {
    /// Sets the data field (`Nc` = its length).
    pub fn data(mut self, data: &'a [u8]) -> Self {
        self.cmd.data = data;
        self
    }

    /// Sets the expected response length `Ne` (0 = no `Le` field, 256 = "up to 256" in a short
    /// command, 65536 = "up to 65536" in an extended one).
    pub fn le(mut self, ne: u32) -> Self {
        self.cmd.ne = ne;
        self
    }

    /// Forces the extended length encoding even when short lengths would do.
    pub fn extended(mut self, extended: bool) -> Self {
        self.force_extended = extended;
        self
    }

    /// Checks the lengths and returns the command. Extended encoding is chosen automatically
    /// when the data field exceeds 255 bytes or `Ne` exceeds 256.
    ///
    /// # Errors
    /// [`EncodeError::DataTooLong`] or [`EncodeError::LeTooLarge`].
    pub fn build(self) -> Result<Command<'a>, EncodeError> {
        let mut cmd = self.cmd;
        if cmd.data.len() > MAX_NC_EXTENDED {
            return Err(EncodeError::DataTooLong {
                len: cmd.data.len(),
            });
        }
        if cmd.ne > MAX_NE_EXTENDED {
            return Err(EncodeError::LeTooLarge { ne: cmd.ne });
        }
        let needs_extended = cmd.data.len() > MAX_NC_SHORT || cmd.ne > MAX_NE_SHORT;
        // Case 1 has no length field, so it cannot be "extended".
        cmd.extended =
            (self.force_extended || needs_extended) && !(cmd.data.is_empty() && cmd.ne == 0);
        Ok(cmd)
    }
}

impl<'a> Command<'a> {
    /// A case 1 command (header only, no data, no `Le`).
    pub const fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: &[],
            ne: 0,
            extended: false,
        }
    }

    /// Starts building a command with the given header.
    pub fn builder(cla: u8, ins: u8, p1: u8, p2: u8) -> CommandBuilder<'a> {
        CommandBuilder {
            cmd: Command::new(cla, ins, p1, p2),
            force_extended: false,
        }
    }

    /// Class byte.
    pub fn cla(&self) -> u8 {
        self.cla
    }
    /// Instruction byte.
    pub fn ins(&self) -> u8 {
        self.ins
    }
    /// Parameter 1.
    pub fn p1(&self) -> u8 {
        self.p1
    }
    /// Parameter 2.
    pub fn p2(&self) -> u8 {
        self.p2
    }
    /// The data field (empty when there is none).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    /// Expected response length `Ne` (0 when there is no `Le` field).
    pub fn ne(&self) -> u32 {
        self.ne
    }
    /// Whether the command uses extended length fields.
    pub fn is_extended(&self) -> bool {
        self.extended
    }

    /// The command case.
    pub fn case(&self) -> Case {
        match (self.data.is_empty(), self.ne == 0, self.extended) {
            (true, true, _) => Case::Case1,
            (true, false, false) => Case::Case2Short,
            (false, true, false) => Case::Case3Short,
            (false, false, false) => Case::Case4Short,
            (true, false, true) => Case::Case2Extended,
            (false, true, true) => Case::Case3Extended,
            (false, false, true) => Case::Case4Extended,
        }
    }

    /// The same command with another expected length, re-choosing short or extended encoding
    /// (used to resend after a `6Cxx` status).
    ///
    /// # Errors
    /// [`EncodeError::LeTooLarge`] when `ne` exceeds 65536.
    pub fn with_ne(&self, ne: u32) -> Result<Command<'a>, EncodeError> {
        Command::builder(self.cla, self.ins, self.p1, self.p2)
            .data(self.data)
            .le(ne)
            .extended(self.extended)
            .build()
    }

    /// Number of bytes [`encode_into`](Self::encode_into) writes.
    pub fn encoded_len(&self) -> usize {
        let nc = self.data.len();
        let has_le = self.ne != 0;
        4 + match (self.extended, nc, has_le) {
            (_, 0, false) => 0,
            (false, 0, true) => 1,
            (false, n, le) => 1 + n + usize::from(le),
            (true, 0, true) => 3,
            (true, n, le) => 3 + n + 2 * usize::from(le),
        }
    }

    /// Encodes the command into `buf`, returning the number of bytes written. Never allocates.
    ///
    /// # Errors
    /// [`EncodeError::BufferTooSmall`] when `buf` is shorter than
    /// [`encoded_len`](Self::encoded_len).
    pub fn encode_into(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let needed = self.encoded_len();
        let available = buf.len();
        let out = buf
            .get_mut(..needed)
            .ok_or(EncodeError::BufferTooSmall { needed, available })?;
        let mut w = Writer { out, pos: 0 };
        w.put(&[self.cla, self.ins, self.p1, self.p2]);
        let nc = self.data.len();
        // Lengths were range-checked by the builder or the parser; the casts below cannot
        // truncate (Nc <= 65535, Ne <= 65536 where 65536 and 256 encode as zero).
        if self.extended {
            if nc > 0 {
                w.put(&[0x00]);
                w.put(&(nc as u16).to_be_bytes());
                w.put(self.data);
                if self.ne != 0 {
                    w.put(&((self.ne & 0xFFFF) as u16).to_be_bytes());
                }
            } else if self.ne != 0 {
                w.put(&[0x00]);
                w.put(&((self.ne & 0xFFFF) as u16).to_be_bytes());
            }
        } else {
            if nc > 0 {
                w.put(&[nc as u8]);
                w.put(self.data);
            }
            if self.ne != 0 {
                w.put(&[(self.ne & 0xFF) as u8]);
            }
        }
        Ok(w.pos)
    }

    /// Encodes the command into a new vector (a convenience over
    /// [`encode_into`](Self::encode_into)). Needs the `alloc` feature.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.encoded_len()];
        // The buffer has exactly the encoded length, so this cannot fail.
        let n = self.encode_into(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }

    /// Parses a command APDU without copying: the data field borrows from `bytes`.
    ///
    /// # Errors
    /// A [`ParseError`] when the length fields are inconsistent with the size.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let [cla, ins, p1, p2, body @ ..] = bytes else {
            return Err(ParseError::TooShort);
        };
        let mut cmd = Command::new(*cla, *ins, *p1, *p2);
        match body {
            [] => {}
            [le] => cmd.ne = short_ne(*le),
            [0x00, rest @ ..] => {
                // Extended length (first length byte zero, more than one length byte).
                cmd.extended = true;
                match rest {
                    [le1, le2] => cmd.ne = extended_ne(*le1, *le2),
                    [lc1, lc2, tail @ ..] => {
                        let nc = usize::from(u16::from_be_bytes([*lc1, *lc2]));
                        if nc == 0 {
                            return Err(ParseError::ZeroExtendedLc);
                        }
                        match tail.len().checked_sub(nc) {
                            Some(0) => cmd.data = tail,
                            Some(2) => {
                                let (data, le) = tail.split_at(nc);
                                cmd.data = data;
                                if let [le1, le2] = le {
                                    cmd.ne = extended_ne(*le1, *le2);
                                }
                            }
                            _ => return Err(ParseError::InconsistentLength),
                        }
                    }
                    _ => return Err(ParseError::InconsistentLength),
                }
            }
            [lc, tail @ ..] => {
                let nc = usize::from(*lc);
                match tail.len().checked_sub(nc) {
                    Some(0) => cmd.data = tail,
                    Some(1) => {
                        let (data, le) = tail.split_at(nc);
                        cmd.data = data;
                        if let [le] = le {
                            cmd.ne = short_ne(*le);
                        }
                    }
                    _ => return Err(ParseError::InconsistentLength),
                }
            }
        }
        Ok(cmd)
    }
}

impl<'a> TryFrom<&'a [u8]> for Command<'a> {
    type Error = ParseError;
    fn try_from(bytes: &'a [u8]) -> Result<Self, ParseError> {
        Command::parse(bytes)
    }
}

fn short_ne(le: u8) -> u32 {
    if le == 0 { 256 } else { u32::from(le) }
}

fn extended_ne(le1: u8, le2: u8) -> u32 {
    match u16::from_be_bytes([le1, le2]) {
        0 => 65_536,
        n => u32::from(n),
    }
}

/// Cursor over a buffer already checked to be large enough.
struct Writer<'b> {
    out: &'b mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        if let Some(dst) = self.out.get_mut(self.pos..end) {
            dst.copy_from_slice(bytes);
            self.pos = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::{vec, vec::Vec};

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    /// The encoding through `encode_into`, which `to_vec` (with `alloc`) must agree with.
    fn encoded(cmd: &Command<'_>) -> Vec<u8> {
        let mut v = vec![0u8; cmd.encoded_len()];
        let n = cmd.encode_into(&mut v).unwrap();
        assert_eq!(n, v.len());
        #[cfg(feature = "alloc")]
        assert_eq!(cmd.to_vec(), v);
        v
    }

    #[test]
    fn nhi_commands_encode_as_documented() {
        // The SELECT every public NHI reader sends: Lc = 16, the AID and a trailing 00.
        let aid = hex("D1 58 00 00 01 00 00 00 00 00 00 00 00 00 11 00");
        let select = Command::builder(0x00, 0xA4, 0x04, 0x00)
            .data(&aid)
            .build()
            .unwrap();
        assert_eq!(
            encoded(&select),
            hex("00 A4 04 00 10 D1 58 00 00 01 00 00 00 00 00 00 00 00 00 11 00")
        );
        assert_eq!(select.case(), Case::Case3Short);

        let get_data = Command::builder(0x00, 0xCA, 0x11, 0x00)
            .data(&[0, 0])
            .build()
            .unwrap();
        assert_eq!(encoded(&get_data), hex("00 CA 11 00 02 00 00"));
        assert_eq!(get_data.case(), Case::Case3Short);

        let challenge = Command::builder(0x00, 0x84, 0x00, 0x00)
            .le(8)
            .build()
            .unwrap();
        assert_eq!(encoded(&challenge), hex("00 84 00 00 08"));
        assert_eq!(challenge.case(), Case::Case2Short);

        let case1 = Command::builder(0x00, 0x70, 0x00, 0x00).build().unwrap();
        assert_eq!(encoded(&case1), hex("00 70 00 00"));
        assert_eq!(case1.case(), Case::Case1);
    }

    #[test]
    fn extended_lengths() {
        let data = vec![0xAB; 300];
        let c = Command::builder(0x80, 0x10, 1, 2)
            .data(&data)
            .build()
            .unwrap();
        let v = encoded(&c);
        assert_eq!(&v[..7], &[0x80, 0x10, 1, 2, 0x00, 0x01, 0x2C]);
        assert_eq!(v.len(), 7 + 300);
        assert_eq!(c.case(), Case::Case3Extended);

        let c = Command::builder(0, 0xB0, 0, 0).le(65_536).build().unwrap();
        assert_eq!(encoded(&c), hex("00 B0 00 00 00 00 00"));
        assert_eq!(c.case(), Case::Case2Extended);

        let c = Command::builder(0, 0xB0, 0, 0)
            .data(&[1])
            .le(1000)
            .build()
            .unwrap();
        assert_eq!(encoded(&c), hex("00 B0 00 00 00 00 01 01 03 E8"));
        assert_eq!(c.case(), Case::Case4Extended);

        // Forcing extended on a case 1 command has no effect: there is no length field.
        let c = Command::builder(0, 0x70, 0, 0)
            .extended(true)
            .build()
            .unwrap();
        assert_eq!(c.case(), Case::Case1);
    }

    #[test]
    fn builder_rejects_out_of_range_lengths() {
        let data = vec![0; 65_536];
        assert_eq!(
            Command::builder(0, 0, 0, 0).data(&data).build(),
            Err(EncodeError::DataTooLong { len: 65_536 })
        );
        assert_eq!(
            Command::builder(0, 0, 0, 0).le(65_537).build(),
            Err(EncodeError::LeTooLarge { ne: 65_537 })
        );
    }

    #[test]
    fn encode_into_small_buffer_fails_cleanly() {
        let c = Command::builder(0, 0x84, 0, 0).le(8).build().unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(
            c.encode_into(&mut buf),
            Err(EncodeError::BufferTooSmall {
                needed: 5,
                available: 4
            })
        );
    }

    #[test]
    fn parse_cases() {
        let b = hex("00 CA 11 00 02 00 00");
        let c = Command::parse(&b).unwrap();
        assert_eq!(
            (c.ins(), c.p1(), c.data(), c.ne()),
            (0xCA, 0x11, &[0u8, 0][..], 0)
        );
        let b = hex("00 CA 11 00 02 00 00 00");
        let c = Command::parse(&b).unwrap();
        assert_eq!((c.data(), c.ne()), (&[0u8, 0][..], 256));
        let b = hex("00 84 00 00 08");
        assert_eq!(Command::parse(&b).unwrap().ne(), 8);
        let b = hex("00 84 00 00 00");
        assert_eq!(Command::parse(&b).unwrap().ne(), 256);
        let b = hex("00 B0 00 00 00 00 00");
        let c = Command::parse(&b).unwrap();
        assert_eq!((c.ne(), c.is_extended()), (65_536, true));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(Command::parse(&[0, 1, 2]), Err(ParseError::TooShort));
        assert_eq!(
            Command::parse(&hex("00 CA 11 00 03 00 00")),
            Err(ParseError::InconsistentLength)
        );
        assert_eq!(
            Command::parse(&hex("00 CA 11 00 00 00")),
            Err(ParseError::InconsistentLength)
        );
        assert_eq!(
            Command::parse(&hex("00 CA 11 00 00 00 00 AA")),
            Err(ParseError::ZeroExtendedLc)
        );
    }

    fn arb_command() -> impl Strategy<Value = (u8, u8, u8, u8, Vec<u8>, u32, bool)> {
        (
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..=255),
                proptest::collection::vec(any::<u8>(), 256..=1024),
            ],
            prop_oneof![Just(0u32), 1u32..=256, 257u32..=65_536],
            any::<bool>(),
        )
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Command::parse(&bytes);
        }

        #[test]
        fn build_encode_parse_round_trip((cla, ins, p1, p2, data, ne, ext) in arb_command()) {
            let cmd = Command::builder(cla, ins, p1, p2).data(&data).le(ne).extended(ext).build().unwrap();
            let mut buf = vec![0u8; cmd.encoded_len()];
            let n = cmd.encode_into(&mut buf).unwrap();
            prop_assert_eq!(n, buf.len());
            let parsed = Command::parse(&buf).unwrap();
            prop_assert_eq!(parsed, cmd);
            prop_assert_eq!(encoded(&parsed), buf);
        }

        #[test]
        fn parse_encode_round_trip(bytes in proptest::collection::vec(any::<u8>(), 4..300)) {
            if let Ok(cmd) = Command::parse(&bytes) {
                prop_assert_eq!(encoded(&cmd), bytes);
            }
        }
    }
}
