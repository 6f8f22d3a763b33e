//! The pages of SPEC §4, one module per flow, and the form helpers they share: every field
//! parsed with the types of `twnhi-account`, every error kept per field (bilingual), the values
//! typed kept for the re-displayed form (never passwords).

pub(crate) mod account;
pub(crate) mod apply;
pub(crate) mod cancel;
pub(crate) mod card;
pub(crate) mod cert;
pub(crate) mod info;
pub(crate) mod letters;
pub(crate) mod login;

use std::cell::Cell;

use axum::extract::{FromRequest, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Redirect, Response};
use twnhi_account::password::{PasswordViolation, PersonalData, check_password};
use twnhi_account::{
    Email, HouseholdAddress, HouseholdError, HouseholdId, LocalPhone, MobilePhone,
};
use twnhi_service::{Contacts, ServiceError};

use crate::app::Site;
use crate::templates::{ContactForm, FieldErrors, SysMsg, Text};

/// `GET /`: to the login page.
pub(crate) async fn root() -> Redirect {
    Redirect::to("/login")
}

/// Any other path.
pub(crate) async fn not_found(State(site): State<Site>, req: Request) -> Response {
    site.plain_error(
        StatusCode::NOT_FOUND,
        &Text::id("page-not-found"),
        crate::security::wants_json(&req),
    )
}

/// A form body; a body that is not a form becomes a bilingual `400` page.
pub(crate) struct F<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequest<Site> for F<T> {
    type Rejection = Response;

    async fn from_request(req: Request, site: &Site) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, site).await {
            Ok(axum::Form(v)) => Ok(F(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::security::too_large(site, false))
            }
            Err(e) => {
                tracing::debug!(error = %e, "malformed form");
                Err(site.plain_error(StatusCode::BAD_REQUEST, &Text::id("form-malformed"), false))
            }
        }
    }
}

/// A JSON body of the page script; anything else is a bilingual `400` JSON.
pub(crate) struct J<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequest<Site> for J<T> {
    type Rejection = Response;

    async fn from_request(req: Request, site: &Site) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, site).await {
            Ok(axum::Json(v)) => Ok(J(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::security::too_large(site, true))
            }
            Err(e) => {
                tracing::debug!(error = %e, "malformed JSON");
                Err(site.plain_error(
                    StatusCode::BAD_REQUEST,
                    &Text::id("request-malformed"),
                    true,
                ))
            }
        }
    }
}

fn household_field(e: HouseholdError) -> &'static str {
    match e {
        HouseholdError::HouseholdIdEmpty | HouseholdError::HouseholdIdFormat => "household_id",
        HouseholdError::County => "county",
        HouseholdError::Township => "township",
        HouseholdError::Village => "village",
        _ => "neighborhood",
    }
}

/// What a form that needs the card says when no card was read: outside the service hours,
/// that the service is closed now and its hours (a card cannot be read then, so asking for
/// it would send the person round in circles); otherwise 「請插入健保卡…」.
pub(crate) fn no_card(site: &Site) -> Text {
    if site.service().is_open() {
        Text::msg(twnhi_account::Msg::ReadCardPrompt)
    } else {
        Text::of_service(&ServiceError::Closed {
            hours: site.service().config().service_hours,
        })
    }
}

/// 戶號.
pub(crate) fn household_id(input: &str, errors: &mut FieldErrors) -> Option<HouseholdId> {
    HouseholdId::parse(input)
        .map_err(|e| errors.add("household_id", Text::of(&e)))
        .ok()
}

