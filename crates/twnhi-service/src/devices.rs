//! Mobile devices: produce the device verification code (4.3), bind a device from the app,
//! the app's login and token check, and device management (4.4).

use core::fmt;

use chrono::{DateTime, Utc};
use twnhi_account::device::{
    DeviceEvent, DeviceId, DeviceInfo, DeviceList, DeviceRecord, DeviceState,
};
use twnhi_account::messages::{Lang, Msg, device_code_valid_until};
use twnhi_account::registration::Flow;
use twnhi_account::secret::SecretKind;
use twnhi_account::{IdNumber, Password};
use twnhi_store::{
    AuditAction, AuditOutcome, Change, ChangeSet, RegistrationId, SessionKind, StoredDevice,
    StoredSecret,
};
use zeroize::Zeroizing;

use crate::error::{Result, ServiceError};
use crate::ports::{PortRng, random_array};
use crate::service::{Caller, Service, SessionToken};
use crate::throttle::Form;

/// A device verification code (4.3): show it as text and as a QR code, with its expiry.
pub struct DeviceCode {
    /// The 8-character, case-sensitive code (e.g. `3w21G7yR`). Wiped on drop.
    pub code: Zeroizing<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl DeviceCode {
    /// 「裝置認證碼有效時間至 民國…」 / "Device verification code is valid until …".
    #[must_use]
    pub fn valid_until(&self, lang: Lang) -> String {
        device_code_valid_until(self.expires_at, lang)
    }
}

/// What the app sends to bind a device.
pub struct BindDeviceInput {
    /// The registrant's ID number (the app asks for it).
    pub id_number: IdNumber,
    /// The device verification code, scanned or typed.
    pub code: String,
    /// The device identifier.
    pub device_id: DeviceId,
    /// Platform and model.
    pub info: DeviceInfo,
}

impl fmt::Debug for BindDeviceInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BindDeviceInput")
            .field("device", &self.device_id.masked())
            .finish_non_exhaustive()
    }
}

/// A bound device: the TOTP secret is handed to the app once, here.
pub struct BoundDevice {
    /// [`Msg::DeviceVerified`].
    pub message: Msg,
    /// The device.
    pub device_id: DeviceId,
    /// The device's TOTP secret, unpadded base32. Wiped on drop.
    pub totp_secret: Zeroizing<String>,
    /// TOTP digits.
    pub totp_digits: u8,
    /// TOTP step in seconds.
    pub totp_step_secs: u64,
}

impl fmt::Debug for BoundDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundDevice")
            .field("device", &self.device_id.masked())
            .finish_non_exhaustive()
    }
}

/// The app's login: ID number, the registration password, an active device and its TOTP.
pub struct AppLoginInput {
    /// The ID number.
    pub id_number: IdNumber,
    /// The registration password.
    pub password: Password,
    /// The device.
    pub device_id: DeviceId,
    /// The device's current one-time password.
    pub totp_code: String,
}

impl fmt::Debug for AppLoginInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppLoginInput")
            .field("device", &self.device_id.masked())
            .finish_non_exhaustive()
    }
}

/// An app token.
#[derive(Debug)]
pub struct AppSession {
    /// The bearer token.
    pub token: SessionToken,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
    /// The registration.
    pub registration_id: RegistrationId,
}

/// A live app token, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppSessionView {
    /// The registration.
    pub registration_id: RegistrationId,
    /// The device (still active).
    pub device_id: DeviceId,
}

/// One row of the device management table (4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceView {
    /// The identifier, to name the device in [`Service::manage_device`].
    pub device_id: DeviceId,
    /// 裝置識別碼, masked for display.
    pub device_id_masked: String,
    /// 平台.
    pub platform: String,
    /// 裝置型號.
    pub model: String,
    /// 認證時間.
    pub verified_at: DateTime<Utc>,
    /// 認證時間, ROC form (`109/10/19 11:22:51`).
    pub verified_at_roc: String,
    /// 目前狀態.
    pub state: DeviceState,
    /// The actions offered (停用 / 啟用 / 刪除).
    pub actions: Vec<DeviceEvent>,
}

impl DeviceView {
    fn of(r: &DeviceRecord) -> Self {
        DeviceView {
            device_id: r.id().clone(),
            device_id_masked: r.id().masked(),
            platform: r.info().platform().to_owned(),
            model: r.info().model().to_owned(),
            verified_at: r.verified_at(),
            verified_at_roc: r.verified_at_roc(),
            state: r.state(),
            actions: r.state().actions().to_vec(),
        }
    }
}

/// A device of the account as the app sees it ([`Service::app_devices`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppDeviceView {
    /// The device.
    pub device: DeviceView,
    /// Whether it is the device the app token was issued to.
    pub this_device: bool,
}

