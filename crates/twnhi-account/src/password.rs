//! Registration passwords (SPEC §4.10): the rules of every form that sets a password, the
//! four-level strength meter, refusal of common and personal passwords, and Argon2id hashing.
//!
//! Rules, all reported at once by [`check_password`]:
//!
//! - 6–12 characters ([`Msg::PasswordLength`], the manual's text);
//! - letters `A–Z a–z`, digits and the special characters `~!@#$%^&*-` only; space, `>` and
//!   `<` are named by the manual ([`Msg::PasswordForbiddenChar`]), anything else is
//!   [`Msg::PasswordUnsupportedChar`];
//! - the confirmation equals the password;
//! - *(design)* not on the common-password block list ([`is_common_password`]), not equal to
//!   or containing the ID number, the card number or the birth date.
//!
//! The strength meter ([`Strength`]) is information for the user, not a rule.
//!
//! ```
//! use twnhi_account::password::{check_password, PersonalData, Strength, PasswordViolation};
//! use twnhi_account::IdNumber;
//!
//! let id = IdNumber::parse("A123456789")?;
//! let personal = PersonalData { id_number: Some(&id), ..PersonalData::default() };
//!
//! let ok = check_password("Tw#2024nhi", Some("Tw#2024nhi"), &personal);
//! assert!(ok.is_ok());
//! assert_eq!(ok.strength, Strength::Strong);
//!
//! let bad = check_password("a123456789 ", Some("x"), &personal);
//! assert_eq!(
//!     bad.violations,
//!     [
//!         PasswordViolation::ForbiddenCharacter,
//!         PasswordViolation::ConfirmationMismatch,
//!         PasswordViolation::ContainsIdNumber,
//!     ]
//! );
//! # Ok::<(), twnhi_account::IdError>(())
//! ```

mod common;
pub mod hash;

use core::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::card::CardNumber;
use crate::id::IdNumber;
use crate::messages::{Lang, Localized, Msg, bilingual_display};

pub use common::is_common_password;
pub use hash::{HashError, HashMemory, HashPolicy, PasswordHash, VerifyOutcome};

/// Shortest password, in characters.
pub const MIN_LEN: usize = 6;
/// Longest password, in characters.
pub const MAX_LEN: usize = 12;
/// The special characters a password may contain (the manual's `~!@#$%^&*` and the `-` some
/// screens show).
pub const SPECIAL_CHARS: &str = "~!@#$%^&*-";
/// Characters the manual names as never allowed.
pub const FORBIDDEN_CHARS: &str = " ><";

/// A password held in memory that is wiped when dropped and never printed by `Debug`.
///
/// ```
/// use twnhi_account::Password;
/// let p = Password::new("Tw#2024nhi".to_owned());
/// assert_eq!(p.expose(), "Tw#2024nhi");
/// assert_eq!(format!("{p:?}"), "Password(***)");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    /// Takes ownership of the text (which is wiped when the `Password` is dropped).
    #[must_use]
    pub fn new(text: String) -> Self {
        Password(text)
    }

    /// The text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password(s)
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password(s.to_owned())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The strength meter of the password forms: 弱 weak / 中 Medium / 中強 Medium Strong /
/// 強 Strong.
///
/// Counted over four classes — upper case, lower case, digits, special characters
/// (`~!@#$%^&*-`): one class (or none) is weak, two medium, three medium strong, four strong
/// when at least 8 characters long and medium strong otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    /// 弱 weak.
    Weak,
    /// 中 Medium.
    Medium,
    /// 中強 Medium Strong.
    MediumStrong,
    /// 強 Strong.
    Strong,
}

