//! 4.1 首次登入請先申請: the terms, then the card with the household data (step 1), then the
//! password and contacts (step 2). Step 1's household data are checked against the registry
//! at 【下一步】 and travel in hidden fields of step 2; the use case checks everything again when
//! the application is sent.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use twnhi_account::{HouseholdAddress, HouseholdId, Msg, Password};
use twnhi_service::{ApplyInput, ServiceError};

use crate::app::{Site, render};
use crate::flash::{self, Done, Flash, To};
use crate::pages::{F, address, contacts, household_id, new_password, no_card, refusal};
use crate::session::{S, Sess};
use crate::templates::{
    ApplyCardPage, ApplyDetailsPage, ContactForm, FieldErrors, HouseholdForm, SysMsg, TermsPage,
    Text,
};

/// `GET /apply`: 全民健康保險網路服務註冊管理作業要點.
pub(crate) async fn terms(State(site): State<Site>, S(sess): S) -> Response {
    render(&TermsPage {
        l: site.layout(Some(&sess), "terms-page-title", "terms"),
    })
}

fn card_page(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    mut f: HouseholdForm,
) -> Response {
    f.name = sess
        .view
        .card
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    render(&ApplyCardPage {
        l: site.layout(Some(sess), "page-title-apply", "apply-card"),
        message,
        errors,
        f,
    })
}

/// `POST /apply`: 【我已閱讀完畢，並瞭解相關規定】 → step 1.
pub(crate) async fn accept(State(site): State<Site>, S(sess): S) -> Response {
    card_page(
        &site,
        &sess,
        SysMsg::info(vec![Text::msg(Msg::ReadCardPrompt)]),
        FieldErrors::default(),
        HouseholdForm::default(),
    )
}

/// Step 1's form.
#[derive(Deserialize)]
pub(crate) struct CardForm {
    #[serde(default)]
    terms: String,
    /// 回上頁 of step 2: step 1 again with its data.
    #[serde(default)]
    back: String,
    #[serde(flatten)]
    h: HouseholdForm,
}

/// Step 1's fields as the page can check them itself (a card read, well-formed household
/// data); the values when all are there.
fn check_step1(
    site: &Site,
    sess: &Sess,
    h: &HouseholdForm,
    errors: &mut FieldErrors,
) -> Option<(HouseholdId, HouseholdAddress)> {
    if sess.view.card.is_none() {
        errors.add("card_name", no_card(site));
    }
    let hid = household_id(&h.household_id, errors);
    let addr = address(&h.county, &h.township, &h.village, &h.neighborhood, errors);
    if errors.is_empty() {
        Some((hid?, addr?))
    } else {
        None
    }
}

/// `POST /apply/card`: 【下一步】. The household data are checked against the registry here
/// ([`twnhi_service::Service::apply_check`]: one generic refusal, throttled), and again when
/// the application is sent.
pub(crate) async fn card_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<CardForm>,
) -> Response {
    if form.terms != "accepted" {
        return terms(State(site), S(sess)).await;
    }
    if form.back == "1" {
        return card_page(&site, &sess, SysMsg::none(), FieldErrors::default(), form.h);
    }
    let mut errors = FieldErrors::default();
    let Some((hid, addr)) = check_step1(&site, &sess, &form.h, &mut errors) else {
        let message = errors.to_message();
        return card_page(&site, &sess, message, errors, form.h);
    };
    match site
        .service()
        .apply_check(&sess.caller(), &hid, &addr)
        .await
    {
        Ok(holder) => {
            // Step 2 carries (and step 1 shows again) the number as read: upper-case.
            let mut h = form.h;
            h.household_id = hid.as_str().to_owned();
            details_page(
                &site,
                &sess,
                SysMsg::none(),
                FieldErrors::default(),
                h,
                ContactForm::default(),
                holder.name,
            )
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            let message = refusal(&e, &mut errors);
            card_page(&site, &sess, message, errors, form.h)
        }
    }
}

fn details_page(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    h: HouseholdForm,
    f: ContactForm,
    holder_name: String,
) -> Response {
    render(&ApplyDetailsPage {
        l: site.layout(Some(sess), "page-title-apply", "apply-details"),
        message,
        errors,
        holder_name,
        h,
        f,
    })
}

/// The name of the card holder authenticated in the session (from the registry).
fn session_holder_name(sess: &Sess) -> String {
    sess.view
        .card
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// Why the password fields are empty again after an error (a page never sends a password
/// back: it would sit in the browser's cache and history).
fn retype_note(typed: &str, message: &mut SysMsg) {
    if !typed.is_empty() {
        message.lines.push(Text::id("password-retype-note"));
    }
}

/// Step 2's form.
#[derive(Deserialize)]
pub(crate) struct DetailsForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
    #[serde(flatten)]
    h: HouseholdForm,
    #[serde(flatten)]
    c: ContactForm,
}

/// `POST /apply/details`: 【確認申請】.
pub(crate) async fn details_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<DetailsForm>,
) -> Response {
    let mut step1 = FieldErrors::default();
    let Some((hid, addr)) = check_step1(&site, &sess, &form.h, &mut step1) else {
        let message = step1.to_message();
        return card_page(&site, &sess, message, step1, form.h);
    };
    let mut errors = FieldErrors::default();
    new_password(&form.password, &form.confirmation, &mut errors);
    let contacts = contacts(&form.c, &mut errors);
    let (Some(contacts), true) = (contacts, errors.is_empty()) else {
        let mut message = errors.to_message();
        retype_note(&form.password, &mut message);
        let name = session_holder_name(&sess);
        return details_page(&site, &sess, message, errors, form.h, form.c, name);
    };
    let input = ApplyInput {
        household_id: hid,
        address: addr,
        password: Password::new(form.password),
        confirmation: Password::new(form.confirmation),
        contacts,
    };
    match site.service().apply(&sess.caller(), input).await {
        Ok(outcome) => flash::redirect(
            &site,
            Some(&sess.token),
            Flash::new(
                To::Done(Done::Apply),
                true,
                vec![Text::msg(outcome.message)],
            )
            .warnings(outcome.warnings.into_iter().map(Text::msg).collect()),
        ),
        Err(e @ (ServiceError::RegistryMismatch | ServiceError::CardRequired)) => {
            let mut errors = FieldErrors::default();
            let message = refusal(&e, &mut errors);
            card_page(&site, &sess, message, errors, form.h)
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            let mut message = refusal(&e, &mut errors);
            retype_note("typed", &mut message);
            let name = session_holder_name(&sess);
            details_page(&site, &sess, message, errors, form.h, form.c, name)
        }
    }
}
