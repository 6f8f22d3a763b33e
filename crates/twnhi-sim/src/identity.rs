//! Who the simulated card belongs to.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use twnhi_card::auth::{CardKey, MasterKey};
use twnhi_card::{BASIC_DATA_LEN, BasicData, CardNo, IdNo, Sex};
use twnhi_texts::{self as texts, Lang};

/// The contents of a simulated card, as stored in an identity file (JSON).
///
/// ```json
/// {
///   "card_no": "000012345678", "name": "測試一", "id_no": "A123456789",
///   "birth_date": "1990-01-01", "sex": "M", "issue_date": "2020-10-27",
///   "card_data_flag": "0", "card_key": "000102030405060708090a0b0c0d0e0f"
/// }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Card number, 12 digits.
    pub card_no: String,
    /// Holder's name (encoded to Big5 on the card).
    pub name: String,
    /// ID number.
    pub id_no: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// First byte of GET DATA P1 `24` (the legacy protocol's last `GetBasic` field).
    #[serde(default = "default_flag")]
    pub card_data_flag: char,
    /// The card key `K` of twnhi's card authentication, 16 bytes in hex.
    #[serde(with = "hex_key")]
    pub card_key: [u8; 16],
    /// Raw Big5 bytes of the name field (up to 20), overriding `name`: for simulating cards
    /// with characters Big5 cannot express.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_raw_hex: Option<String>,
}

fn default_flag() -> char {
    '0'
}

mod hex_key {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    pub fn serialize<S: Serializer>(k: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(k))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s.trim())
            .map_err(D::Error::custom)?
            .try_into()
            .map_err(|_| D::Error::custom("card_key must be 16 bytes (32 hex digits)"))
    }
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Synthetic or not, identities are personal data: print only the card number's tail.
        let tail: String = self.card_no.chars().rev().take(4).collect();
        write!(
            f,
            "Identity(card …{})",
            tail.chars().rev().collect::<String>()
        )
    }
}

/// Why an identity cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The JSON is malformed or misses fields.
    #[error(
        "{} / {}",
        texts::format(Lang::ZhTw, "sim-identity-json", &[("reason", .0.to_string().into())]),
        texts::format(Lang::En, "sim-identity-json", &[("reason", .0.to_string().into())])
    )]
    Json(#[from] serde_json::Error),
    /// A field does not fit the card layout.
    #[error(
        "{} / {}",
        texts::format(Lang::ZhTw, "sim-identity-layout", &[("reason", (*.0).into())]),
        texts::format(Lang::En, "sim-identity-layout", &[("reason", (*.0).into())])
    )]
    Layout(&'static str),
}

impl Identity {
    /// A synthetic person (valid check digit, obviously fake name), with a fixed card key.
    pub fn sample() -> Identity {
        Identity {
            card_no: "000011112222".into(),
            name: "測試一".into(), // cjk-ok: synthetic card data (the sample holder's name)
            id_no: "A123456789".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(),
            sex: Sex::Male,
            issue_date: NaiveDate::from_ymd_opt(2020, 10, 27).unwrap_or_default(),
            card_data_flag: '0',
            card_key: *MasterKey::from_bytes(*b"twnhi-demo-key!!")
                .derive_card_key("000011112222")
                .as_bytes(),
            name_raw_hex: None,
        }
    }

    /// An identity whose card key is derived from a SAM master key, as the server's software
    /// SAM derives it.
    pub fn with_master_key(mut self, master: &MasterKey) -> Identity {
        self.card_key = *master.derive_card_key(&self.card_no).as_bytes();
        self
    }

    /// Parses an identity file.
    ///
    /// # Errors
    /// [`IdentityError`] when the JSON is malformed or a field does not fit the card.
    pub fn from_json(json: &str) -> Result<Identity, IdentityError> {
        let id: Identity = serde_json::from_str(json)?;
        id.basic_bytes()?;
        Ok(id)
    }

    /// The identity as pretty JSON.
    ///
    /// # Errors
    /// Never in practice; serialisation of these fields cannot fail.
    pub fn to_json(&self) -> Result<String, IdentityError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The card key.
    pub fn key(&self) -> CardKey {
        CardKey::from_bytes(self.card_key)
    }

    /// The basic data as the card holds it, or `None` when the card or ID number does not fit
    /// the layout.
    pub fn basic_data(&self) -> Option<BasicData> {
        Some(BasicData {
            card_no: CardNo::new(&self.card_no)?,
            name: self.name.clone(),
            name_lossy: false,
            id_no: IdNo::new(&self.id_no)?,
            birth_date: self.birth_date,
            sex: self.sex,
            issue_date: self.issue_date,
        })
    }

    /// The 57 bytes GET DATA P1 `11` returns.
    ///
    /// # Errors
    /// [`IdentityError::Layout`] when a field does not fit.
    pub fn basic_bytes(&self) -> Result<[u8; BASIC_DATA_LEN], IdentityError> {
        if !self.card_data_flag.is_ascii() {
            return Err(IdentityError::Layout("card_data_flag must be ASCII"));
        }
        let data = self.basic_data().ok_or(IdentityError::Layout(
            "card_no must be 12 digits and id_no 10 ASCII characters",
        ))?;
        match &self.name_raw_hex {
            Some(h) => {
                let raw = hex::decode(h.replace(' ', ""))
                    .map_err(|_| IdentityError::Layout("name_raw_hex is not hex"))?;
                data.encode_with_raw_name(&raw)
            }
            None => data.to_bytes(),
        }
        .ok_or(IdentityError::Layout(
            "card_no 12 digits, id_no 10 ASCII characters, name ≤ 20 Big5 bytes, dates ROC 1–999",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let id = Identity::sample();
        let json = id.to_json().unwrap();
        assert!(json.contains("\"birth_date\": \"1990-01-01\""));
        let back = Identity::from_json(&json).unwrap();
        assert!(back == id);
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let mut id = Identity::sample();
        id.card_no = "12345".into();
        let json = id.to_json().unwrap();
        assert!(matches!(
            Identity::from_json(&json),
            Err(IdentityError::Layout(_))
        ));
        assert!(matches!(
            Identity::from_json("{\"card_no\": 1}"),
            Err(IdentityError::Json(_))
        ));
        let mut id = Identity::sample();
        id.name = "一二三四五六七八九十一".into(); // 22 bytes in Big5
        assert!(id.basic_bytes().is_err());
    }

    #[test]
    fn debug_does_not_show_personal_data() {
        let s = format!("{:?}", Identity::sample());
        assert!(!s.contains("A123456789") && !s.contains("測試"));
    }
}
