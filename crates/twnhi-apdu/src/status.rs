//! Status words (ISO/IEC 7816-4 §5.1.3, table 5–6).

use core::fmt;

/// A status word that no other variant of [`Status`] describes: the payload of
/// [`Status::Other`].
///
/// There is no way to build one from an arbitrary `u16`: it comes out of the checked
/// conversions ([`Status::from_u16`], `Status::from`, [`OtherStatus::new`]) only, so
/// `Status::Other` never holds `9000`, `61xx` or any other word that has a variant of its own,
/// and every status word has exactly one [`Status`] value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OtherStatus(u16);

impl OtherStatus {
    /// `sw` as an `OtherStatus`, or `None` when [`Status`] has a variant of its own for it.
    ///
    /// ```
    /// use twnhi_apdu::{OtherStatus, Status};
    ///
    /// let other = OtherStatus::new(0x9001).unwrap();
    /// assert_eq!(Status::from(0x9001), Status::Other(other));
    /// assert_eq!(OtherStatus::new(0x9000), None); // that is Status::Success
    /// ```
    pub const fn new(sw: u16) -> Option<Self> {
        match Status::from_u16(sw) {
            Status::Other(other) => Some(other),
            _ => None,
        }
    }

    /// The status word.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// The two bytes `SW1 SW2`.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }
}

impl From<OtherStatus> for u16 {
    fn from(other: OtherStatus) -> u16 {
        other.0
    }
}

impl fmt::Debug for OtherStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OtherStatus({:04X})", self.0)
    }
}

impl fmt::Display for OtherStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

/// A retry counter of 0 to 15: the payload of [`Status::RetriesLeft`] (`63Cx`).
///
/// Holding only what fits the `x` of `63Cx` keeps the conversion to a status word lossless.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RetryCount(u8);

impl RetryCount {
    /// The largest counter a status word can carry.
    pub const MAX: RetryCount = RetryCount(0x0F);

    /// `n` as a counter, or `None` when it exceeds 15.
    pub const fn new(n: u8) -> Option<Self> {
        if n <= Self::MAX.0 {
            Some(RetryCount(n))
        } else {
            None
        }
    }

    /// The number of retries left.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl From<RetryCount> for u8 {
    fn from(n: RetryCount) -> u8 {
        n.0
    }
}

