//! Mobile devices bound to a registration (4.3, 4.4): the device state machine and the
//! per-registration device list.
//!
//! ```text
//! Active --Disable--> Disabled --Enable--> Active
//! Active | Disabled --Delete--> Deleted    (final, not listed)
//! ```
//!
//! Rules of the manual: one registration may bind many devices and have several active at
//! once; many registrations may bind the same device (each list is separate); verifying the
//! same device identifier again (a reinstalled app) replaces its old record; the app logs in
//! only from an active device.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use twnhi_account::device::{DeviceId, DeviceInfo, DeviceList, DeviceState};
//!
//! let t = Utc.with_ymd_and_hms(2020, 10, 19, 3, 22, 51).unwrap();
//! let mut devices = DeviceList::default();
//! let phone = DeviceId::parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301")?;
//! devices.verify(phone.clone(), DeviceInfo::new("Android", "Sony Xperia")?, t);
//! devices.verify(DeviceId::parse("tablet-0001")?, DeviceInfo::new("iOS", "iPad")?, t);
//! assert_eq!(devices.active().count(), 2); // several active at once
//!
//! devices.disable(&phone)?;
//! assert!(devices.check_app_login(&phone).is_err());
//! // reinstalling the app and verifying again replaces the record, active again
//! devices.verify(phone.clone(), DeviceInfo::new("Android", "Sony Xperia")?, t);
//! assert_eq!(devices.get(&phone).unwrap().state(), DeviceState::Active);
//! assert_eq!(devices.listed().count(), 2);
//! # Ok::<(), twnhi_account::device::DeviceError>(())
//! ```

use core::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::roc::RocDateTime;

/// Why a device operation was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// No device with this identifier in the registration's list.
    NotFound,
    /// Enabling a device that is active.
    AlreadyActive,
    /// Disabling a device that is disabled.
    AlreadyDisabled,
    /// The device was deleted.
    Deleted,
    /// Disabled devices cannot log in.
    NotActive,
    /// Malformed identifier, platform or model.
    InvalidInfo,
}

impl Localized for DeviceError {
    fn msg(&self) -> Msg {
        match self {
            DeviceError::NotFound => Msg::DeviceNotFound,
            DeviceError::AlreadyActive => Msg::DeviceAlreadyActive,
            DeviceError::AlreadyDisabled => Msg::DeviceAlreadyDisabled,
            DeviceError::Deleted => Msg::DeviceDeleted,
            DeviceError::NotActive => Msg::DeviceNotActive,
            DeviceError::InvalidInfo => Msg::DeviceInfoInvalid,
        }
    }
}
bilingual_display!(DeviceError);

/// The state of a bound device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceState {
    /// 啟用中 Active: the app may log in from it.
    Active,
    /// 停用 Disabled.
    Disabled,
    /// Deleted. Final; not listed.
    Deleted,
}

/// What the owner does to a device on the management page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceEvent {
    /// 停用裝置 Disable Device.
    Disable,
    /// 啟用裝置 Enable Device.
    Enable,
    /// 刪除裝置 Delete Device.
    Delete,
}

impl DeviceEvent {
    /// The button label.
    #[must_use]
    pub const fn msg(self) -> Msg {
        match self {
            DeviceEvent::Disable => Msg::DeviceActionDisable,
            DeviceEvent::Enable => Msg::DeviceActionEnable,
            DeviceEvent::Delete => Msg::DeviceActionDelete,
        }
    }
}

impl DeviceState {
    /// The state after `event`.
    ///
    /// # Errors
    /// [`DeviceError::AlreadyActive`], [`DeviceError::AlreadyDisabled`] or
    /// [`DeviceError::Deleted`]; the state does not change.
    pub const fn apply(self, event: DeviceEvent) -> Result<DeviceState, DeviceError> {
        match (self, event) {
            (DeviceState::Deleted, _) => Err(DeviceError::Deleted),
            (DeviceState::Active, DeviceEvent::Disable) => Ok(DeviceState::Disabled),
            (DeviceState::Disabled, DeviceEvent::Enable) => Ok(DeviceState::Active),
            (DeviceState::Active | DeviceState::Disabled, DeviceEvent::Delete) => {
                Ok(DeviceState::Deleted)
            }
            (DeviceState::Active, DeviceEvent::Enable) => Err(DeviceError::AlreadyActive),
            (DeviceState::Disabled, DeviceEvent::Disable) => Err(DeviceError::AlreadyDisabled),
        }
    }

