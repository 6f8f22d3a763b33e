//! The life of a registration (one per person, keyed by the ID number) as a state machine,
//! and which flows of SPEC §4 each state allows.
//!
//! ```text
//! PendingEmailVerification --EmailVerified--> Active
//! Active --Suspend--> Suspended --Reinstate--> Active              (at a counter)
//! Active --RequestCancellation--> CancellationRequested
//! CancellationRequested --RequestCancellation--> CancellationRequested   (a new letter)
//! CancellationRequested --WithdrawCancellation--> Active           (expired or withdrawn)
//! CancellationRequested --Suspend--> Suspended
//! CancellationRequested --ConfirmCancellation--> Cancelled         (final)
//! ```
//!
//! - Until the e-mail address is verified the registration cannot log in (4.1 step 5).
//! - Suspension and reinstatement are done at a counter (an admin operation, 4.2).
//! - A requested cancellation still logs in and works until it is confirmed (4.7 step 4);
//!   requesting again sends a new letter; an expired or withdrawn request returns to
//!   `Active`.
//! - `Cancelled` is final: a person who wants the service again applies anew, which creates
//!   a new registration.
//!
//! Transitions are pure functions returning the new state or a typed error:
//!
//! ```
//! use twnhi_account::registration::{Flow, RegistrationEvent as E, RegistrationState as S};
//!
//! let s = S::PendingEmailVerification;
//! assert!(!s.allows(Flow::Login));
//! let s = s.apply(E::EmailVerified)?;
//! let s = s.apply(E::RequestCancellation)?;
//! assert!(s.allows(Flow::Login)); // still works until confirmed
//! let s = s.apply(E::ConfirmCancellation)?;
//! assert_eq!(s, S::Cancelled);
//! assert!(s.apply(E::Reinstate).is_err()); // cancelled stays cancelled
//! # Ok::<(), twnhi_account::registration::TransitionError>(())
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};

/// The state of a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationState {
    /// Applied; the e-mail address is not verified yet. Cannot log in.
    PendingEmailVerification,
    /// In use.
    Active,
    /// Suspended at a counter. Cannot log in.
    Suspended,
    /// Cancellation requested, the letter sent; still in use until confirmed.
    CancellationRequested,
    /// Cancelled. Final.
    Cancelled,
}

/// Something that happens to a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationEvent {
    /// The confirmation link was opened with the registrant's card (4.1 step 5).
    EmailVerified,
    /// Suspended at a counter.
    Suspend,
    /// Reinstated at a counter.
    Reinstate,
    /// A cancellation letter was requested (4.7 step 2).
    RequestCancellation,
    /// The cancellation request expired or was withdrawn.
    WithdrawCancellation,
    /// The cancellation was confirmed with the e-mail code (4.7 step 4).
    ConfirmCancellation,
}

/// The flows (use cases) of the site and the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Flow {
    /// Apply again while this registration exists (4.1): only to replace an unverified
    /// application, or after a cancellation.
    Apply,
    /// Open the confirmation link (4.1 step 5).
    VerifyEmail,
    /// Resend the confirmation letter (4.8).
    ResendConfirmation,
    /// Log in on the site with card and password (4.2).
    Login,
    /// Log in from the app on an active device.
    AppLogin,
    /// Produce a device verification code, or bind a device with it (4.3).
    DeviceVerification,
    /// Enable, disable or delete devices (4.4).
    DeviceManagement,
    /// Change the password (4.5).
    ChangePassword,
    /// Change e-mail addresses and phones (4.6).
    ChangeBasicData,
    /// Ask for a password reset letter (4.9).
    ForgotPassword,
    /// Set a new password through the reset link (4.9).
    ResetPassword,
    /// Ask for a cancellation letter (4.7 steps 1–2).
    RequestCancellation,
    /// Confirm the cancellation with the e-mail code (4.7 step 4).
    ConfirmCancellation,
}

impl Flow {
    /// Every flow.
    pub const ALL: [Flow; 13] = [
        Flow::Apply,
        Flow::VerifyEmail,
        Flow::ResendConfirmation,
        Flow::Login,
        Flow::AppLogin,
        Flow::DeviceVerification,
        Flow::DeviceManagement,
        Flow::ChangePassword,
        Flow::ChangeBasicData,
        Flow::ForgotPassword,
        Flow::ResetPassword,
        Flow::RequestCancellation,
        Flow::ConfirmCancellation,
    ];
}

/// A transition that the current state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub struct TransitionError {
    /// The state the registration is in (unchanged).
    pub from: RegistrationState,
    /// The refused event.
    pub event: RegistrationEvent,
}

