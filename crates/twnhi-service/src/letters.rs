//! What an outbox row holds (sealed): the data of one letter, rendered and composed only at
//! delivery, so a retry produces the same message with the same Message-ID and Date.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::Email;
use twnhi_account::roc::{RocDate, RocDateTime};
use twnhi_notify::{
    CancellationConfirm, CancellationNotice, Completion, Confirmation, Deleted, EmailChangeConfirm,
    EmailChanged, EmailCode, Letter, LinkToken, PasswordChanged, PasswordReset,
};
use twnhi_store::MailKind;
use zeroize::Zeroize;

use crate::error::ServiceError;

/// One letter's data. Tokens and codes are plaintext here: this value only ever exists in
/// memory and sealed in the outbox (wiped on drop).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "letter", rename_all = "kebab-case")]
pub(crate) enum LetterData {
    Confirmation {
        to: String,
        name: String,
        token: String,
        expires_at: DateTime<Utc>,
    },
    Completion {
        to: String,
        name: String,
    },
    PasswordReset {
        to: String,
        name: String,
        token: String,
        expires_at: DateTime<Utc>,
    },
    CancellationConfirm {
        to: String,
        name: String,
        code: String,
        expires_at: DateTime<Utc>,
    },
    Deleted {
        to: String,
        name: String,
        deleted_at: DateTime<Utc>,
    },
    EmailChanged {
        to: String,
        name: String,
        new_email: String,
        changed_at: DateTime<Utc>,
    },
    PasswordChanged {
        to: String,
        name: String,
        changed_at: DateTime<Utc>,
    },
    EmailChangeConfirm {
        to: String,
        name: String,
        token: String,
        expires_at: DateTime<Utc>,
    },
    CancellationNotice {
        to: String,
        name: String,
        new_email: String,
        at: DateTime<Utc>,
        token: String,
        expires_at: DateTime<Utc>,
        effective_at: Option<DateTime<Utc>>,
    },
}

impl Drop for LetterData {
    fn drop(&mut self) {
        match self {
            LetterData::Confirmation { token, .. }
            | LetterData::PasswordReset { token, .. }
            | LetterData::EmailChangeConfirm { token, .. }
            | LetterData::CancellationNotice { token, .. } => {
                token.zeroize();
            }
            LetterData::CancellationConfirm { code, .. } => code.zeroize(),
            _ => {}
        }
    }
}

impl core::fmt::Debug for LetterData {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "LetterData({})", self.slug())
    }
}

fn roc(t: DateTime<Utc>) -> Result<RocDateTime, ServiceError> {
    RocDateTime::from_utc(t).map_err(|_| ServiceError::Internal {
        what: "letter date",
    })
}

impl LetterData {
    /// The letter's kind as the outbox stores it.
    pub(crate) fn mail_kind(&self) -> MailKind {
        match self {
            LetterData::Confirmation { .. } => MailKind::Confirmation,
            LetterData::Completion { .. } => MailKind::Completion,
            LetterData::PasswordReset { .. } => MailKind::PasswordReset,
            LetterData::CancellationConfirm { .. } => MailKind::CancellationConfirm,
            LetterData::Deleted { .. } => MailKind::Deleted,
            LetterData::EmailChanged { .. } => MailKind::EmailChanged,
            LetterData::PasswordChanged { .. } => MailKind::PasswordChanged,
            LetterData::CancellationNotice { .. } => MailKind::CancellationNotice,
            LetterData::EmailChangeConfirm { .. } => MailKind::EmailChangeConfirm,
        }
    }

