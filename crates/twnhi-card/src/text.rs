//! Fixed-length ASCII fields of the card, stored inline (no allocation).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `N` ASCII characters stored inline: the card number and the ID number, which are
/// fixed-length ASCII on the card. Derefs to `&str`, compares with strings, serialises as a
/// string.
///
/// ```
/// use twnhi_card::CardNo;
/// let n = CardNo::new("000012345678").unwrap();
/// assert_eq!(n, "000012345678");
/// assert!(n.starts_with("0000"));
/// assert!(CardNo::new("1234").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AsciiText<const N: usize>([u8; N]);

/// A card number: 12 characters (digits on genuine cards).
pub type CardNo = AsciiText<12>;
/// An ID number as the card stores it: 10 characters.
pub type IdNo = AsciiText<10>;

impl<const N: usize> AsciiText<N> {
    /// `Some` when `s` is exactly `N` ASCII characters.
    pub fn new(s: &str) -> Option<Self> {
        Self::from_bytes(s.as_bytes())
    }

    /// `Some` when `b` is exactly `N` ASCII bytes.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let arr: [u8; N] = b.try_into().ok()?;
        arr.is_ascii().then_some(AsciiText(arr))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this never falls back.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl<const N: usize> core::ops::Deref for AsciiText<N> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<str> for AsciiText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> core::fmt::Display for AsciiText<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> core::fmt::Debug for AsciiText<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> PartialEq<str> for AsciiText<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize> PartialEq<&str> for AsciiText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize> PartialEq<String> for AsciiText<N> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize> From<AsciiText<N>> for String {
    fn from(t: AsciiText<N>) -> String {
        t.as_str().to_owned()
    }
}

impl<const N: usize> Serialize for AsciiText<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, const N: usize> Deserialize<'de> for AsciiText<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        AsciiText::new(&s)
            .ok_or_else(|| serde::de::Error::custom(format_args!("expected {N} ASCII characters")))
    }
}