macro_rules! statuses {
    ($( $(#[$doc:meta])* $name:ident = $sw:literal ),* $(,)?) => {
        /// A response status word `SW1 SW2`.
        ///
        /// Every status word has exactly one `Status` value, and the conversions with `u16`,
        /// `[u8; 2]` and `(u8, u8)` are lossless both ways: for every `u16` value `x`,
        /// `u16::from(Status::from(x)) == x`, and for every `Status` value `s`,
        /// `Status::from(u16::from(s)) == s`. The payloads of [`Status::RetriesLeft`] and
        /// [`Status::Other`] are types that only hold what they may: no `Status::Other` value
        /// stands for `9000`, and no `Status::RetriesLeft` for a counter above 15.
        ///
        /// Status words without a variant of their own are matched through a constant
        /// (a `const fn` conversion makes it; the constant can be a pattern):
        ///
        /// ```
        /// use twnhi_apdu::Status;
        ///
        /// const PROPRIETARY: Status = Status::from_u16(0x9F10);
        /// match Status::from([0x9F, 0x10]) {
        ///     PROPRIETARY => {}
        ///     _ => unreachable!(),
        /// }
        /// ```
        ///
        /// New variants may be added: a word then leaves [`Status::Other`] for its variant.
        /// Match on the `u16` (or on a constant as above) where that must not matter.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Status {
            $( $(#[$doc])* $name, )*
            /// `61xx`: process completed, `xx` more bytes available with GET RESPONSE
            /// (`00` means 256).
            MoreAvailable(u8),
            /// `6Cxx`: wrong `Le`; resend the command with `Le = xx` (`00` means 256).
            WrongLe(u8),
            /// `63Cx`: verification failed, `x` retries left.
            RetriesLeft(RetryCount),
            /// Any other status word, kept as received.
            Other(OtherStatus),
        }

        impl Status {
            /// The status of a status word (the `const` form of `Status::from`).
            pub const fn from_u16(sw: u16) -> Status {
                match sw {
                    $( $sw => Status::$name, )*
                    0x6100..=0x61FF => Status::MoreAvailable((sw & 0xFF) as u8),
                    0x6C00..=0x6CFF => Status::WrongLe((sw & 0xFF) as u8),
                    0x63C0..=0x63CF => Status::RetriesLeft(RetryCount((sw & 0x0F) as u8)),
                    other => Status::Other(OtherStatus(other)),
                }
            }

            /// The status word (the `const` form of `u16::from`).
            pub const fn to_u16(self) -> u16 {
                match self {
                    $( Status::$name => $sw, )*
                    Status::MoreAvailable(n) => 0x6100 | n as u16,
                    Status::WrongLe(n) => 0x6C00 | n as u16,
                    Status::RetriesLeft(n) => 0x63C0 | n.0 as u16,
                    Status::Other(other) => other.0,
                }
            }
        }

        /// Every named variant with its status word.
        #[cfg(test)]
        const NAMED: &[(Status, u16)] = &[ $( (Status::$name, $sw), )* ];
    };
}

statuses! {
    /// `9000`: normal processing, no further qualification.
    Success = 0x9000,
    /// `6200`: warning, state of non-volatile memory unchanged, no information given.
    WarningUnchanged = 0x6200,
    /// `6281`: part of the returned data may be corrupted.
    CorruptedData = 0x6281,
    /// `6282`: end of file or record reached before reading `Ne` bytes.
    EndOfFile = 0x6282,
    /// `6283`: the selected file is deactivated.
    SelectedFileDeactivated = 0x6283,
    /// `6300`: warning, state of non-volatile memory changed, no information given.
    WarningChanged = 0x6300,
    /// `6400`: execution error, state of non-volatile memory unchanged.
    ExecutionError = 0x6400,
    /// `6581`: memory failure.
    MemoryFailure = 0x6581,
    /// `6700`: wrong length (`Lc` or `Le`).
    WrongLength = 0x6700,
    /// `6881`: logical channel not supported.
    LogicalChannelNotSupported = 0x6881,
    /// `6882`: secure messaging not supported.
    SecureMessagingNotSupported = 0x6882,
    /// `6981`: command incompatible with file structure.
    IncompatibleFileStructure = 0x6981,
    /// `6982`: security status not satisfied.
    SecurityStatusNotSatisfied = 0x6982,
    /// `6983`: authentication method blocked.
    AuthenticationBlocked = 0x6983,
    /// `6984`: reference data not usable.
    ReferenceDataNotUsable = 0x6984,
    /// `6985`: conditions of use not satisfied.
    ConditionsNotSatisfied = 0x6985,
    /// `6986`: command not allowed (no current EF).
    CommandNotAllowed = 0x6986,
    /// `6987`: expected secure messaging (SM) data objects missing.
    SmDataObjectsMissing = 0x6987,
    /// `6988`: incorrect secure messaging (SM) data objects.
    IncorrectSmDataObjects = 0x6988,
    /// `6A80`: incorrect parameters in the data field.
    IncorrectData = 0x6A80,
    /// `6A81`: function not supported.
    FunctionNotSupported = 0x6A81,
    /// `6A82`: file or application not found.
    FileNotFound = 0x6A82,
    /// `6A83`: record not found.
    RecordNotFound = 0x6A83,
    /// `6A84`: not enough memory space in the file.
    NotEnoughMemory = 0x6A84,
    /// `6A86`: incorrect parameters P1-P2.
    IncorrectP1P2 = 0x6A86,
    /// `6A88`: referenced data or reference data not found.
    ReferencedDataNotFound = 0x6A88,
    /// `6B00`: wrong parameters P1-P2.
    WrongP1P2 = 0x6B00,
    /// `6D00`: instruction code not supported or invalid.
    InstructionNotSupported = 0x6D00,
    /// `6E00`: class not supported.
    ClassNotSupported = 0x6E00,
    /// `6F00`: no precise diagnosis.
    UnknownError = 0x6F00,
}

impl Status {
    /// Builds a status from its two bytes.
    pub const fn from_bytes(sw1: u8, sw2: u8) -> Self {
        Status::from_u16(u16::from_be_bytes([sw1, sw2]))
    }

    /// The two bytes `SW1 SW2`.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.to_u16().to_be_bytes()
    }

    /// `9000`.
    pub const fn is_success(self) -> bool {
        matches!(self, Status::Success)
    }

    /// Normal processing: `9000` or `61xx`.
    pub const fn is_normal(self) -> bool {
        matches!(self, Status::Success | Status::MoreAvailable(_))
    }

    /// A warning (`62xx` or `63xx`).
    pub const fn is_warning(self) -> bool {
        matches!(self.to_u16() >> 8, 0x62 | 0x63)
    }
}

impl From<u16> for Status {
    fn from(sw: u16) -> Self {
        Status::from_u16(sw)
    }
}

impl From<Status> for u16 {
    fn from(status: Status) -> u16 {
        status.to_u16()
    }
}

impl From<[u8; 2]> for Status {
    fn from([sw1, sw2]: [u8; 2]) -> Self {
        Status::from_bytes(sw1, sw2)
    }
}

impl From<Status> for [u8; 2] {
    fn from(status: Status) -> [u8; 2] {
        status.to_bytes()
    }
}

impl From<(u8, u8)> for Status {
    fn from((sw1, sw2): (u8, u8)) -> Self {
        Status::from_bytes(sw1, sw2)
    }
}

impl From<Status> for (u8, u8) {
    fn from(status: Status) -> (u8, u8) {
        let [sw1, sw2] = status.to_bytes();
        (sw1, sw2)
    }
}

impl From<OtherStatus> for Status {
    fn from(other: OtherStatus) -> Self {
        Status::Other(other)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.to_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::string::ToString;

    /// Checks every conversion of `s` back to `s`, and that `s` is the one value of its word.
    fn assert_canonical(s: Status) {
        let sw = u16::from(s);
        assert_eq!(Status::from(sw), s, "{sw:04X}");
        assert_eq!(Status::from_u16(s.to_u16()), s);
        assert_eq!(Status::from(<[u8; 2]>::from(s)), s);
        assert_eq!(Status::from(<(u8, u8)>::from(s)), s);
        assert_eq!(<[u8; 2]>::from(s), sw.to_be_bytes());
    }

    #[test]
    fn every_u16_round_trips() {
        for sw in 0..=u16::MAX {
            let [sw1, sw2] = sw.to_be_bytes();
            let s = Status::from(sw);
            assert_eq!(u16::from(s), sw, "{sw:04X}");
            assert_eq!(s.to_bytes(), [sw1, sw2]);
            assert_eq!(<(u8, u8)>::from(s), (sw1, sw2));
            assert_eq!(Status::from((sw1, sw2)), s);
            assert_eq!(Status::from([sw1, sw2]), s);
            assert_eq!(Status::from_bytes(sw1, sw2), s);
            assert_canonical(s);
            // `Other` is built for exactly the words that no other variant describes.
            match (s, OtherStatus::new(sw)) {
                (Status::Other(a), Some(b)) => assert_eq!((a, a.get()), (b, sw)),
                (Status::Other(_), None) => panic!("{sw:04X}: Other but not OtherStatus"),
                (_, Some(_)) => panic!("{sw:04X}: OtherStatus but {s:?}"),
                (_, None) => {}
            }
        }
    }

    #[test]
    fn every_value_with_a_payload_round_trips() {
        for n in 0..=u8::MAX {
            assert_canonical(Status::MoreAvailable(n));
            assert_canonical(Status::WrongLe(n));
            match RetryCount::new(n) {
                Some(r) => {
                    assert!(n <= 15);
                    assert_eq!(r.get(), n);
                    assert_canonical(Status::RetriesLeft(r));
                }
                None => assert!(n > 15),
            }
        }
    }

    #[test]
    fn named_variants_have_distinct_words() {
        for (i, &(s, sw)) in NAMED.iter().enumerate() {
            assert_eq!(s.to_u16(), sw);
            assert_canonical(s);
            assert!(
                NAMED.iter().skip(i + 1).all(|&(t, w)| t != s && w != sw),
                "{sw:04X} twice"
            );
        }
    }

    #[test]
    fn other_never_holds_a_named_word() {
        assert_eq!(OtherStatus::new(0x9000), None);
        assert_eq!(OtherStatus::new(0x6110), None);
        assert_eq!(OtherStatus::new(0x63C2), None);
        assert_eq!(OtherStatus::new(0x6988), None);
        let other = OtherStatus::new(0x63D0).unwrap();
        assert_eq!(Status::from(0x63D0), Status::Other(other));
        assert_eq!(Status::from(other), Status::Other(other));
        assert_eq!(u16::from(other), 0x63D0);
        assert_eq!(other.to_bytes(), [0x63, 0xD0]);
        assert_eq!(other.to_string(), "63D0");
        assert_eq!(
            std::format!("{:?}", Status::Other(other)),
            "Other(OtherStatus(63D0))"
        );
    }

    #[test]
    fn payloads() {
        const PROPRIETARY: Status = Status::from_u16(0x9F10);
        assert_eq!(Status::from(0x6110), Status::MoreAvailable(0x10));
        assert_eq!(Status::from(0x6C39), Status::WrongLe(0x39));
        assert_eq!(
            Status::from(0x63C2),
            Status::RetriesLeft(RetryCount::new(2).unwrap())
        );
        assert_eq!(Status::from(0x6D00), Status::InstructionNotSupported);
        assert_eq!(Status::from(0x6988), Status::IncorrectSmDataObjects);
        assert!(matches!(Status::from(0x9F10), PROPRIETARY));
        assert!(matches!(Status::from(0x9001), Status::Other(o) if o.get() == 0x9001));
        assert_eq!(Status::from([0x90, 0x00]), Status::Success);
        assert_eq!(Status::from((0x90, 0x00)), Status::Success);
        assert_eq!(Status::WrongLe(0x39).to_string(), "6C39");
        assert!(Status::MoreAvailable(1).is_normal());
        assert!(Status::from(0x63C1).is_warning());
        assert!(!Status::Success.is_warning());
        assert!(Status::Success.is_success());
        assert_eq!(RetryCount::new(16), None);
        assert_eq!(RetryCount::MAX.get(), 15);
    }

    /// Any value of `Status`, built through each way of building one.
    fn any_status() -> impl Strategy<Value = Status> {
        prop_oneof![
            any::<u16>().prop_map(Status::from),
            any::<(u8, u8)>().prop_map(Status::from),
            proptest::sample::select(NAMED).prop_map(|(s, _)| s),
            any::<u8>().prop_map(Status::MoreAvailable),
            any::<u8>().prop_map(Status::WrongLe),
            (0..=RetryCount::MAX.get())
                .prop_filter_map("over 15", RetryCount::new)
                .prop_map(Status::RetriesLeft),
            any::<u16>()
                .prop_filter_map("has a variant", OtherStatus::new)
                .prop_map(Status::Other),
        ]
    }

    proptest! {
        #[test]
        fn u16_status_u16(sw in any::<u16>()) {
            prop_assert_eq!(u16::from(Status::from(sw)), sw);
            let (sw1, sw2) = <(u8, u8)>::from(Status::from(sw));
            prop_assert_eq!(u16::from_be_bytes([sw1, sw2]), sw);
        }

        #[test]
        fn status_u16_status(s in any_status()) {
            prop_assert_eq!(Status::from(u16::from(s)), s);
            prop_assert_eq!(Status::from(<(u8, u8)>::from(s)), s);
            prop_assert_eq!(Status::from(<[u8; 2]>::from(s)), s);
        }

        #[test]
        fn equal_words_are_equal_statuses(a in any_status(), b in any_status()) {
            prop_assert_eq!(a == b, u16::from(a) == u16::from(b));
        }
    }
}