/// 戶籍鄉鎮里鄰: every wrong part reported, not just the first.
pub(crate) fn address(
    county: &str,
    township: &str,
    village: &str,
    neighborhood: &str,
    errors: &mut FieldErrors,
) -> Option<HouseholdAddress> {
    match HouseholdAddress::parse(county, township, village, neighborhood) {
        Ok(a) => Some(a),
        Err(first) => {
            errors.add(household_field(first), Text::of(&first));
            // The later parts, checked on their own with a known-good county/township.
            // cjk-ok: a county, township and village that parse, to check the later parts alone
            const GOOD: [&str; 3] = ["臺北市", "中正區", "建國里"];
            if matches!(first, HouseholdError::County | HouseholdError::Township) {
                if let Err(e) = HouseholdAddress::parse(GOOD[0], GOOD[1], village, "1") {
                    errors.add("village", Text::of(&e));
                }
                if let Err(e) = HouseholdAddress::parse(GOOD[0], GOOD[1], GOOD[2], neighborhood) {
                    errors.add("neighborhood", Text::of(&e));
                }
            } else if first == HouseholdError::Village
                && let Err(e) = HouseholdAddress::parse(county, township, GOOD[2], neighborhood)
            {
                errors.add(household_field(e), Text::of(&e));
            }
            None
        }
    }
}

/// 行動電話 from its two fields.
pub(crate) fn mobile(area: &str, number: &str, errors: &mut FieldErrors) -> Option<MobilePhone> {
    MobilePhone::parse(&format!("{}{}", area.trim(), number.trim()))
        .map_err(|e| errors.add("mobile", Text::of(&e)))
        .ok()
}

/// 行動電話 where the manual marks it without `*` (apply, change data, 忘記註冊密碼's 修改
/// mode): both fields empty means none; anything typed is checked.
pub(crate) fn optional_mobile(
    area: &str,
    number: &str,
    errors: &mut FieldErrors,
) -> Option<Option<MobilePhone>> {
    if area.trim().is_empty() && number.trim().is_empty() {
        return Some(None);
    }
    mobile(area, number, errors).map(Some)
}

/// 聯絡電話 from its three fields (all empty: none).
pub(crate) fn local_phone(
    area: &str,
    number: &str,
    ext: &str,
    errors: &mut FieldErrors,
) -> Option<Option<LocalPhone>> {
    if area.trim().is_empty() && number.trim().is_empty() && ext.trim().is_empty() {
        return Some(None);
    }
    LocalPhone::from_parts(area, number, ext)
        .map(Some)
        .map_err(|e| errors.add("phone", Text::of(&e)))
        .ok()
}

