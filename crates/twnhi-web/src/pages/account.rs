//! The pages after login (服務項目): 4.3 行動裝置認證, 4.4 行動裝置管理作業, 4.5 註冊密碼變更,
//! 4.6 基本資料異動.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use twnhi_account::device::{DeviceEvent, DeviceState};
use twnhi_account::{Lang, Msg, Password};
use twnhi_notify::QrCode;
use twnhi_service::{AccountView, ChangeDataInput, ChangePasswordInput, DeviceView, ServiceError};

use crate::api::status_of;
use crate::app::{Site, render};
use crate::flash::{self, Done, Flash, To};
use crate::pages::{F, cert, contact_form, contacts, new_password, refusal};
use crate::session::{EndedSession, S, Sess};
use crate::templates::{
    ContactForm, DeviceAction, DeviceCodeView, DeviceRow, DeviceVerifyPage, DevicesPage,
    FieldErrors, PasswordPage, ProfilePage, ServicesPage, SysMsg, Text, Texts as _,
};

fn to_login() -> Response {
    Redirect::to("/login?from=expired").into_response()
}

/// What to do with a refusal on a logged-in page: a lost session goes back to the login page.
fn session_lost(e: &ServiceError) -> bool {
    matches!(e, ServiceError::SessionExpired)
}

/// The logged-in account ([`twnhi_service::Service::account_view`]); otherwise the answer to
/// give: the login page when the session is lost, a bilingual error page when the system
/// failed.
async fn account(site: &Site, sess: &Sess) -> Result<AccountView, Response> {
    if !sess.logged_in() {
        return Err(to_login());
    }
    match site.service().account_view(&sess.caller()).await {
        Ok(view) => Ok(view),
        Err(e) if session_lost(&e) => Err(to_login()),
        Err(e) => {
            if !e.is_refusal() {
                tracing::error!(error = %e, "account view failed");
            }
            Err(site.plain_error(status_of(&e), &Text::of_service(&e), false))
        }
    }
}

/// `GET /services`: 服務項目.
pub(crate) async fn services(State(site): State<Site>, S(sess): S) -> Response {
    let view = match account(&site, &sess).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    render(&ServicesPage {
        l: site.layout(Some(&sess), "services-title", "services"),
        flash: None,
        holder_name: view.name,
        id_masked: view.id_number_masked,
    })
}

// ----- 4.3 -------------------------------------------------------------------------------------

const DEVICE: &str = "device-verify-title";

async fn device_view(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    code: Option<DeviceCodeView>,
) -> Response {
    let view = match account(site, sess).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let l = site.layout(Some(sess), DEVICE, "device-verify");
    if let Some(holder) = cert::module_holder(sess) {
        return render(&cert::CertDeviceVerifyPage {
            l,
            message,
            account: view.id_number_masked,
            code,
            holder,
        });
    }
    render(&DeviceVerifyPage {
        l,
        message,
        account: view.id_number_masked,
        code,
    })
}

/// `GET /device/verify`: the page, with the code just produced by 【產生裝置認證碼】 (its
/// flash) once.
pub(crate) async fn device_page(
    State(site): State<Site>,
    S(sess): S,
    headers: HeaderMap,
) -> Response {
    let taken = flash::take(&site, &headers, &sess, To::DeviceCode);
    let (message, code) = match &taken.flash {
        Some(f) => match f.data.as_slice() {
            [code, zh, en] => match qr_svg(code) {
                Some(svg) => (
                    SysMsg::none(),
                    Some(DeviceCodeView {
                        code: code.clone(),
                        qr_svg: svg,
                        valid_until_zh: zh.clone(),
                        valid_until_en: en.clone(),
                    }),
                ),
                None => (SysMsg::none(), None),
            },
            _ => (f.message(), None),
        },
        None => (SysMsg::none(), None),
    };
    let resp = device_view(&site, &sess, message, code).await;
    taken.answer(&site, resp)
}

/// The QR code of a device code as inline SVG (without the XML declaration).
fn qr_svg(code: &str) -> Option<String> {
    let svg = QrCode::new(code).ok()?.to_svg();
    let start = svg.find("<svg")?;
    Some(svg.get(start..)?.trim_end().to_owned())
}

/// `POST /device/verify`: 【產生裝置認證碼】.
pub(crate) async fn device_produce(State(site): State<Site>, S(sess): S) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    match site.service().produce_device_code(&sess.caller()).await {
        Ok(c) => {
            if qr_svg(&c.code).is_none() {
                let e = ServiceError::Internal { what: "qr code" };
                let mut errors = FieldErrors::default();
                return device_view(&site, &sess, refusal(&e, &mut errors), None).await;
            }
            let data = vec![
                c.code.to_string(),
                c.valid_until(Lang::ZhTw),
                c.valid_until(Lang::En),
            ];
            flash::redirect(
                &site,
                Some(&sess.token),
                Flash::new(To::DeviceCode, true, Vec::new()).data(data),
            )
        }
        Err(e) if session_lost(&e) => to_login(),
        Err(e) => {
            let mut errors = FieldErrors::default();
            let message = refusal(&e, &mut errors);
            device_view(&site, &sess, message, None).await
        }
    }
}

