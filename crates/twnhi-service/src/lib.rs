#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

mod account;
mod admin;
mod cancel;
mod card_auth;
mod cert_login;
mod config;
mod devices;
mod error;
mod hashing;
pub mod keyfile;
mod keys;
mod letters;
mod maintenance;
#[cfg(test)]
mod mock_tests;
mod outbox;
pub mod ports;
mod registration;
pub mod sam;
mod service;
mod throttle;

pub use account::AccountView;
pub use admin::{MAX_TEST_LETTERS, RegistrationReport, mask_email, mask_mobile};
pub use cancel::{CancelConfirmInput, CancelDelivery, CancelRequestInput, CaptchaOnScreen};
pub use card_auth::{CardHolder, CardNonce, SamAnswer, SessionView};
pub use cert_login::{
    CertApplyInput, CertApplyOutcome, CertChallenge, CertLoginInput, CertLoginOutcome,
};
pub use config::{CertificatePolicy, HashingConfig, LetterCaps, OutboxConfig, ServiceConfig};
pub use devices::{
    AppDeviceView, AppLoginInput, AppSession, AppSessionView, BindDeviceInput, BoundDevice,
    DeviceCode, DeviceView,
};
pub use error::{Result, ServiceError};
pub use keys::{ServiceKeys, token_digest};
pub use maintenance::{Liveness, LivenessGuard, MaintenanceHandle, MaintenanceWorker};
pub use outbox::{DeliveryReport, OutboxHandle, OutboxMonitor, OutboxStatus, OutboxWorker};
pub use ports::{
    IdentityCheck, IdentityCheckUnavailable, IdentityTable, ManualClock, PortRng, Randomness,
    SeededRandom, SystemClock, SystemRandom,
};
pub use registration::{
    ApplyInput, ApplyOutcome, ChangeDataInput, ChangeDataOutcome, ChangePasswordInput,
    LetterRequest, LoginOutcome, NewAddress, NewPassword,
};
pub use sam::{Sam, SamError, SoftwareSam};
pub use service::{Caller, Ports, Service, SessionToken};
// The data types of the store that the use cases take and give, so that adapters need not
// use `twnhi-store` themselves.
/// The certificate verification types the certificate login takes.
pub use twnhi_pki;
pub use twnhi_store::{AuthMethod, Contacts, RegistrationId};

/// Loads (or creates, mode 0600) the server key of one-time secrets: 32 random bytes in hex.
///
/// # Errors
/// [`keyfile::KeyFileError`].
pub fn load_server_key(
    path: &std::path::Path,
    random: &dyn Randomness,
) -> core::result::Result<twnhi_account::secret::ServerKey, keyfile::KeyFileError> {
    let bytes = keyfile::load_or_create(path, twnhi_account::secret::MIN_KEY_LEN, random)?;
    twnhi_account::secret::ServerKey::new(bytes.to_vec()).map_err(|_| {
        keyfile::KeyFileError::Format {
            path: path.to_path_buf(),
            len: twnhi_account::secret::MIN_KEY_LEN,
        }
    })
}