impl Localized for TransitionError {
    fn msg(&self) -> Msg {
        use RegistrationEvent as E;
        use RegistrationState as S;
        match (self.from, self.event) {
            (S::PendingEmailVerification, _) => Msg::EmailNotVerified,
            (S::Suspended, _) => Msg::RegistrationSuspended,
            (S::Cancelled, _) => Msg::RegistrationCancelled,
            (S::Active, E::ConfirmCancellation | E::WithdrawCancellation) => {
                Msg::NoCancellationPending
            }
            _ => Msg::OperationNotAllowed,
        }
    }
}
bilingual_display!(TransitionError);

/// A flow that the registration's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub struct FlowRefused {
    /// The registration's state.
    pub state: RegistrationState,
    /// The refused flow.
    pub flow: Flow,
}

impl Localized for FlowRefused {
    fn msg(&self) -> Msg {
        use RegistrationState as S;
        match (self.state, self.flow) {
            (S::Suspended, _) => Msg::RegistrationSuspended,
            (S::Cancelled, _) => Msg::RegistrationCancelled,
            (S::PendingEmailVerification, _) => Msg::EmailNotVerified,
            (S::Active | S::CancellationRequested, Flow::Apply) => Msg::AlreadyRegistered,
            (S::Active, Flow::ConfirmCancellation) => Msg::NoCancellationPending,
            _ => Msg::OperationNotAllowed,
        }
    }
}
bilingual_display!(FlowRefused);

impl RegistrationState {
    /// Every state.
    pub const ALL: [RegistrationState; 5] = [
        RegistrationState::PendingEmailVerification,
        RegistrationState::Active,
        RegistrationState::Suspended,
        RegistrationState::CancellationRequested,
        RegistrationState::Cancelled,
    ];

    /// The state a new application starts in.
    pub const INITIAL: RegistrationState = RegistrationState::PendingEmailVerification;

    /// The state after `event`.
    ///
    /// # Errors
    /// [`TransitionError`] when the event is not allowed in this state (the state does not
    /// change).
    pub const fn apply(self, event: RegistrationEvent) -> Result<Self, TransitionError> {
        use RegistrationEvent as E;
        use RegistrationState as S;
        match (self, event) {
            (S::PendingEmailVerification, E::EmailVerified) => Ok(S::Active),
            (S::Active | S::CancellationRequested, E::Suspend) => Ok(S::Suspended),
            (S::Suspended, E::Reinstate) => Ok(S::Active),
            (S::Active | S::CancellationRequested, E::RequestCancellation) => {
                Ok(S::CancellationRequested)
            }
            (S::CancellationRequested, E::WithdrawCancellation) => Ok(S::Active),
            (S::CancellationRequested, E::ConfirmCancellation) => Ok(S::Cancelled),
            (from, event) => Err(TransitionError { from, event }),
        }
    }

    /// Whether this state allows a flow.
    #[must_use]
    pub const fn allows(self, flow: Flow) -> bool {
        use RegistrationState as S;
        match flow {
            Flow::Apply => matches!(self, S::PendingEmailVerification | S::Cancelled),
            Flow::VerifyEmail | Flow::ResendConfirmation => {
                matches!(self, S::PendingEmailVerification)
            }
            Flow::Login
            | Flow::AppLogin
            | Flow::DeviceVerification
            | Flow::DeviceManagement
            | Flow::ChangePassword
            | Flow::ChangeBasicData
            | Flow::ForgotPassword
            | Flow::ResetPassword
            | Flow::RequestCancellation => self.is_in_use(),
            Flow::ConfirmCancellation => matches!(self, S::CancellationRequested),
        }
    }

    /// `Ok` if the flow is allowed, else the refusal to show.
    ///
    /// # Errors
    /// [`FlowRefused`].
    ///
    /// ```
    /// use twnhi_account::registration::{Flow, RegistrationState};
    /// use twnhi_account::{Localized, Msg};
    /// let err = RegistrationState::Suspended.check(Flow::Login).unwrap_err();
    /// assert_eq!(err.msg(), Msg::RegistrationSuspended);
    /// ```
    pub const fn check(self, flow: Flow) -> Result<(), FlowRefused> {
        if self.allows(flow) {
            Ok(())
        } else {
            Err(FlowRefused { state: self, flow })
        }
    }

    /// Active or with a pending cancellation: logs in, binds devices, changes data.
    #[must_use]
    pub const fn is_in_use(self) -> bool {
        matches!(
            self,
            RegistrationState::Active | RegistrationState::CancellationRequested
        )
    }