impl Strength {
    /// Measures a password.
    ///
    /// ```
    /// use twnhi_account::password::Strength;
    /// assert_eq!(Strength::of("abcdef"), Strength::Weak);
    /// assert_eq!(Strength::of("abc123"), Strength::Medium);
    /// assert_eq!(Strength::of("Abc123"), Strength::MediumStrong);
    /// assert_eq!(Strength::of("Ab1#xyz"), Strength::MediumStrong); // 4 classes, 7 chars
    /// assert_eq!(Strength::of("Ab1#wxyz"), Strength::Strong);
    /// ```
    #[must_use]
    pub fn of(password: &str) -> Strength {
        let mut classes = [false; 4];
        for c in password.chars() {
            if c.is_ascii_uppercase() {
                classes[0] = true;
            } else if c.is_ascii_lowercase() {
                classes[1] = true;
            } else if c.is_ascii_digit() {
                classes[2] = true;
            } else if SPECIAL_CHARS.contains(c) {
                classes[3] = true;
            }
        }
        match classes.iter().filter(|&&b| b).count() {
            0 | 1 => Strength::Weak,
            2 => Strength::Medium,
            3 => Strength::MediumStrong,
            _ if password.chars().count() >= 8 => Strength::Strong,
            _ => Strength::MediumStrong,
        }
    }

    /// The meter's label.
    #[must_use]
    pub const fn msg(self) -> Msg {
        match self {
            Strength::Weak => Msg::StrengthWeak,
            Strength::Medium => Msg::StrengthMedium,
            Strength::MediumStrong => Msg::StrengthMediumStrong,
            Strength::Strong => Msg::StrengthStrong,
        }
    }

    /// The label in `lang` (弱 / weak …).
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        self.msg().text(lang)
    }

    /// Stable name: `weak`, `medium`, `medium-strong`, `strong`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Strength::Weak => "weak",
            Strength::Medium => "medium",
            Strength::MediumStrong => "medium-strong",
            Strength::Strong => "strong",
        }
    }

    /// The meter position, 1–4.
    #[must_use]
    pub const fn level(self) -> u8 {
        match self {
            Strength::Weak => 1,
            Strength::Medium => 2,
            Strength::MediumStrong => 3,
            Strength::Strong => 4,
        }
    }
}

impl fmt::Display for Strength {
    /// `弱 weak`, `中強 Medium Strong` …, as the meter shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.msg().zh(), self.msg().en())
    }
}

/// One broken password rule.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    thiserror::Error,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PasswordViolation {
    /// Not 6–12 characters long.
    Length,
    /// Contains a space, `>` or `<`.
    ForbiddenCharacter,
    /// Contains a character outside letters, digits and `~!@#$%^&*-`.
    UnsupportedCharacter,
    /// The confirmation differs.
    ConfirmationMismatch,
    /// On the common-password block list (or one character repeated, or a straight run like
    /// `234567`).
    Common,
    /// Equals or contains the ID number.
    ContainsIdNumber,
    /// Equals or contains the card number.
    ContainsCardNumber,
    /// Contains the birth date.
    ContainsBirthDate,
    /// The same as the current password (a change must change it; checked by the use case,
    /// which knows the current one).
    SameAsCurrent,
}

impl PasswordViolation {
    /// Stable name, e.g. `length`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PasswordViolation::Length => "length",
            PasswordViolation::ForbiddenCharacter => "forbidden-character",
            PasswordViolation::UnsupportedCharacter => "unsupported-character",
            PasswordViolation::ConfirmationMismatch => "confirmation-mismatch",
            PasswordViolation::Common => "common",
            PasswordViolation::ContainsIdNumber => "contains-id-number",
            PasswordViolation::ContainsCardNumber => "contains-card-number",
            PasswordViolation::ContainsBirthDate => "contains-birth-date",
            PasswordViolation::SameAsCurrent => "same-as-current",
        }
    }
}

