//! Recognising NHI cards from their answer-to-reset (ATR).
//!
//! The ATRs are those listed for Taiwan's NHI cards in the public `smartcard_list.txt` of
//! pcsc-tools. Recognition is a hint for messages ("this is not an NHI card") and for
//! choosing a reader among several: the SELECT answer stays the authority, since new card
//! generations appear before the list knows them.

/// What an ATR says about a card.
///
/// Serialises as `{"kind": "nhi", "description": …, "new_generation": …}`,
/// `{"kind": "health-professional"}` or `{"kind": "unknown"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CardKind {
    /// A Taiwan NHI card (健保卡), with the list's description.
    Nhi {
        /// Human-readable description of the card generation.
        description: &'static str,
        /// Whether this generation is known to answer SELECT with `6D 00`.
        new_generation: bool,
    },
    /// A Taiwan Health Professional Card (醫事人員卡), not a citizen's NHI card.
    HealthProfessional,
    /// Not known.
    Unknown,
}

impl CardKind {
    /// A short, stable label: `nhi`, `health-professional` or `unknown` (the `kind` of its
    /// JSON form).
    pub fn label(self) -> &'static str {
        match self {
            CardKind::Nhi { .. } => "nhi",
            CardKind::HealthProfessional => "health-professional",
            CardKind::Unknown => "unknown",
        }
    }
}

/// One entry of the ATR table.
#[derive(Clone, Copy, Debug)]
pub struct KnownAtr {
    /// The ATR bytes.
    pub atr: &'static [u8],
    /// What it identifies.
    pub kind: CardKind,
}

/// NHI ATRs from pcsc-tools' `smartcard_list.txt`.
pub const KNOWN_ATRS: &[KnownAtr] = &[
    KnownAtr {
        atr: &[
            0x3B, 0xEE, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x80, 0x31, 0x80, 0x66, 0x40, 0x90,
            0x93, 0x06, 0x0F, 0x17, 0x83, 0x0F, 0x90, 0x00, 0xF3,
        ],
        kind: CardKind::Nhi {
            description: "IC card for the National Health Insurance, Taiwan",
            new_generation: false,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xFC, 0x18, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x80, 0x73, 0xC8, 0x21, 0x13,
            0x66, 0x02, 0x04, 0x03, 0x55, 0x00, 0x02, 0xD2,
        ],
        kind: CardKind::Nhi {
            description: "National Health Insurance Card, Taiwan",
            new_generation: false,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x4A, 0x43, 0x4F, 0x50, 0x32,
            0x31, 0x76, 0x32, 0x33, 0x31, 0x47, 0x44, 0x54, 0xE1,
        ],
        kind: CardKind::Nhi {
            description: "National Health Insurance Card, Taiwan (JCOP21)",
            new_generation: false,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xFD, 0x18, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x53, 0x4C, 0x4A, 0x35, 0x32,
            0x47, 0x78, 0x78, 0x79, 0x79, 0x79, 0x7A, 0x52, 0xAA,
        ],
        kind: CardKind::Nhi {
            description: "National Health Insurance Card, Taiwan (Infineon SLJ52G)",
            new_generation: true,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xFF, 0x18, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x54, 0x48, 0x43, 0x43, 0x31,
            0x30, 0x54, 0x45, 0x43, 0x4F, 0x47, 0x44, 0x48, 0x4E, 0x32, 0x24,
        ],
        kind: CardKind::Nhi {
            description: "National Health Insurance Card, Taiwan (THCC10)",
            new_generation: false,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xFF, 0x18, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x54, 0x48, 0x43, 0x43, 0x31,
            0x30, 0x54, 0x45, 0x43, 0x4F, 0x47, 0x44, 0x49, 0x4E, 0x31, 0x26,
        ],
        kind: CardKind::Nhi {
            description: "National Health Insurance Card, Taiwan (THCC10)",
            new_generation: false,
        },
    },
    KnownAtr {
        atr: &[
            0x3B, 0xF9, 0x18, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x50, 0x56, 0x5F, 0x4A, 0x32,
            0x44, 0x30, 0x38, 0x31, 0xB6,
        ],
        kind: CardKind::HealthProfessional,
    },
];

/// The ATR the simulated card presents by default (a first-generation NHI card).
pub const DEFAULT_NHI_ATR: &[u8] = &[
    0x3B, 0xFF, 0x18, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x54, 0x48, 0x43, 0x43, 0x31, 0x30, 0x54,
    0x45, 0x43, 0x4F, 0x47, 0x44, 0x48, 0x4E, 0x32, 0x24,
];

/// The ATR of the new-generation card (Infineon SLJ52G) that answers SELECT with `6D 00`.
pub const NEW_GENERATION_NHI_ATR: &[u8] = &[
    0x3B, 0xFD, 0x18, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x53, 0x4C, 0x4A, 0x35, 0x32, 0x47, 0x78,
    0x78, 0x79, 0x79, 0x79, 0x7A, 0x52, 0xAA,
];

/// Looks an ATR up in [`KNOWN_ATRS`].
///
/// ```
/// use twnhi_card::atr::{recognize, CardKind, DEFAULT_NHI_ATR};
/// assert!(matches!(recognize(DEFAULT_NHI_ATR), CardKind::Nhi { .. }));
/// assert_eq!(recognize(&[0x3B, 0x00]), CardKind::Unknown);
/// ```
pub fn recognize(atr: &[u8]) -> CardKind {
    KNOWN_ATRS
        .iter()
        .find(|k| k.atr == atr)
        .map_or(CardKind::Unknown, |k| k.kind)
}

/// Whether the ATR is a known NHI card's.
pub fn is_nhi(atr: &[u8]) -> bool {
    matches!(recognize(atr), CardKind::Nhi { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_in_the_table() {
        assert!(is_nhi(DEFAULT_NHI_ATR));
        assert!(matches!(
            recognize(NEW_GENERATION_NHI_ATR),
            CardKind::Nhi {
                new_generation: true,
                ..
            }
        ));
        assert_eq!(recognize(KNOWN_ATRS[6].atr), CardKind::HealthProfessional);
        assert!(!is_nhi(KNOWN_ATRS[6].atr));
    }

    #[test]
    fn labels_are_the_json_kind() {
        for kind in [
            recognize(DEFAULT_NHI_ATR),
            CardKind::HealthProfessional,
            CardKind::Unknown,
        ] {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json["kind"], kind.label());
        }
    }

    #[test]
    fn atr_check_bytes_are_consistent() {
        // All these ATRs announce T=1, so they end with TCK and the XOR of T0..TCK is zero:
        // a typo in the table would break it.
        for k in KNOWN_ATRS {
            let x = k.atr[1..].iter().fold(0u8, |a, b| a ^ b);
            assert_eq!(x, 0, "{:02X?}", k.atr);
        }
        for atr in [DEFAULT_NHI_ATR, NEW_GENERATION_NHI_ATR] {
            assert_eq!(atr[1..].iter().fold(0u8, |a, b| a ^ b), 0);
        }
    }
}