    /// The letter kind's slug (as `twnhi_notify::LetterKind::slug`).
    pub(crate) fn slug(&self) -> &'static str {
        self.mail_kind().as_str()
    }

    /// The recipient's address as written (for the letter caps' pseudonym).
    pub(crate) fn recipient(&self) -> &str {
        match self {
            LetterData::Confirmation { to, .. }
            | LetterData::Completion { to, .. }
            | LetterData::PasswordReset { to, .. }
            | LetterData::CancellationConfirm { to, .. }
            | LetterData::Deleted { to, .. }
            | LetterData::EmailChanged { to, .. }
            | LetterData::PasswordChanged { to, .. }
            | LetterData::EmailChangeConfirm { to, .. }
            | LetterData::CancellationNotice { to, .. } => to,
        }
    }

    /// The recipient and the letter for the renderer.
    pub(crate) fn to_letter(&self) -> Result<(Email, Letter), ServiceError> {
        let bad_link = |_| ServiceError::Internal {
            what: "letter token",
        };
        let (to, letter) = match self {
            LetterData::Confirmation {
                to,
                name,
                token,
                expires_at,
            } => (
                to,
                Letter::Confirmation(Confirmation {
                    name: name.clone(),
                    token: LinkToken::parse(token).map_err(bad_link)?,
                    expires_at: roc(*expires_at)?,
                }),
            ),
            LetterData::EmailChangeConfirm {
                to,
                name,
                token,
                expires_at,
            } => (
                to,
                Letter::EmailChangeConfirm(EmailChangeConfirm {
                    name: name.clone(),
                    token: LinkToken::parse(token).map_err(bad_link)?,
                    expires_at: roc(*expires_at)?,
                }),
            ),
            LetterData::Completion { to, name } => {
                (to, Letter::Completion(Completion { name: name.clone() }))
            }
            LetterData::PasswordReset {
                to,
                name,
                token,
                expires_at,
            } => (
                to,
                Letter::PasswordReset(PasswordReset {
                    name: name.clone(),
                    token: LinkToken::parse(token).map_err(bad_link)?,
                    expires_at: roc(*expires_at)?,
                }),
            ),
            LetterData::CancellationConfirm {
                to,
                name,
                code,
                expires_at,
            } => (
                to,
                Letter::CancellationConfirm(CancellationConfirm {
                    name: name.clone(),
                    code: EmailCode::parse(code).map_err(bad_link)?,
                    expires_at: roc(*expires_at)?,
                }),
            ),
            LetterData::Deleted {
                to,
                name,
                deleted_at,
            } => (
                to,
                Letter::Deleted(Deleted {
                    name: name.clone(),
                    deleted_on: RocDate::from_utc(*deleted_at).map_err(|_| {
                        ServiceError::Internal {
                            what: "letter date",
                        }
                    })?,
                }),
            ),
            LetterData::EmailChanged {
                to,
                name,
                new_email,
                changed_at,
            } => (
                to,
                Letter::EmailChanged(EmailChanged {
                    name: name.clone(),
                    new_email: Email::parse(new_email).map_err(|_| ServiceError::Internal {
                        what: "letter address",
                    })?,
                    changed_at: roc(*changed_at)?,
                }),
            ),
            LetterData::PasswordChanged {
                to,
                name,
                changed_at,
            } => (
                to,
                Letter::PasswordChanged(PasswordChanged {
                    name: name.clone(),
                    changed_at: roc(*changed_at)?,
                }),
            ),
            LetterData::CancellationNotice {
                to,
                name,
                new_email,
                at,
                token,
                expires_at,
                effective_at,
            } => (
                to,
                Letter::CancellationNotice(CancellationNotice {
                    name: name.clone(),
                    new_email: Email::parse(new_email).map_err(|_| ServiceError::Internal {
                        what: "letter address",
                    })?,
                    requested_at: roc(*at)?,
                    stop: LinkToken::parse(token).map_err(bad_link)?,
                    stop_expires_at: roc(*expires_at)?,
                    effective_at: effective_at.map(roc).transpose()?,
                }),
            ),
        };
        let to = Email::parse(to).map_err(|_| ServiceError::Internal {
            what: "letter address",
        })?;
        Ok((to, letter))
    }
}

#[cfg(test)]
mod tests {
    use twnhi_notify::LetterKind;
    use twnhi_store::MailKind;

    /// The outbox's kinds are the letters' slugs, one for one.
    #[test]
    fn mail_kinds_are_the_letter_slugs() {
        assert_eq!(MailKind::ALL.len(), LetterKind::ALL.len());
        for k in LetterKind::ALL {
            let m: MailKind = k.slug().parse().unwrap();
            assert_eq!(m.as_str(), k.slug());
        }
    }
}