    /// The actions the management page offers in this state.
    #[must_use]
    pub const fn actions(self) -> &'static [DeviceEvent] {
        match self {
            DeviceState::Active => &[DeviceEvent::Disable, DeviceEvent::Delete],
            DeviceState::Disabled => &[DeviceEvent::Enable, DeviceEvent::Delete],
            DeviceState::Deleted => &[],
        }
    }

    /// The status label (啟用中 Active / 停用 Disabled).
    #[must_use]
    pub const fn msg(self) -> Msg {
        match self {
            DeviceState::Active => Msg::DeviceStatusActive,
            DeviceState::Disabled => Msg::DeviceStatusDisabled,
            DeviceState::Deleted => Msg::DeviceStatusDeleted,
        }
    }
}

const MAX_ID_LEN: usize = 128;
const MAX_PLATFORM_LEN: usize = 32;
const MAX_MODEL_LEN: usize = 64;

/// A device identifier sent by the app (a UUID or a platform ID): 1–128 characters of
/// `A–Z a–z 0–9 . _ : -`, compared exactly.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    /// Parses an identifier (surrounding whitespace trimmed).
    ///
    /// # Errors
    /// [`DeviceError::InvalidInfo`].
    pub fn parse(input: &str) -> Result<Self, DeviceError> {
        let s = input.trim();
        let ok = !s.is_empty()
            && s.len() <= MAX_ID_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b));
        if ok {
            Ok(DeviceId(s.to_owned()))
        } else {
            Err(DeviceError::InvalidInfo)
        }
    }

    /// The identifier.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as the management table shows it: letters and digits replaced by `X`
    /// except the last four, separators kept (`XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXX3301`).
    #[must_use]
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i + 4 < n && c.is_ascii_alphanumeric() {
                    'X'
                } else {
                    c
                }
            })
            .collect()
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DeviceId {
    type Error = DeviceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DeviceId::parse(&s)
    }
}

impl From<DeviceId> for String {
    fn from(d: DeviceId) -> String {
        d.0
    }
}

/// Characters that are invisible yet change how text around them is shown: the Unicode
/// bidirectional controls (which can make `Pixel 8` read as something else in the device
/// table, CVE-2021-42574 "Trojan Source" style), zero-width characters, the byte order mark,
/// and the line and paragraph separators.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

fn clean_label(input: &str, max: usize) -> Result<String, DeviceError> {
    let s = input.trim();
    let n = s.chars().count();
    if n == 0 || n > max || s.chars().any(|c| c.is_control() || is_invisible_format(c)) {
        return Err(DeviceError::InvalidInfo);
    }
    Ok(s.to_owned())
}

/// A label stored before invisible format characters were refused: they are dropped rather
/// than making the whole device list unreadable.
fn neutralise_label(input: &str) -> String {
    input.chars().filter(|c| !is_invisible_format(*c)).collect()
}

/// Platform and model reported by the app, e.g. `Android` / `Sony Xperia`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "DeviceInfoRepr")]
pub struct DeviceInfo {
    platform: String,
    model: String,
}

#[derive(Deserialize)]
struct DeviceInfoRepr {
    platform: String,
    model: String,
}

impl TryFrom<DeviceInfoRepr> for DeviceInfo {
    type Error = DeviceError;
    fn try_from(r: DeviceInfoRepr) -> Result<Self, DeviceError> {
        DeviceInfo::new(&neutralise_label(&r.platform), &neutralise_label(&r.model))
    }
}