/// 【取得裝置認證說明】: binding in the app (QR or typed code) and the code's lifetime.
#[derive(askama::Template)]
#[template(path = "device_help.html")]
pub(crate) struct DeviceHelpPage {
    pub l: crate::templates::Layout,
    /// The code's lifetime and tries, as the site is set.
    pub lifetime: Text,
}

/// `GET /device/help`: 【取得裝置認證說明】, the page the manual links from 行動裝置認證 (open
/// to anyone: it explains, it shows nothing of an account).
pub(crate) async fn device_help(State(site): State<Site>, S(sess): S) -> Response {
    let policy = site.service().config().secret_policies.device_code;
    let args = |lang| {
        twnhi_account::messages::format(
            lang,
            "device-help-lifetime",
            &[
                ("minutes", (policy.lifetime_secs / 60).to_string().into()),
                ("tries", policy.max_attempts.to_string().into()),
            ],
        )
    };
    render(&DeviceHelpPage {
        l: site.layout(Some(&sess), "device-help-title", "device-help"),
        lifetime: Text::new(args(Lang::ZhTw), args(Lang::En)),
    })
}

// ----- 4.4 -------------------------------------------------------------------------------------

/// The key of a device in the page's URLs: not the identifier itself (a hash prefix).
fn device_key(view: &DeviceView) -> String {
    let digest = Sha256::digest(view.device_id.as_str().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn action_slug(event: DeviceEvent) -> &'static str {
    match event {
        DeviceEvent::Disable => "disable",
        DeviceEvent::Enable => "enable",
        DeviceEvent::Delete => "delete",
    }
}

fn row(view: &DeviceView) -> DeviceRow {
    let state = view.state.msg();
    DeviceRow {
        key: device_key(view),
        platform: view.platform.clone(),
        model: view.model.clone(),
        masked: view.device_id_masked.clone(),
        verified_at: view.verified_at_roc.clone(),
        active: view.state == DeviceState::Active,
        state_zh: state.zh(),
        state_en: state.en(),
        actions: view
            .actions
            .iter()
            .map(|a| DeviceAction {
                slug: action_slug(*a),
                zh: a.msg().zh(),
                en: a.msg().en(),
            })
            .collect(),
    }
}

async fn devices_view(site: &Site, sess: &Sess, message: SysMsg) -> Response {
    let (message, devices) = match site.service().list_devices(&sess.caller()).await {
        Ok(list) => (message, list.iter().map(row).collect()),
        Err(e) if session_lost(&e) => return to_login(),
        Err(e) => {
            let mut errors = FieldErrors::default();
            (refusal(&e, &mut errors), Vec::new())
        }
    };
    let l = site.layout(Some(sess), "devices-title", "devices");
    // In a certificate session, with the 行動裝置作業 module's menu (manual §六 (六)).
    match cert::module_holder(sess) {
        Some(holder) => render(&cert::CertDevicesPage {
            l,
            message,
            devices,
            holder,
        }),
        None => render(&DevicesPage {
            l,
            message,
            devices,
        }),
    }
}

/// `GET /devices`, with the result of an action (its flash) once.
pub(crate) async fn devices_page(
    State(site): State<Site>,
    S(sess): S,
    headers: HeaderMap,
) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    let taken = flash::take(&site, &headers, &sess, To::Devices);
    let message = taken
        .flash
        .as_ref()
        .map_or_else(SysMsg::none, Flash::message);
    let resp = devices_view(&site, &sess, message).await;
    taken.answer(&site, resp)
}

/// The result of a device action: `303` to `GET /devices`, which shows it.
fn to_devices(site: &Site, sess: &Sess, message: SysMsg) -> Response {
    let ok = message.kind == "ok";
    flash::redirect(
        site,
        Some(&sess.token),
        Flash::new(To::Devices, ok, message.lines),
    )
}

/// `POST /devices/{key}/{disable|enable|delete}`.
pub(crate) async fn device_action(
    State(site): State<Site>,
    S(sess): S,
    Path((key, action)): Path<(String, String)>,
) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    let event = match action.as_str() {
        "disable" => DeviceEvent::Disable,
        "enable" => DeviceEvent::Enable,
        "delete" => DeviceEvent::Delete,
        _ => {
            return to_devices(
                &site,
                &sess,
                SysMsg::error(vec![Text::msg(Msg::DeviceNotFound)]),
            );
        }
    };
    let list = match site.service().list_devices(&sess.caller()).await {
        Ok(l) => l,
        Err(e) if session_lost(&e) => return to_login(),
        Err(e) => {
            let mut errors = FieldErrors::default();
            return to_devices(&site, &sess, refusal(&e, &mut errors));
        }
    };
    let Some(device) = list.iter().find(|d| device_key(d) == key) else {
        return to_devices(
            &site,
            &sess,
            SysMsg::error(vec![Text::msg(Msg::DeviceNotFound)]),
        );
    };
    let message = match site
        .service()
        .manage_device(&sess.caller(), &device.device_id, event)
        .await
    {
        Ok(msg) => SysMsg::ok(vec![Text::msg(msg)]),
        Err(e) if session_lost(&e) => return to_login(),
        Err(e) => {
            let mut errors = FieldErrors::default();
            refusal(&e, &mut errors)
        }
    };
    to_devices(&site, &sess, message)
}

