//! Status words (ISO/IEC 7816-4 §5.1.3, table 5–6).

macro_rules! statuses {
    ($( $(#[$doc:meta])* $name:ident = $sw:literal ),* $(,)?) => {
        /// A response status word `SW1 SW2`.
        ///
        /// Converts both ways with `u16` and `[u8; 2]`: for every `u16` value `x`,
        /// `u16::from(Status::from(x)) == x`. Codes without a variant of their own are kept in
        /// [`Status::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Status {
            $( $(#[$doc])* $name, )*
            /// `61xx`: process completed, `xx` more bytes available with GET RESPONSE
            /// (`00` means 256).
            MoreAvailable(u8),
            /// `6Cxx`: wrong `Le`; resend the command with `Le = xx` (`00` means 256).
            WrongLe(u8),
            /// `63Cx`: verification failed, `x` retries left (a counter of 0–15).
            RetriesLeft(u8),
            /// Any other status word, kept as received.
            Other(u16),
        }

        impl From<u16> for Status {
            fn from(sw: u16) -> Self {
                match sw {
                    $( $sw => Status::$name, )*
                    0x6100..=0x61FF => Status::MoreAvailable((sw & 0xFF) as u8),
                    0x6C00..=0x6CFF => Status::WrongLe((sw & 0xFF) as u8),
                    0x63C0..=0x63CF => Status::RetriesLeft((sw & 0x0F) as u8),
                    other => Status::Other(other),
                }
            }
        }

        impl From<Status> for u16 {
            fn from(status: Status) -> u16 {
                match status {
                    $( Status::$name => $sw, )*
                    Status::MoreAvailable(n) => 0x6100 | u16::from(n),
                    Status::WrongLe(n) => 0x6C00 | u16::from(n),
                    Status::RetriesLeft(n) => 0x63C0 | u16::from(n & 0x0F),
                    Status::Other(sw) => sw,
                }
            }
        }
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
    pub fn from_bytes(sw1: u8, sw2: u8) -> Self {
        Status::from(u16::from_be_bytes([sw1, sw2]))
    }

    /// The two bytes `SW1 SW2`.
    pub fn to_bytes(self) -> [u8; 2] {
        u16::from(self).to_be_bytes()
    }

    /// `9000`.
    pub fn is_success(self) -> bool {
        self == Status::Success
    }

    /// Normal processing: `9000` or `61xx`.
    pub fn is_normal(self) -> bool {
        matches!(self, Status::Success | Status::MoreAvailable(_))
    }

    /// A warning (`62xx` or `63xx`).
    pub fn is_warning(self) -> bool {
        matches!(u16::from(self) >> 8, 0x62 | 0x63)
    }
}

impl From<[u8; 2]> for Status {
    fn from(sw: [u8; 2]) -> Self {
        Status::from(u16::from_be_bytes(sw))
    }
}

impl From<Status> for [u8; 2] {
    fn from(status: Status) -> [u8; 2] {
        status.to_bytes()
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04X}", u16::from(*self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn every_u16_round_trips() {
        for sw in 0..=u16::MAX {
            let s = Status::from(sw);
            assert_eq!(u16::from(s), sw, "{sw:04X}");
            assert_eq!(Status::from(s.to_bytes()), s);
        }
    }

    #[test]
    fn payloads() {
        assert_eq!(Status::from(0x6110), Status::MoreAvailable(0x10));
        assert_eq!(Status::from(0x6C39), Status::WrongLe(0x39));
        assert_eq!(Status::from(0x63C2), Status::RetriesLeft(2));
        assert_eq!(Status::from(0x6D00), Status::InstructionNotSupported);
        assert_eq!(Status::from(0x9001), Status::Other(0x9001));
        assert_eq!(Status::from([0x90, 0x00]), Status::Success);
        assert_eq!(Status::WrongLe(0x39).to_string(), "6C39");
        assert!(Status::MoreAvailable(1).is_normal());
        assert!(Status::RetriesLeft(1).is_warning());
        assert!(!Status::Success.is_warning());
    }
}