impl DeviceInfo {
    /// Checks the labels: trimmed, not empty, no control characters and no invisible format
    /// characters (bidirectional controls, zero-width characters), platform ≤ 32 and model
    /// ≤ 64 characters.
    ///
    /// # Errors
    /// [`DeviceError::InvalidInfo`].
    pub fn new(platform: &str, model: &str) -> Result<Self, DeviceError> {
        Ok(DeviceInfo {
            platform: clean_label(platform, MAX_PLATFORM_LEN)?,
            model: clean_label(model, MAX_MODEL_LEN)?,
        })
    }

    /// 平台 Platform.
    #[must_use]
    pub fn platform(&self) -> &str {
        &self.platform
    }

    /// 裝置型號 Device.
    #[must_use]
    pub fn model(&self) -> &str {
        &self.model
    }
}

/// One row of the device management table.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceRecord {
    id: DeviceId,
    info: DeviceInfo,
    verified_at: DateTime<Utc>,
    state: DeviceState,
    last_totp_step: Option<u64>,
}

impl DeviceRecord {
    /// A freshly verified device: active, no TOTP step accepted yet.
    #[must_use]
    pub fn new(id: DeviceId, info: DeviceInfo, verified_at: DateTime<Utc>) -> Self {
        DeviceRecord {
            id,
            info,
            verified_at,
            state: DeviceState::Active,
            last_totp_step: None,
        }
    }

    /// 裝置識別碼 Device ID No.
    #[must_use]
    pub const fn id(&self) -> &DeviceId {
        &self.id
    }

    /// Platform and model.
    #[must_use]
    pub const fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// 認證時間 Verified Time.
    #[must_use]
    pub const fn verified_at(&self) -> DateTime<Utc> {
        self.verified_at
    }

    /// The verified time as the table shows it (`109/10/19 11:22:51`).
    #[must_use]
    pub fn verified_at_roc(&self) -> String {
        RocDateTime::from_utc(self.verified_at)
            .map_or_else(|_| self.verified_at.to_rfc3339(), RocDateTime::format_slash)
    }

    /// 目前狀態 Current Status.
    #[must_use]
    pub const fn state(&self) -> DeviceState {
        self.state
    }

    /// The last TOTP step accepted from this device (for [`crate::totp::TotpPolicy::verify`]).
    #[must_use]
    pub const fn last_totp_step(&self) -> Option<u64> {
        self.last_totp_step
    }

    /// Records an accepted TOTP step (never moves backwards).
    pub fn record_totp_step(&mut self, step: u64) {
        self.last_totp_step = Some(self.last_totp_step.map_or(step, |s| s.max(step)));
    }

    /// Applies an event to the device.
    ///
    /// # Errors
    /// As [`DeviceState::apply`].
    pub fn apply(&mut self, event: DeviceEvent) -> Result<DeviceState, DeviceError> {
        self.state = self.state.apply(event)?;
        Ok(self.state)
    }
}

/// The devices of one registration. Serialises as the list of records; deserialising keeps
/// identifiers unique (as [`DeviceList::from_records`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<DeviceRecord>", into = "Vec<DeviceRecord>")]
pub struct DeviceList {
    records: Vec<DeviceRecord>,
}

impl DeviceList {
    /// Builds a list from stored records (a later record with the same identifier replaces
    /// an earlier one).
    #[must_use]
    pub fn from_records(records: Vec<DeviceRecord>) -> Self {
        let mut list = DeviceList::default();
        for r in records {
            list.records.retain(|o| o.id != r.id);
            list.records.push(r);
        }
        list
    }

    /// Binds a device verified with a device code at `now`: a record with the same
    /// identifier, whatever its state, is replaced by a fresh active one, which is returned.
    pub fn verify(&mut self, id: DeviceId, info: DeviceInfo, now: DateTime<Utc>) -> DeviceRecord {
        self.records.retain(|r| r.id != id);
        let record = DeviceRecord::new(id, info, now);
        self.records.push(record.clone());
        record
    }

    fn find_mut(&mut self, id: &DeviceId) -> Result<&mut DeviceRecord, DeviceError> {
        self.records
            .iter_mut()
            .find(|r| &r.id == id)
            .ok_or(DeviceError::NotFound)
    }