/// An e-mail field; `required` or empty-means-none.
pub(crate) fn email(
    input: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<Option<Email>> {
    if !required && input.trim().is_empty() {
        return Some(None);
    }
    Email::parse(input)
        .map(Some)
        .map_err(|e| errors.add(field, Text::of(&e)))
        .ok()
}

/// The contact fields of the apply and change-data forms.
pub(crate) fn contacts(f: &ContactForm, errors: &mut FieldErrors) -> Option<Contacts> {
    let local = local_phone(&f.phone_area, &f.phone_number, &f.phone_ext, errors);
    let mobile = optional_mobile(&f.mobile_area, &f.mobile_number, errors);
    let main = email(&f.email, "email", true, errors);
    let spare = email(&f.spare_email, "spare_email", false, errors);
    // A spare address is another address: the same one twice is no spare.
    if let (Some(Some(m)), Some(Some(s))) = (&main, &spare)
        && m.as_str().eq_ignore_ascii_case(s.as_str())
    {
        errors.add("spare_email", Text::id("spare-email-same"));
        return None;
    }
    Some(Contacts {
        email: main??,
        spare_email: spare?,
        mobile_phone: mobile?,
        local_phone: local?,
    })
}

/// The contact form filled from stored contacts (the change-data page).
pub(crate) fn contact_form(c: &Contacts) -> ContactForm {
    let m = c.mobile_phone.as_ref().map_or("", MobilePhone::as_str);
    ContactForm {
        phone_area: c
            .local_phone
            .as_ref()
            .map(|p| p.area_code().to_owned())
            .unwrap_or_default(),
        phone_number: c
            .local_phone
            .as_ref()
            .map(|p| p.number().to_owned())
            .unwrap_or_default(),
        phone_ext: c
            .local_phone
            .as_ref()
            .and_then(|p| p.extension().map(str::to_owned))
            .unwrap_or_default(),
        mobile_area: m.get(..4).unwrap_or_default().to_owned(),
        mobile_number: m.get(4..).unwrap_or_default().to_owned(),
        email: c.email.as_str().to_owned(),
        spare_email: c
            .spare_email
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// The rules of a new password the page can check itself (length, characters, confirmation,
/// common passwords); the use case checks them again with the person's data.
pub(crate) fn new_password(password: &str, confirmation: &str, errors: &mut FieldErrors) {
    let check = check_password(password, Some(confirmation), &PersonalData::default());
    add_password_violations(&check.violations, errors);
}

fn add_password_violations(violations: &[PasswordViolation], errors: &mut FieldErrors) {
    for v in violations {
        let field = if *v == PasswordViolation::ConfirmationMismatch {
            "confirmation"
        } else {
            "password"
        };
        // Every violation is listed in the system message; the field shows the first.
        errors.add(field, Text::of(v));
    }
}

tokio::task_local! {
    /// Set by [`refusal`] when a use case refused because too many requests wait for password
    /// hashing; [`overload_status`] then answers the re-displayed form with `503` and
    /// `Retry-After`.
    static OVERLOADED: Cell<Option<i64>>;
}

/// Every page: a form re-displayed because the server is overloaded
/// ([`ServiceError::Overloaded`]) is answered `503 Service Unavailable` with `Retry-After`
/// (the page still shows the bilingual message and keeps what was typed).
pub(crate) async fn overload_status(req: Request, next: Next) -> Response {
    let (mut resp, overloaded) = OVERLOADED
        .scope(Cell::new(None), async move {
            let resp = next.run(req).await;
            (resp, OVERLOADED.with(Cell::get))
        })
        .await;
    if let Some(secs) = overloaded {
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(RETRY_AFTER, v);
        }
    }
    resp
}

/// A use-case refusal as the 系統訊息, with the field it concerns marked.
pub(crate) fn refusal(e: &ServiceError, errors: &mut FieldErrors) -> SysMsg {
    if let ServiceError::Overloaded { retry_after_secs } = e {
        let _ = OVERLOADED.try_with(|c| c.set(Some(i64::from(*retry_after_secs))));
    }
    match e {
        ServiceError::Password(p) => {
            add_password_violations(&p.violations, errors);
            SysMsg::error(p.violations.iter().map(Text::of).collect())
        }
        ServiceError::CurrentPasswordIncorrect | ServiceError::ReauthenticationRequired => {
            errors.add("current", Text::of_service(e));
            SysMsg::error(vec![Text::of_service(e)])
        }
        other => {
            if !other.is_refusal() && !matches!(other, ServiceError::Overloaded { .. }) {
                tracing::error!(error = %other, "use case failed");
            }
            SysMsg::error(vec![Text::of_service(other)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    async fn refused(retry_after_secs: Option<u32>) -> &'static str {
        let mut errors = FieldErrors::default();
        let e = match retry_after_secs {
            Some(retry_after_secs) => ServiceError::Overloaded { retry_after_secs },
            None => ServiceError::LoginFailed,
        };
        let _ = refusal(&e, &mut errors);
        "the form again"
    }

    /// A form re-displayed because hashing is overloaded answers 503 with Retry-After; any
    /// other refusal keeps its status.
    #[tokio::test]
    async fn overload_refusals_answer_503_with_retry_after() {
        let app = Router::new()
            .route("/busy", get(|| refused(Some(7))))
            .route("/wrong", get(|| refused(None)))
            .layer(axum::middleware::from_fn(overload_status));
        let resp = app
            .clone()
            .oneshot(Request::get("/busy").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[RETRY_AFTER], "7");
        let resp = app
            .oneshot(Request::get("/wrong").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers().get(RETRY_AFTER).is_none());
    }
}