impl Localized for PasswordViolation {
    fn msg(&self) -> Msg {
        match self {
            PasswordViolation::Length => Msg::PasswordLength,
            PasswordViolation::ForbiddenCharacter => Msg::PasswordForbiddenChar,
            PasswordViolation::UnsupportedCharacter => Msg::PasswordUnsupportedChar,
            PasswordViolation::ConfirmationMismatch => Msg::PasswordMismatch,
            PasswordViolation::Common => Msg::PasswordCommon,
            PasswordViolation::ContainsIdNumber => Msg::PasswordContainsId,
            PasswordViolation::ContainsCardNumber => Msg::PasswordContainsCardNumber,
            PasswordViolation::ContainsBirthDate => Msg::PasswordContainsBirthDate,
            PasswordViolation::SameAsCurrent => Msg::PasswordSameAsCurrent,
        }
    }
}
bilingual_display!(PasswordViolation);

/// A password refused for one or more reasons (all of them, in rule order).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct PasswordRejected {
    /// The broken rules; never empty.
    pub violations: Vec<PasswordViolation>,
}

impl Localized for PasswordRejected {
    /// The first violation's message.
    fn msg(&self) -> Msg {
        self.violations
            .first()
            .map_or(Msg::PasswordLength, Localized::msg)
    }
}

impl fmt::Display for PasswordRejected {
    /// Every violation, "zh / en", separated by "; ".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// The person's data a password must not contain. Leave unknown fields `None`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonalData<'a> {
    /// The ID number.
    pub id_number: Option<&'a IdNumber>,
    /// The NHI card number.
    pub card_number: Option<&'a CardNumber>,
    /// The birth date.
    pub birth_date: Option<NaiveDate>,
}

/// The result of [`check_password`]: the meter and every broken rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PasswordCheck {
    /// The strength meter.
    pub strength: Strength,
    /// Broken rules in rule order; empty when the password is acceptable.
    pub violations: Vec<PasswordViolation>,
}

impl PasswordCheck {
    /// No rule is broken.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// `Ok(strength)` or the rejection.
    ///
    /// # Errors
    /// [`PasswordRejected`] with every violation.
    pub fn into_result(self) -> Result<Strength, PasswordRejected> {
        if self.violations.is_empty() {
            Ok(self.strength)
        } else {
            Err(PasswordRejected {
                violations: self.violations,
            })
        }
    }
}

/// Checks a new password against every rule at once.
///
/// `confirmation` is the "confirm password" field; pass `None` where a form has none (the
/// CLI). Comparisons with personal data ignore ASCII case.
#[must_use]
pub fn check_password(
    password: &str,
    confirmation: Option<&str>,
    personal: &PersonalData<'_>,
) -> PasswordCheck {
    let mut violations = Vec::new();
    let len = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        violations.push(PasswordViolation::Length);
    }
    if password.chars().any(|c| FORBIDDEN_CHARS.contains(c)) {
        violations.push(PasswordViolation::ForbiddenCharacter);
    }
    if password.chars().any(|c| {
        !c.is_ascii_alphanumeric() && !SPECIAL_CHARS.contains(c) && !FORBIDDEN_CHARS.contains(c)
    }) {
        violations.push(PasswordViolation::UnsupportedCharacter);
    }
    if let Some(confirm) = confirmation {
        let same: bool = password.as_bytes().ct_eq(confirm.as_bytes()).into();
        if !same {
            violations.push(PasswordViolation::ConfirmationMismatch);
        }
    }
    let lower = Zeroizing::new(password.to_ascii_lowercase());
    if is_common_password(&lower) {
        violations.push(PasswordViolation::Common);
    }
    if let Some(id) = personal.id_number {
        let id = id.as_str().to_ascii_lowercase();
        let serial = id.get(1..).unwrap_or_default();
        if lower.contains(&id) || (!serial.is_empty() && lower.contains(serial)) {
            violations.push(PasswordViolation::ContainsIdNumber);
        }
    }
    if let Some(card) = personal.card_number
        && lower.contains(card.as_str())
    {
        violations.push(PasswordViolation::ContainsCardNumber);
    }
    if let Some(birth) = personal.birth_date
        && birth_date_forms(birth)
            .iter()
            .any(|f| lower.contains(f.as_str()))
    {
        violations.push(PasswordViolation::ContainsBirthDate);
    }
    PasswordCheck {
        strength: Strength::of(password),
        violations,
    }
}