    /// The record of a device (deleted ones included).
    #[must_use]
    pub fn get(&self, id: &DeviceId) -> Option<&DeviceRecord> {
        self.records.iter().find(|r| &r.id == id)
    }

    /// Applies an event to a device.
    ///
    /// # Errors
    /// [`DeviceError::NotFound`] or as [`DeviceState::apply`].
    pub fn apply(&mut self, id: &DeviceId, event: DeviceEvent) -> Result<DeviceState, DeviceError> {
        self.find_mut(id)?.apply(event)
    }

    /// 停用裝置.
    ///
    /// # Errors
    /// As [`DeviceList::apply`].
    pub fn disable(&mut self, id: &DeviceId) -> Result<DeviceState, DeviceError> {
        self.apply(id, DeviceEvent::Disable)
    }

    /// 啟用裝置.
    ///
    /// # Errors
    /// As [`DeviceList::apply`].
    pub fn enable(&mut self, id: &DeviceId) -> Result<DeviceState, DeviceError> {
        self.apply(id, DeviceEvent::Enable)
    }

    /// 刪除裝置 (the record stays as `Deleted` until [`DeviceList::purge_deleted`]).
    ///
    /// # Errors
    /// As [`DeviceList::apply`].
    pub fn delete(&mut self, id: &DeviceId) -> Result<DeviceState, DeviceError> {
        self.apply(id, DeviceEvent::Delete)
    }

    /// Drops deleted records.
    pub fn purge_deleted(&mut self) {
        self.records.retain(|r| r.state != DeviceState::Deleted);
    }

    /// The rows of the management table: every device not deleted, most recently verified
    /// first.
    pub fn listed(&self) -> impl Iterator<Item = &DeviceRecord> {
        let mut rows: Vec<&DeviceRecord> = self
            .records
            .iter()
            .filter(|r| r.state != DeviceState::Deleted)
            .collect();
        rows.sort_by_key(|r| core::cmp::Reverse(r.verified_at));
        rows.into_iter()
    }

    /// The active devices.
    pub fn active(&self) -> impl Iterator<Item = &DeviceRecord> {
        self.records
            .iter()
            .filter(|r| r.state == DeviceState::Active)
    }

    /// Every record, deleted ones included, in binding order (for the store).
    #[must_use]
    pub fn records(&self) -> &[DeviceRecord] {
        &self.records
    }

    /// The device the app logs in from, if it is active.
    ///
    /// # Errors
    /// [`DeviceError::NotFound`], [`DeviceError::Deleted`] or [`DeviceError::NotActive`].
    pub fn check_app_login(&self, id: &DeviceId) -> Result<&DeviceRecord, DeviceError> {
        let r = self.get(id).ok_or(DeviceError::NotFound)?;
        match r.state {
            DeviceState::Active => Ok(r),
            DeviceState::Disabled => Err(DeviceError::NotActive),
            DeviceState::Deleted => Err(DeviceError::Deleted),
        }
    }

    /// Records an accepted TOTP step for a device.
    ///
    /// # Errors
    /// [`DeviceError::NotFound`].
    pub fn record_totp_step(&mut self, id: &DeviceId, step: u64) -> Result<(), DeviceError> {
        self.find_mut(id)?.record_totp_step(step);
        Ok(())
    }
}

impl From<Vec<DeviceRecord>> for DeviceList {
    fn from(records: Vec<DeviceRecord>) -> Self {
        DeviceList::from_records(records)
    }
}

