//! Fault modes of the simulated card.

use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;
use twnhi_texts::{self as texts, Lang};

/// How the card fills the 20-byte name field of the basic data after the name.
///
/// Both are seen on cards; readers must remove either (`twnhi-card` does), so tests run the
/// simulated card both ways.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NamePadding {
    /// Spaces (`0x20`): the simulated card's default.
    #[default]
    Spaces,
    /// NUL bytes (`0x00`), as on the cards most public readers were written against (mode
    /// `pad-nul`).
    Nul,
}

/// Misbehaviours (and variations) the simulated card can show, combinable.
///
/// Parsed from a comma-separated list ([`Faults::parse`]): `normal`, `t0`, `new-gen`,
/// `wrong-le`, `other-card`, `remove-after=N`, `slow=MS`, `pad-nul` (e.g. `t0,slow=50`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// T=0 style: data is announced with `61xx` and fetched with GET RESPONSE.
    pub t0: bool,
    /// New-generation card: SELECT answers `6D 00`, GET DATA works without it.
    pub new_generation: bool,
    /// Answers `6Cxx` whenever `Le` differs from the data length.
    pub wrong_le: bool,
    /// Not an NHI card at all: another card's ATR, SELECT of the NHI application answers
    /// `6A 82` (file not found), GET DATA `6D 00`.
    pub other_card: bool,
    /// The card disappears after answering this many commands.
    pub remove_after: Option<u32>,
    /// Delay before each answer.
    pub delay: Duration,
    /// What fills the name field after the name (mode `pad-nul` for NUL bytes, `pad-space`
    /// for spaces, the default).
    #[serde(default)]
    pub name_padding: NamePadding,
}

/// An unknown or malformed fault mode.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "{}/ {}",
    texts::format(Lang::ZhTw, "sim-unknown-mode", &[("mode", .0.into())]),
    texts::format(Lang::En, "sim-unknown-mode", &[("mode", .0.into())])
)]
pub struct FaultsError(pub String);

impl Faults {
    /// Parses a comma-separated list of modes.
    ///
    /// ```
    /// use twnhi_sim::Faults;
    /// let f = Faults::parse("t0, remove-after=3,slow=20")?;
    /// assert!(f.t0 && !f.new_generation);
    /// assert_eq!(f.remove_after, Some(3));
    /// assert_eq!(f.delay.as_millis(), 20);
    /// # Ok::<(), twnhi_sim::FaultsError>(())
    /// ```
    ///
    /// # Errors
    /// [`FaultsError`] naming the part that is not a mode.
    pub fn parse(s: &str) -> Result<Faults, FaultsError> {
        let mut f = Faults::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || FaultsError(part.to_owned());
            match part.split_once('=') {
                None => match part {
                    "normal" => {}
                    "t0" => f.t0 = true,
                    "new-gen" | "new-generation" => f.new_generation = true,
                    "wrong-le" => f.wrong_le = true,
                    "other-card" => f.other_card = true,
                    "pad-nul" => f.name_padding = NamePadding::Nul,
                    "pad-space" => f.name_padding = NamePadding::Spaces,
                    _ => return Err(bad()),
                },
                Some(("remove-after", n)) => f.remove_after = Some(n.parse().map_err(|_| bad())?),
                Some(("slow", ms)) => {
                    f.delay = Duration::from_millis(ms.parse().map_err(|_| bad())?);
                }
                Some(_) => return Err(bad()),
            }
        }
        Ok(f)
    }
}

impl std::str::FromStr for Faults {
    type Err = FaultsError;
    fn from_str(s: &str) -> Result<Faults, FaultsError> {
        Faults::parse(s)
    }
}

impl std::fmt::Display for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if self.t0 {
            parts.push("t0".into());
        }
        if self.new_generation {
            parts.push("new-gen".into());
        }
        if self.wrong_le {
            parts.push("wrong-le".into());
        }
        if self.other_card {
            parts.push("other-card".into());
        }
        if let Some(n) = self.remove_after {
            parts.push(format!("remove-after={n}"));
        }
        if !self.delay.is_zero() {
            parts.push(format!("slow={}", self.delay.as_millis()));
        }
        if self.name_padding == NamePadding::Nul {
            parts.push("pad-nul".into());
        }
        if parts.is_empty() {
            parts.push("normal".into());
        }
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_round_trip() {
        for s in [
            "normal",
            "t0",
            "new-gen,wrong-le",
            "t0,remove-after=2,slow=15",
            "pad-nul",
            "new-gen,pad-nul",
        ] {
            assert_eq!(Faults::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Faults::parse("").unwrap(), Faults::default());
        assert_eq!(Faults::parse("pad-space").unwrap(), Faults::default());
        assert_eq!(
            Faults::parse("pad-nul").unwrap().name_padding,
            NamePadding::Nul
        );
        assert_eq!(Faults::parse("bogus"), Err(FaultsError("bogus".into())));
        assert_eq!(
            Faults::parse("slow=fast"),
            Err(FaultsError("slow=fast".into()))
        );
    }
}