// ----- 4.5 -------------------------------------------------------------------------------------

fn password_view(site: &Site, sess: &Sess, message: SysMsg, errors: FieldErrors) -> Response {
    let l = site.layout(Some(sess), "password-title", "password");
    match cert::module_holder(sess) {
        Some(holder) => render(&cert::CertPasswordPage {
            l,
            message,
            errors,
            holder,
        }),
        None => render(&PasswordPage { l, message, errors }),
    }
}

/// `GET /password`.
pub(crate) async fn password_page(State(site): State<Site>, S(sess): S) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    password_view(&site, &sess, SysMsg::none(), FieldErrors::default())
}

/// The change-password form.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /password`: 【儲存】.
pub(crate) async fn password_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<PasswordForm>,
) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    let mut errors = FieldErrors::default();
    if form.current.is_empty() {
        errors.add("current", Text::msg(Msg::ReauthenticationRequired));
    }
    new_password(&form.password, &form.confirmation, &mut errors);
    if !errors.is_empty() {
        let message = errors.to_message();
        return password_view(&site, &sess, message, errors);
    }
    let input = ChangePasswordInput {
        current: Password::new(form.current),
        password: Password::new(form.password),
        confirmation: Password::new(form.confirmation),
    };
    match site.service().change_password(&sess.caller(), input).await {
        Ok(msg) => {
            // Every session of the registration ended, this one too: log in again.
            let mut resp = flash::redirect(
                &site,
                None,
                Flash::new(To::Done(Done::PasswordChanged), true, vec![Text::msg(msg)])
                    .warnings(vec![Text::msg(Msg::AppPasswordNote)]),
            );
            resp.extensions_mut().insert(EndedSession);
            resp
        }
        Err(e) if session_lost(&e) => to_login(),
        Err(e) => {
            let message = refusal(&e, &mut errors);
            password_view(&site, &sess, message, errors)
        }
    }
}

// ----- 4.6 -------------------------------------------------------------------------------------

fn profile_view(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    f: ContactForm,
) -> Response {
    let l = site.layout(Some(sess), "profile-title", "profile");
    match cert::module_holder(sess) {
        Some(holder) => render(&cert::CertProfilePage {
            l,
            message,
            errors,
            f,
            holder,
        }),
        None => render(&ProfilePage {
            l,
            message,
            errors,
            f,
        }),
    }
}

/// `GET /profile`: the current contacts, with the result of 【儲存】 (its flash) once.
pub(crate) async fn profile_page(
    State(site): State<Site>,
    S(sess): S,
    headers: HeaderMap,
) -> Response {
    let view = match account(&site, &sess).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let taken = flash::take(&site, &headers, &sess, To::Profile);
    let message = taken
        .flash
        .as_ref()
        .map_or_else(SysMsg::none, Flash::message);
    let resp = profile_view(
        &site,
        &sess,
        message,
        FieldErrors::default(),
        contact_form(&view.contacts),
    );
    taken.answer(&site, resp)
}

/// The change-data form.
#[derive(Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    current: String,
    #[serde(flatten)]
    c: ContactForm,
}

/// `POST /profile`: 【儲存】.
pub(crate) async fn profile_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<ProfileForm>,
) -> Response {
    if !sess.logged_in() {
        return to_login();
    }
    let mut errors = FieldErrors::default();
    let Some(contacts) = contacts(&form.c, &mut errors) else {
        let message = errors.to_message();
        return profile_view(&site, &sess, message, errors, form.c);
    };
    let input = ChangeDataInput {
        contacts,
        current_password: (!form.current.is_empty()).then(|| Password::new(form.current)),
    };
    match site.service().change_data(&sess.caller(), input).await {
        Ok(outcome) => {
            let mut lines = vec![Text::msg(outcome.message)];
            lines.extend(outcome.warnings.into_iter().map(Text::msg));
            flash::redirect(
                &site,
                Some(&sess.token),
                Flash::new(To::Profile, true, lines),
            )
        }
        Err(e) if session_lost(&e) => to_login(),
        Err(e) => {
            let message = refusal(&e, &mut errors);
            profile_view(&site, &sess, message, errors, form.c)
        }
    }
}