impl From<DeviceList> for Vec<DeviceRecord> {
    fn from(list: DeviceList) -> Self {
        list.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 10, 19, 3, 22, 51).unwrap()
    }

    fn info() -> DeviceInfo {
        DeviceInfo::new("Android", "Sony Xperia").unwrap()
    }

    #[test]
    fn state_table() {
        use DeviceEvent as E;
        use DeviceState as S;
        assert_eq!(S::Active.apply(E::Disable), Ok(S::Disabled));
        assert_eq!(S::Disabled.apply(E::Enable), Ok(S::Active));
        assert_eq!(S::Active.apply(E::Delete), Ok(S::Deleted));
        assert_eq!(S::Disabled.apply(E::Delete), Ok(S::Deleted));
        assert_eq!(S::Active.apply(E::Enable), Err(DeviceError::AlreadyActive));
        assert_eq!(
            S::Disabled.apply(E::Disable),
            Err(DeviceError::AlreadyDisabled)
        );
        for e in [E::Disable, E::Enable, E::Delete] {
            assert_eq!(S::Deleted.apply(e), Err(DeviceError::Deleted));
        }
        assert_eq!(S::Active.actions(), [E::Disable, E::Delete]);
        assert_eq!(S::Disabled.actions(), [E::Enable, E::Delete]);
        assert_eq!(S::Active.msg().zh(), "啟用中");
        assert_eq!(E::Enable.msg().en(), "Enable Device");
    }

    #[test]
    fn ids_and_info() {
        let id = DeviceId::parse(" 3F2504E0-4F89-11D3-9A0C-0305E82C3301 ").unwrap();
        assert_eq!(id.masked(), "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXX3301");
        assert_eq!(DeviceId::parse("ab").unwrap().masked(), "ab");
        for bad in ["", "a b", "a/b", &"x".repeat(129), "中文"] {
            assert_eq!(DeviceId::parse(bad), Err(DeviceError::InvalidInfo), "{bad}");
        }
        assert!(DeviceInfo::new("", "x").is_err());
        assert!(DeviceInfo::new("iOS", "bad\nmodel").is_err());
        assert!(DeviceInfo::new("iOS", &"m".repeat(65)).is_err());
        assert_eq!(
            DeviceInfo::new(" iOS ", "iPhone 15").unwrap().platform(),
            "iOS"
        );
    }

    /// Regression: a model label with bidirectional controls could show as another text in
    /// the device table ("Pixel \u{202E}8 lexiP" and the like).
    #[test]
    fn invisible_format_characters_refused_and_neutralised_when_stored() {
        for bad in [
            "Pixel\u{202E}8",
            "a\u{2066}b\u{2069}",
            "zero\u{200B}width",
            "\u{061C}x",
            "bom\u{FEFF}",
            "x\u{2028}y",
        ] {
            assert_eq!(
                DeviceInfo::new("Android", bad),
                Err(DeviceError::InvalidInfo),
                "{bad:?}"
            );
            assert!(DeviceInfo::new(bad, "Pixel 8").is_err(), "{bad:?}");
        }
        assert!(DeviceInfo::new("Android", "華碩 ZenFone 10").is_ok());
        // Rows written before the rule load with the characters dropped.
        let old: DeviceInfo =
            serde_json::from_str(r#"{"platform":"Android","model":"Pixel \u202e8"}"#).unwrap();
        assert_eq!(old.model(), "Pixel 8");
    }

    #[test]
    fn list_rules() {
        let mut l = DeviceList::default();
        let a = DeviceId::parse("device-a").unwrap();
        let b = DeviceId::parse("device-b").unwrap();
        let r = l.verify(a.clone(), info(), t0());
        assert_eq!(r.verified_at_roc(), "109/10/19 11:22:51");
        l.verify(b.clone(), info(), t0() + TimeDelta::days(1));
        assert_eq!(l.active().count(), 2);
        let listed: Vec<_> = l.listed().map(|r| r.id().as_str().to_owned()).collect();
        assert_eq!(listed, ["device-b", "device-a"]);

        l.record_totp_step(&a, 100).unwrap();
        l.record_totp_step(&a, 50).unwrap();
        assert_eq!(l.get(&a).unwrap().last_totp_step(), Some(100));

        assert_eq!(l.disable(&a), Ok(DeviceState::Disabled));
        assert_eq!(l.check_app_login(&a).unwrap_err(), DeviceError::NotActive);
        assert_eq!(l.disable(&a), Err(DeviceError::AlreadyDisabled));
        assert_eq!(l.enable(&a), Ok(DeviceState::Active));
        assert!(l.check_app_login(&a).is_ok());
        assert_eq!(l.delete(&a), Ok(DeviceState::Deleted));
        assert_eq!(l.check_app_login(&a).unwrap_err(), DeviceError::Deleted);
        assert_eq!(l.listed().count(), 1);
        // re-verify the deleted device: a fresh record, TOTP history gone
        l.verify(a.clone(), info(), t0() + TimeDelta::days(2));
        assert_eq!(l.get(&a).unwrap().state(), DeviceState::Active);
        assert_eq!(l.get(&a).unwrap().last_totp_step(), None);
        assert_eq!(l.records().len(), 2);
        l.delete(&b).unwrap();
        l.purge_deleted();
        assert_eq!(l.records().len(), 1);
        let unknown = DeviceId::parse("nope").unwrap();
        assert_eq!(l.enable(&unknown), Err(DeviceError::NotFound));
        assert_eq!(
            l.check_app_login(&unknown).unwrap_err(),
            DeviceError::NotFound
        );
        assert_eq!(l.record_totp_step(&unknown, 1), Err(DeviceError::NotFound));

        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<DeviceList>(&json).unwrap(), l);
        assert!(
            serde_json::from_str::<DeviceInfo>(r#"{"platform":"","model":"x"}"#).is_err(),
            "deserialising validates"
        );
        let dup = DeviceList::from_records(vec![
            DeviceRecord::new(a.clone(), info(), t0()),
            DeviceRecord::new(a.clone(), info(), t0() + TimeDelta::days(3)),
        ]);
        assert_eq!(dup.records().len(), 1);
        assert_eq!(
            dup.get(&a).unwrap().verified_at(),
            t0() + TimeDelta::days(3)
        );
    }

    #[derive(Clone, Debug)]
    enum Op {
        Verify(u8),
        Event(u8, DeviceEvent),
        Purge,
    }

    fn op() -> impl Strategy<Value = Op> {
        let event = prop::sample::select(vec![
            DeviceEvent::Disable,
            DeviceEvent::Enable,
            DeviceEvent::Delete,
        ]);
        prop_oneof![
            (0u8..4).prop_map(Op::Verify),
            ((0u8..4), event).prop_map(|(i, e)| Op::Event(i, e)),
            Just(Op::Purge),
        ]
    }

    proptest! {
        /// Random operations: identifiers stay unique, a deleted device never comes back
        /// except by a new verification, refused events change nothing, and the app can
        /// log in exactly from active devices.
        #[test]
        fn random_operations(ops in prop::collection::vec(op(), 0..64)) {
            let ids: Vec<DeviceId> = (0..4).map(|i| DeviceId::parse(&format!("dev-{i}")).unwrap()).collect();
            let mut l = DeviceList::default();
            let mut now = t0();
            for op in ops {
                now += TimeDelta::seconds(1);
                match op {
                    Op::Verify(i) => {
                        let r = l.verify(ids[usize::from(i)].clone(), info(), now);
                        prop_assert_eq!(r.state(), DeviceState::Active);
                    }
                    Op::Event(i, e) => {
                        let id = &ids[usize::from(i)];
                        let before = l.get(id).map(DeviceRecord::state);
                        match l.apply(id, e) {
                            Ok(after) => {
                                let b = before.unwrap();
                                prop_assert_ne!(b, DeviceState::Deleted);
                                prop_assert_eq!(b.apply(e), Ok(after));
                            }
                            Err(_) => prop_assert_eq!(l.get(id).map(DeviceRecord::state), before),
                        }
                    }
                    Op::Purge => l.purge_deleted(),
                }
                let mut seen: Vec<&DeviceId> = l.records().iter().map(DeviceRecord::id).collect();
                let n = seen.len();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), n, "identifiers unique");
                for id in &ids {
                    let active = l.get(id).is_some_and(|r| r.state() == DeviceState::Active);
                    prop_assert_eq!(l.check_app_login(id).is_ok(), active);
                }
                prop_assert!(l.listed().all(|r| r.state() != DeviceState::Deleted));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,140}") {
            if let Ok(id) = DeviceId::parse(&s) {
                prop_assert_eq!(id.masked().chars().count(), id.as_str().chars().count());
            }
            let _ = DeviceInfo::new(&s, &s);
        }
    }
}