/// The ways a birth date is commonly written inside passwords.
fn birth_date_forms(d: NaiveDate) -> Vec<String> {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    let mut forms = vec![
        format!("{y:04}{m:02}{dd:02}"),
        format!("{m:02}{dd:02}{y:04}"),
        format!("{dd:02}{m:02}{y:04}"),
        format!("{:02}{m:02}{dd:02}", y.rem_euclid(100)),
        format!("{y:04}-{m:02}-{dd:02}"),
    ];
    let roc = y - crate::roc::ROC_YEAR_OFFSET;
    if roc > 0 {
        forms.push(format!("{roc:03}{m:02}{dd:02}"));
        forms.push(format!("{roc}{m:02}{dd:02}"));
        forms.push(format!("{roc}-{m:02}-{dd:02}"));
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn none() -> PersonalData<'static> {
        PersonalData::default()
    }

    #[test]
    fn length_rule() {
        assert!(
            check_password("Ab1#x", None, &none())
                .violations
                .contains(&PasswordViolation::Length)
        );
        assert!(check_password("Ab1#xQ", None, &none()).is_ok());
        assert!(check_password("Ab1#xQ7$kLm9", None, &none()).is_ok());
        assert!(
            check_password("Ab1#xQ7$kLm9z", None, &none())
                .violations
                .contains(&PasswordViolation::Length)
        );
        // characters, not bytes
        let v = check_password("密碼密碼密碼", None, &none()).violations;
        assert_eq!(v, [PasswordViolation::UnsupportedCharacter]);
    }

    #[test]
    fn characters() {
        for p in ["Ab1 #xyz", "Ab1>#xyz", "Ab1<#xyz"] {
            assert_eq!(
                check_password(p, None, &none()).violations,
                [PasswordViolation::ForbiddenCharacter],
                "{p}"
            );
        }
        for p in ["Ab1_#xyz", "Ab1+#xyz", "Ab1.#xyz", "Ab1é#xyz", "Ab1\t#xyz"] {
            assert_eq!(
                check_password(p, None, &none()).violations,
                [PasswordViolation::UnsupportedCharacter],
                "{p}"
            );
        }
        for special in SPECIAL_CHARS.chars() {
            let p = format!("Ab1{special}wxyz");
            let c = check_password(&p, Some(&p), &none());
            assert!(c.is_ok(), "{p}: {:?}", c.violations);
            assert_eq!(c.strength, Strength::Strong);
        }
    }

    #[test]
    fn every_violation_at_once() {
        let id = IdNumber::parse("A123456789").unwrap();
        let card = CardNumber::parse("000012345678").unwrap();
        let personal = PersonalData {
            id_number: Some(&id),
            card_number: Some(&card),
            birth_date: NaiveDate::from_ymd_opt(1980, 1, 1),
        };
        let c = check_password(
            "A123456789 <_000012345678 19800101",
            Some("nope"),
            &personal,
        );
        assert_eq!(
            c.violations,
            [
                PasswordViolation::Length,
                PasswordViolation::ForbiddenCharacter,
                PasswordViolation::UnsupportedCharacter,
                PasswordViolation::ConfirmationMismatch,
                PasswordViolation::ContainsIdNumber,
                PasswordViolation::ContainsCardNumber,
                PasswordViolation::ContainsBirthDate,
            ]
        );
        let err = c.into_result().unwrap_err();
        assert_eq!(err.msg(), Msg::PasswordLength);
        assert!(
            err.to_string().starts_with(
                "註冊密碼長度必須6-12碼。 / password length must be 6-12 characters.; "
            )
        );
    }

    #[test]
    fn personal_data() {
        let id = IdNumber::parse("A123456789").unwrap();
        let card = CardNumber::parse("000012345678").unwrap();
        let birth = NaiveDate::from_ymd_opt(1985, 7, 9);
        let personal = PersonalData {
            id_number: Some(&id),
            card_number: Some(&card),
            birth_date: birth,
        };
        let v = |p: &str| check_password(p, None, &personal).violations;
        assert!(v("a123456789X").contains(&PasswordViolation::ContainsIdNumber));
        assert!(v("x123456789").contains(&PasswordViolation::ContainsIdNumber));
        assert_eq!(v("000012345678"), [PasswordViolation::ContainsCardNumber]);
        for p in [
            "Tw19850709",
            "Tw0709198",
            "Tw850709",
            "Tw0740709",
            "Tw740709",
            "1985-07-09",
        ] {
            if p == "Tw0709198" {
                assert!(!v(p).contains(&PasswordViolation::ContainsBirthDate), "{p}");
            } else {
                assert!(v(p).contains(&PasswordViolation::ContainsBirthDate), "{p}");
            }
        }
        assert!(v("Tw#2024nhi").is_empty());
    }

    #[test]
    fn common_passwords() {
        for p in [
            "123456",
            "password",
            "Password1",
            "qwerty123",
            "a123456",
            "1qaz2wsx",
            "aaaaaaa",
            "8888888",
            "234567",
            "fedcba",
            "woaini1314",
        ] {
            assert!(
                check_password(p, None, &none())
                    .violations
                    .contains(&PasswordViolation::Common),
                "{p}"
            );
        }
        for p in ["Tw#2024nhi", "Zq8-mK2!", "mango7river"] {
            assert!(!is_common_password(p), "{p}");
        }
    }

    #[test]
    fn confirmation() {
        assert_eq!(
            check_password("Tw#2024nhi", Some("Tw#2024nhI"), &none()).violations,
            [PasswordViolation::ConfirmationMismatch]
        );
        assert!(check_password("Tw#2024nhi", Some("Tw#2024nhi"), &none()).is_ok());
    }

    #[test]
    fn strength_table() {
        let cases = [
            ("", Strength::Weak),
            ("abcdefgh", Strength::Weak),
            ("ABCDEFGH", Strength::Weak),
            ("12345678", Strength::Weak),
            ("!@#$%^&*", Strength::Weak),
            ("abcDEF", Strength::Medium),
            ("abc---", Strength::Medium),
            ("abc-12", Strength::MediumStrong),
            ("abC-12", Strength::MediumStrong),
            ("abC-1234", Strength::Strong),
        ];
        for (p, s) in cases {
            assert_eq!(Strength::of(p), s, "{p}");
        }
        assert_eq!(Strength::Strong.to_string(), "強 Strong");
        assert_eq!(Strength::MediumStrong.label(Lang::En), "Medium Strong");
        assert_eq!(
            serde_json::to_string(&Strength::MediumStrong).unwrap(),
            "\"medium-strong\""
        );
    }

    proptest! {
        #[test]
        fn never_panics(p in "\\PC{0,20}", c in "\\PC{0,20}", y in 1900i32..2100, m in 1u32..13, d in 1u32..29) {
            let id = IdNumber::parse("A123456789").unwrap();
            let personal = PersonalData {
                id_number: Some(&id),
                card_number: None,
                birth_date: NaiveDate::from_ymd_opt(y, m, d),
            };
            let r = check_password(&p, Some(&c), &personal);
            // violations are sorted and unique
            let mut sorted = r.violations.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted, r.violations);
        }

        #[test]
        fn length_rule_exact(p in "[a-zA-Z0-9~!@#$%^&*-]{0,16}") {
            let c = check_password(&p, None, &none());
            let bad_len = !(MIN_LEN..=MAX_LEN).contains(&p.len());
            prop_assert_eq!(c.violations.contains(&PasswordViolation::Length), bad_len);
            prop_assert!(!c.violations.contains(&PasswordViolation::ForbiddenCharacter));
            prop_assert!(!c.violations.contains(&PasswordViolation::UnsupportedCharacter));
        }
    }
}