/// A registration identifier no registration has (the reads of an unknown person).
fn decoy_id() -> RegistrationId {
    RegistrationId::from_random([0; 16])
}

impl Service {
    /// 4.3 產生裝置認證碼: a new code for the logged-in registration (replacing an unused one).
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], [`ServiceError::Flow`], and the usual.
    pub async fn produce_device_code(&self, caller: &Caller) -> Result<DeviceCode> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::DeviceVerification)?;
        let (code, record) = self
            .config()
            .secret_policies
            .issue(
                self.keys().secrets(),
                SecretKind::DeviceCode,
                reg.id.as_str(),
                now,
                &mut PortRng(self.random()),
            )
            .into_parts();
        let expires_at = record.expires_at();
        let cs = ChangeSet::new()
            .with(Change::PutSecret(StoredSecret {
                record,
                payload: None,
            }))
            // A new code: the tries of every client at the old one start again.
            .with(Change::ThrottleResetPrefix {
                prefix: self.code_prefix(SecretKind::DeviceCode, &reg.id_number),
            })
            .with(self.audit(
                now,
                Some(&reg.id),
                AuditAction::DeviceCode,
                AuditOutcome::Ok,
                caller.client.as_deref(),
                "",
            ));
        self.commit(cs).await?;
        Ok(DeviceCode { code, expires_at })
    }

    /// Binds a device from the app with the code shown on the site. Re-binding the same
    /// device (a reinstalled app) replaces its record. The code is single use; 5 wrong tries
    /// from one client address void it for that client (a stranger cannot void the owner's
    /// code), and the answers are the same whether or not the person has a code.
    ///
    /// # Errors
    /// [`ServiceError::Secret`] (wrong, expired, used, void code), [`ServiceError::Flow`],
    /// [`ServiceError::Throttled`], and the usual.
    pub async fn bind_device(
        &self,
        client: Option<&str>,
        input: BindDeviceInput,
    ) -> Result<BoundDevice> {
        let now = self.now();
        self.guard_hours(now)?;
        let kind = SecretKind::DeviceCode;
        let crate::service::CodeAccepted {
            registration: reg,
            spend,
            tries,
            ..
        } = self
            .check_code(
                kind,
                Form::DeviceBind,
                &input.id_number,
                &input.code,
                (AuditAction::DeviceBind, client),
                now,
            )
            .await?;
        reg.state.check(Flow::DeviceVerification)?;
        let stored = self.inner.store.devices(&reg.id).await?;
        let mut list = DeviceList::from_records(stored.into_iter().map(|d| d.record).collect());
        let record = list.verify(input.device_id.clone(), input.info, now);
        let seed = hex::encode(random_array::<16>(self.random()));
        let totp = self
            .keys()
            .totp_secret(reg.id.as_str(), input.device_id.as_str(), &seed)?;
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::PutDevice {
                registration_id: reg.id.clone(),
                device: StoredDevice {
                    record,
                    totp_seed: seed,
                },
            })
            .with(Change::ThrottleReset { key: tries.key })
            .with(self.audit(
                now,
                Some(&reg.id),
                AuditAction::DeviceBound,
                AuditOutcome::Ok,
                client,
                format!("device={}", input.device_id.masked()),
            ));
        self.commit_spend(cs, kind).await?;
        Ok(BoundDevice {
            message: Msg::DeviceVerified,
            device_id: input.device_id,
            totp_secret: Zeroizing::new(totp.to_base32()),
            totp_digits: self.config().totp.digits,
            totp_step_secs: self.config().totp.step_secs,
        })
    }

    /// The app's login: ID number, registration password, an active device and its TOTP (no
    /// code accepted twice). Returns an app token.
    ///
    /// The device and its one-time password are checked **before** the password: someone
    /// without a bound device's key never reaches the password (and never costs a hash), and
    /// every such failure gets the one answer [`ServiceError::LoginFailed`], counted per
    /// person and client address and on the app's ceiling per address — the same whether or
    /// not the person is registered. Only after a right TOTP is the password checked; its
    /// failures also feed the app's NIST cap (100 consecutive), which a login on the site with
    /// the card or a password reset clears. The device's state (disabled, deleted) and the
    /// registration's are told only after both are right.
    ///
    /// # Errors
    /// [`ServiceError::LoginFailed`], [`ServiceError::Device`], [`ServiceError::Totp`] (a
    /// code already used), [`ServiceError::Flow`], [`ServiceError::Throttled`],
    /// [`ServiceError::Locked`], [`ServiceError::Overloaded`], and the usual.
    pub async fn app_login(
        &self,
        client: Option<&str>,
        input: AppLoginInput,
    ) -> Result<AppSession> {
        let now = self.now();
        self.guard_hours(now)?;
        let counters = self.app_counters(&input.id_number, client);
        self.check_throttle(&counters, now).await?;
        let reg = self.current_registration(&input.id_number).await?;
        // The same reads whether or not there is a registration.
        let subject = reg.as_ref().map_or_else(decoy_id, |r| r.id.clone());
        let devices = self.inner.store.devices(&subject).await?;
        let device = devices
            .into_iter()
            .find(|d| d.record.id() == &input.device_id);
        let checked = match (&reg, &device) {
            (Some(r), Some(d)) => {
                let totp = self.keys().totp_secret(
                    r.id.as_str(),
                    input.device_id.as_str(),
                    &d.totp_seed,
                )?;
                Some(self.config().totp.verify(
                    &totp,
                    &input.totp_code,
                    now,
                    d.record.last_totp_step(),
                ))
            }
            _ => None,
        };
        let step = match checked {
            Some(Ok(step)) => step,
            Some(Err(e @ twnhi_account::TotpError::Replayed)) => return Err(e.into()),
            _ => {
                let mut cs = ChangeSet::new();
                self.fail(&mut cs, &counters, now);
                cs.push(self.audit(
                    now,
                    reg.as_ref().map(|r| &r.id),
                    AuditAction::AppLogin,
                    if reg.is_none() {
                        AuditOutcome::NoRegistration
                    } else if device.is_none() {
                        AuditOutcome::UnknownDevice
                    } else {
                        AuditOutcome::BadTotp
                    },
                    client,
                    format!("id={}", input.id_number.masked()),
                ));
                self.commit(cs).await?;
                return Err(ServiceError::LoginFailed);
            }
        };
        let (Some(reg), Some(device)) = (reg, device) else {
            return Err(ServiceError::LoginFailed);
        };
        // The device's key is proven: the password may be checked, under the NIST cap.
        let cap = self.app_cap(&input.id_number);
        self.check_throttle(core::slice::from_ref(&cap), now)
            .await
            .map_err(|e| match e {
                ServiceError::Locked { .. } => ServiceError::Locked { app: true },
                e => e,
            })?;
        if !self
            .verify_password(&input.password, &reg.password_hash)
            .await?
            .is_match()
        {
            let mut cs = ChangeSet::new();
            self.fail(&mut cs, &counters, now);
            self.fail(&mut cs, core::slice::from_ref(&cap), now);
            cs.push(self.audit(
                now,
                Some(&reg.id),
                AuditAction::AppLogin,
                AuditOutcome::BadPassword,
                client,
                "",
            ));
            self.commit(cs).await?;
            return Err(ServiceError::LoginFailed);
        }
        reg.state.check(Flow::AppLogin)?;
        let list = DeviceList::from_records(vec![device.record.clone()]);
        list.check_app_login(&input.device_id)?;
        let mut record = device.record;
        record.record_totp_step(step);
        let token = SessionToken::generate(self.random());
        let mut session = self.new_session_record(&token, SessionKind::App, now);
        session.registration_id = Some(reg.id.clone());
        session.device_id = Some(input.device_id.as_str().to_owned());
        let expires_at = session.expires_at;
        let mut cs = ChangeSet::new()
            .with(Change::PutDevice {
                registration_id: reg.id.clone(),
                device: StoredDevice {
                    record,
                    totp_seed: device.totp_seed,
                },
            })
            .with(Change::PutSession(session));
        Service::reset(&mut cs, &[&counters[0], &cap]);
        cs.push(self.audit(
            now,
            Some(&reg.id),
            AuditAction::AppLogin,
            AuditOutcome::Ok,
            client,
            format!("device={}", input.device_id.masked()),
        ));
        self.commit(cs).await?;
        Ok(AppSession {
            token,
            expires_at,
            registration_id: reg.id,
        })
    }

    /// Checks an app token on each app request: not expired, the registration still in use,
    /// the device still active.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], [`ServiceError::Device`], [`ServiceError::Flow`].
    pub async fn app_session(&self, token: &SessionToken) -> Result<AppSessionView> {
        Ok(self.checked_app_token(token).await?.0)
    }

    /// [`Service::app_session`] with the registration's devices it read.
    async fn checked_app_token(
        &self,
        token: &SessionToken,
    ) -> Result<(AppSessionView, DeviceList)> {
        let now = self.now();
        let Some(s) = self.inner.store.session(&token.digest()).await? else {
            return Err(ServiceError::SessionExpired);
        };
        if s.kind != SessionKind::App || now >= s.expires_at {
            return Err(ServiceError::SessionExpired);
        }
        let (Some(reg_id), Some(device)) = (s.registration_id, s.device_id) else {
            return Err(ServiceError::SessionExpired);
        };
        let Some(reg) = self.inner.store.registration(&reg_id).await? else {
            return Err(ServiceError::SessionExpired);
        };
        reg.state.check(Flow::AppLogin)?;
        let device_id = DeviceId::parse(&device)?;
        let list = DeviceList::from_records(
            self.inner
                .store
                .devices(&reg_id)
                .await?
                .into_iter()
                .map(|d| d.record)
                .collect(),
        );
        list.check_app_login(&device_id)?;
        Ok((
            AppSessionView {
                registration_id: reg_id,
                device_id,
            },
            list,
        ))
    }

    /// The app's device list (`GET /api/v1/devices`): the token checked as in
    /// [`Service::app_session`] (live, the registration in use, the device still active), then
    /// the account's devices that are not deleted, most recently verified first, the token's
    /// own device marked. A read: nothing is written.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], [`ServiceError::Device`], [`ServiceError::Flow`],
    /// store errors.
    pub async fn app_devices(&self, token: &SessionToken) -> Result<Vec<AppDeviceView>> {
        let (view, list) = self.checked_app_token(token).await?;
        Ok(list
            .listed()
            .map(|r| AppDeviceView {
                this_device: r.id() == &view.device_id,
                device: DeviceView::of(r),
            })
            .collect())
    }

    /// The app's logout: the app token ends now (whatever the state of its device or
    /// registration, so a disabled device can still log out), with the audit event
    /// `app-logout` (with `client`, the client address as the web layer determined it). A
    /// browser session's token is not accepted here.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`] for an unknown token, a token that is not an app
    /// token, or one that had expired already (its record is removed all the same); store
    /// errors.
    pub async fn app_logout(&self, client: Option<&str>, token: &SessionToken) -> Result<Msg> {
        let now = self.now();
        let digest = token.digest();
        let Some(s) = self.inner.store.session(&digest).await? else {
            return Err(ServiceError::SessionExpired);
        };
        if s.kind != SessionKind::App {
            return Err(ServiceError::SessionExpired);
        }
        let delete = Change::DeleteSession { digest };
        if now >= s.expires_at {
            self.commit(ChangeSet::new().with(delete)).await?;
            return Err(ServiceError::SessionExpired);
        }
        let device = s
            .device_id
            .as_deref()
            .and_then(|d| DeviceId::parse(d).ok())
            .map(|d| d.masked())
            .unwrap_or_default();
        let cs = ChangeSet::new().with(delete).with(self.audit(
            now,
            s.registration_id.as_ref(),
            AuditAction::AppLogout,
            AuditOutcome::Ok,
            client,
            format!("device={device}"),
        ));
        self.commit(cs).await?;
        Ok(Msg::LoggedOut)
    }

    /// 4.4 The device management table of the logged-in registration.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`], [`ServiceError::Flow`], and the usual.
    pub async fn list_devices(&self, caller: &Caller) -> Result<Vec<DeviceView>> {
        let now = self.now();
        let (_s, reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::DeviceManagement)?;
        let list = DeviceList::from_records(
            self.inner
                .store
                .devices(&reg.id)
                .await?
                .into_iter()
                .map(|d| d.record)
                .collect(),
        );
        Ok(list.listed().map(DeviceView::of).collect())
    }

    /// 4.4 停用 / 啟用 / 刪除 a device of the logged-in registration.
    ///
    /// # Errors
    /// [`ServiceError::Device`] (not found, already in that state, deleted),
    /// [`ServiceError::SessionExpired`], [`ServiceError::Flow`], and the usual.
    pub async fn manage_device(
        &self,
        caller: &Caller,
        device_id: &DeviceId,
        event: DeviceEvent,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::DeviceManagement)?;
        let stored = self.inner.store.devices(&reg.id).await?;
        let Some(mut device) = stored.into_iter().find(|d| d.record.id() == device_id) else {
            return Err(twnhi_account::DeviceError::NotFound.into());
        };
        device.record.apply(event)?;
        let action = match event {
            DeviceEvent::Disable => AuditAction::DeviceDisabled,
            DeviceEvent::Enable => AuditAction::DeviceEnabled,
            DeviceEvent::Delete => AuditAction::DeviceDeleted,
        };
        let cs = ChangeSet::new()
            .with(Change::PutDevice {
                registration_id: reg.id.clone(),
                device,
            })
            .with(self.audit(
                now,
                Some(&reg.id),
                action,
                AuditOutcome::Ok,
                caller.client.as_deref(),
                format!("device={}", device_id.masked()),
            ));
        self.commit(cs).await?;
        Ok(Msg::DeviceUpdated)
    }
}