    /// Whether no event leaves this state.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(self, RegistrationState::Cancelled)
    }

    /// Stable name, e.g. `pending-email-verification`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RegistrationState::PendingEmailVerification => "pending-email-verification",
            RegistrationState::Active => "active",
            RegistrationState::Suspended => "suspended",
            RegistrationState::CancellationRequested => "cancellation-requested",
            RegistrationState::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for RegistrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationEvent as E;
    use RegistrationState as S;
    use proptest::prelude::*;

    const EVENTS: [RegistrationEvent; 6] = [
        E::EmailVerified,
        E::Suspend,
        E::Reinstate,
        E::RequestCancellation,
        E::WithdrawCancellation,
        E::ConfirmCancellation,
    ];

    #[test]
    fn transition_table() {
        let allowed = [
            (S::PendingEmailVerification, E::EmailVerified, S::Active),
            (S::Active, E::Suspend, S::Suspended),
            (S::CancellationRequested, E::Suspend, S::Suspended),
            (S::Suspended, E::Reinstate, S::Active),
            (S::Active, E::RequestCancellation, S::CancellationRequested),
            (
                S::CancellationRequested,
                E::RequestCancellation,
                S::CancellationRequested,
            ),
            (S::CancellationRequested, E::WithdrawCancellation, S::Active),
            (
                S::CancellationRequested,
                E::ConfirmCancellation,
                S::Cancelled,
            ),
        ];
        for from in S::ALL {
            for event in EVENTS {
                let expected = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(from.apply(event), Ok(to), "{from:?} {event:?}"),
                    None => assert_eq!(
                        from.apply(event),
                        Err(TransitionError { from, event }),
                        "{from:?} {event:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn flows_per_state() {
        assert!(S::PendingEmailVerification.allows(Flow::ResendConfirmation));
        assert!(!S::PendingEmailVerification.allows(Flow::Login));
        assert!(S::Active.allows(Flow::Login));
        assert!(S::CancellationRequested.allows(Flow::Login));
        assert!(S::CancellationRequested.allows(Flow::ConfirmCancellation));
        assert!(!S::Active.allows(Flow::ConfirmCancellation));
        for flow in Flow::ALL {
            assert!(!S::Suspended.allows(flow), "{flow:?}");
            assert_eq!(S::Cancelled.allows(flow), flow == Flow::Apply, "{flow:?}");
        }
        assert_eq!(
            S::Active.check(Flow::Apply).unwrap_err().msg(),
            Msg::AlreadyRegistered
        );
        assert_eq!(
            S::PendingEmailVerification
                .check(Flow::Login)
                .unwrap_err()
                .msg(),
            Msg::EmailNotVerified
        );
        assert_eq!(
            S::Active.apply(E::ConfirmCancellation).unwrap_err().msg(),
            Msg::NoCancellationPending
        );
        assert_eq!(
            S::Cancelled.apply(E::Reinstate).unwrap_err().to_string(),
            Msg::RegistrationCancelled.to_string()
        );
    }

    #[test]
    fn serde_names() {
        assert_eq!(
            serde_json::to_string(&S::PendingEmailVerification).unwrap(),
            "\"pending-email-verification\""
        );
        for s in S::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }

    fn event() -> impl Strategy<Value = RegistrationEvent> {
        prop::sample::select(EVENTS.to_vec())
    }

    proptest! {
        /// Random event sequences from a new application: every state reached is one the
        /// table allows, refused events change nothing, cancelled stays cancelled, and an
        /// unverified state is never re-entered.
        #[test]
        fn random_sequences(events in prop::collection::vec(event(), 0..64)) {
            let mut s = S::INITIAL;
            let mut cancelled = false;
            let mut left_pending = false;
            for e in events {
                let before = s;
                match s.apply(e) {
                    Ok(next) => {
                        prop_assert!(!before.is_final());
                        if next == S::Cancelled {
                            prop_assert_eq!(before, S::CancellationRequested);
                            prop_assert_eq!(e, E::ConfirmCancellation);
                        }
                        s = next;
                    }
                    Err(err) => {
                        prop_assert_eq!(err.from, before);
                        prop_assert_eq!(err.event, e);
                    }
                }
                if s == S::Cancelled {
                    cancelled = true;
                }
                if cancelled {
                    prop_assert_eq!(s, S::Cancelled, "a cancelled registration stays cancelled");
                }
                if s != S::PendingEmailVerification {
                    left_pending = true;
                }
                if left_pending {
                    prop_assert_ne!(s, S::PendingEmailVerification);
                }
                // logging in is possible exactly in the in-use states
                prop_assert_eq!(s.allows(Flow::Login), matches!(s, S::Active | S::CancellationRequested));
                prop_assert_eq!(s.check(Flow::Login).is_ok(), s.allows(Flow::Login));
            }
        }
    }
}
