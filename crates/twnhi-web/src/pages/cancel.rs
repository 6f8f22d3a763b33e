//! 4.7 刪除註冊申請: the request (ID number, card number, captcha; 【檢核】 reveals the
//! delivery choice; 【送出刪除註冊】) and the confirmation page of the letter's link (ID
//! number, e-mail code, captcha; 【確認】).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use twnhi_account::secret::SecretKind;
use twnhi_account::{CardNumber, IdNumber, Msg};
use twnhi_service::{CancelConfirmInput, CancelDelivery, CancelRequestInput, ServiceError};

use crate::app::{Site, render};
use crate::captcha;
use crate::flash::{self, Done, Flash, To};
use crate::pages::letters::{TokenQuery, link_invalid, token};
use crate::pages::{F, address, email, household_id, refusal};
use crate::session::{S, Sess};
use crate::templates::{
    CancelConfirmForm, CancelConfirmPage, CancelForm, CancelPage, CancelStopPage, CaptchaView,
    FieldErrors, SysMsg, Text,
};

const REQUEST: &str = "page-title-cancel";
const CONFIRM: &str = "page-title-cancel-confirm";
const STOP: &str = "page-title-cancel-stop";

fn unavailable(site: &Site, e: &ServiceError) -> Response {
    tracing::error!(error = %e, "captcha unavailable");
    site.plain_error(StatusCode::SERVICE_UNAVAILABLE, &Text::of_service(e), false)
}

fn request_view(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    mut f: CancelForm,
    captcha: CaptchaView,
    checked: bool,
) -> Response {
    f.captcha.clear(); // a captcha is typed once
    render(&CancelPage {
        l: site.layout(Some(sess), REQUEST, "cancel"),
        message,
        errors,
        f,
        captcha,
        checked,
    })
}

/// `GET /cancel`.
pub(crate) async fn request_page(State(site): State<Site>, S(sess): S) -> Response {
    match captcha::fresh(&site, &sess).await {
        Ok(c) => request_view(
            &site,
            &sess,
            SysMsg::none(),
            FieldErrors::default(),
            CancelForm::default(),
            c,
            false,
        ),
        Err(e) => unavailable(&site, &e),
    }
}

/// The request form with its button.
#[derive(Deserialize)]
pub(crate) struct RequestForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    checked: String,
    #[serde(flatten)]
    f: CancelForm,
}

fn id_and_card(f: &CancelForm, errors: &mut FieldErrors) -> (Option<IdNumber>, Option<CardNumber>) {
    let id = IdNumber::parse(&f.id_number)
        .map_err(|e| errors.add("id_number", Text::of(&e)))
        .ok();
    let card = CardNumber::parse(&f.card_number)
        .map_err(|e| errors.add("card_number", Text::of(&e)))
        .ok();
    (id, card)
}

/// The captcha field's form: empty asks for it, anything but five characters is wrong.
fn captcha_typed(value: &str, errors: &mut FieldErrors) {
    let v = value.trim();
    if v.is_empty() {
        errors.add("captcha", Text::id("captcha-empty"));
    } else if v.chars().count() != 5 {
        errors.add("captcha", Text::msg(Msg::CaptchaIncorrect));
    }
}

/// Whether `typed` is the answer of the captcha on screen (constant time). 【檢核】 asks
/// this without spending the captcha, which 【送出刪除註冊】 then spends; a wrong answer
/// gets a new image (one try per image, as the use case allows).
async fn captcha_matches(site: &Site, sess: &Sess, typed: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    match site.service().captcha_on_screen(&sess.caller()).await {
        Ok(Some(shown)) => {
            let typed = typed.trim().as_bytes();
            let answer = shown.answer.as_bytes();
            typed.len() == answer.len() && bool::from(typed.ct_eq(answer))
        }
        Ok(None) => false,
        Err(e) => {
            tracing::debug!(error = %e, "no captcha on screen");
            false
        }
    }
}

fn mark_secret(e: &ServiceError, errors: &mut FieldErrors) {
    if let ServiceError::Secret { kind, .. } = e {
        let field = if *kind == SecretKind::Captcha {
            "captcha"
        } else {
            "code"
        };
        errors.add(field, Text::of_service(e));
    }
}

/// `POST /cancel`: 【變更圖片】, 【檢核】 or 【送出刪除註冊】.
pub(crate) async fn request_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<RequestForm>,
) -> Response {
    let was_checked = form.checked == "1";
    let f = form.f;
    if form.action == "refresh-captcha" {
        return match captcha::fresh(&site, &sess).await {
            Ok(c) => request_view(
                &site,
                &sess,
                SysMsg::none(),
                FieldErrors::default(),
                f,
                c,
                was_checked,
            ),
            Err(e) => unavailable(&site, &e),
        };
    }
    let mut errors = FieldErrors::default();
    let (id, card) = id_and_card(&f, &mut errors);
    if form.action != "submit" || !was_checked {
        // 【檢核】: the formats and the captcha (whether the numbers belong to a
        // registration is never told).
        captcha_typed(&f.captcha, &mut errors);
        let mut wrong_captcha = false;
        if !errors.has("captcha") && !captcha_matches(&site, &sess, &f.captcha).await {
            errors.add("captcha", Text::msg(Msg::CaptchaIncorrect));
            wrong_captcha = true;
        }
        let checked = errors.is_empty();
        let message = if checked {
            SysMsg::info(vec![Text::id("cancel-choose-method")])
        } else {
            errors.to_message()
        };
        let c = if wrong_captcha {
            captcha::fresh(&site, &sess).await
        } else {
            captcha::current(&site, &sess).await
        };
        let c = match c {
            Ok(c) => c,
            Err(e) => return unavailable(&site, &e),
        };
        // The typed captcha stays for 【送出刪除註冊】 after a successful check.
        let mut f = f;
        let keep = f.captcha.clone();
        f.captcha.clear();
        let mut resp_form = f;
        if checked {
            resp_form.captcha = keep;
        }
        return render_keep_captcha(&site, &sess, message, errors, resp_form, c, checked);
    }
    captcha_typed(&f.captcha, &mut errors);
    let delivery = if f.method == "new" {
        let e = email(&f.email, "email", true, &mut errors);
        let h = household_id(&f.household_id, &mut errors);
        let a = address(
            &f.county,
            &f.township,
            &f.village,
            &f.neighborhood,
            &mut errors,
        );
        match (e, h, a) {
            (Some(Some(email)), Some(household_id), Some(address)) => {
                Some(CancelDelivery::NewEmail {
                    email,
                    household_id,
                    address,
                })
            }
            _ => None,
        }
    } else {
        Some(CancelDelivery::RegisteredEmail)
    };
    // 寄送刪除認證信: the registered address's 「* E-Mail」, as the manual asks.
    let registered_email = if f.method == "new" {
        None
    } else {
        email(&f.email, "email", true, &mut errors).flatten()
    };
    let (Some(id_number), Some(card_number), Some(delivery), true) =
        (id, card, delivery, errors.is_empty())
    else {
        let message = errors.to_message();
        return match captcha::fresh(&site, &sess).await {
            Ok(c) => request_view(&site, &sess, message, errors, f, c, true),
            Err(e) => unavailable(&site, &e),
        };
    };
    let input = CancelRequestInput {
        id_number,
        card_number,
        captcha: f.captcha.trim().to_owned(),
        delivery,
        registered_email,
    };
    match site
        .service()
        .request_cancellation(&sess.caller(), input)
        .await
    {
        Ok(msg) => flash::redirect(
            &site,
            Some(&sess.token),
            Flash::new(To::Done(Done::CancelRequested), true, vec![Text::msg(msg)]),
        ),
        Err(e) => {
            mark_secret(&e, &mut errors);
            let message = refusal(&e, &mut errors);
            match captcha::fresh(&site, &sess).await {
                Ok(c) => request_view(&site, &sess, message, errors, f, c, true),
                Err(e) => unavailable(&site, &e),
            }
        }
    }
}

/// Like [`request_view`] but keeps the typed captcha (after 【檢核】 the same image is shown
/// and its answer is still unused).
fn render_keep_captcha(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    f: CancelForm,
    captcha: CaptchaView,
    checked: bool,
) -> Response {
    render(&CancelPage {
        l: site.layout(Some(sess), REQUEST, "cancel"),
        message,
        errors,
        f,
        captcha,
        checked,
    })
}

fn confirm_view(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    mut f: CancelConfirmForm,
    captcha: CaptchaView,
) -> Response {
    f.captcha.clear();
    render(&CancelConfirmPage {
        l: site.layout(Some(sess), CONFIRM, "cancel-confirm"),
        message,
        errors,
        f,
        captcha,
    })
}

/// `GET /cancel/confirm`.
pub(crate) async fn confirm_page(State(site): State<Site>, S(sess): S) -> Response {
    match captcha::fresh(&site, &sess).await {
        Ok(c) => confirm_view(
            &site,
            &sess,
            SysMsg::none(),
            FieldErrors::default(),
            CancelConfirmForm::default(),
            c,
        ),
        Err(e) => unavailable(&site, &e),
    }
}

/// The confirmation form with its button.
#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    f: CancelConfirmForm,
}

/// `POST /cancel/confirm`: 【變更圖片】 or 【確認】.
pub(crate) async fn confirm_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<ConfirmForm>,
) -> Response {
    let f = form.f;
    let fresh = |message, errors, f| async {
        match captcha::fresh(&site, &sess).await {
            Ok(c) => confirm_view(&site, &sess, message, errors, f, c),
            Err(e) => unavailable(&site, &e),
        }
    };
    if form.action == "refresh-captcha" {
        return fresh(SysMsg::none(), FieldErrors::default(), f).await;
    }
    let mut errors = FieldErrors::default();
    let id = IdNumber::parse(&f.id_number)
        .map_err(|e| errors.add("id_number", Text::of(&e)))
        .ok();
    let code = f.code.trim().to_owned();
    if code.is_empty() {
        errors.add("code", Text::id("email-code-empty"));
    } else if code.len() > 32 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.add("code", Text::msg(Msg::CodeIncorrect));
    }
    captcha_typed(&f.captcha, &mut errors);
    let (Some(id_number), true) = (id, errors.is_empty()) else {
        let message = errors.to_message();
        return fresh(message, errors, f).await;
    };
    let input = CancelConfirmInput {
        id_number,
        code,
        captcha: f.captcha.trim().to_owned(),
    };
    match site
        .service()
        .confirm_cancellation(&sess.caller(), input)
        .await
    {
        Ok(msg) => flash::redirect(
            &site,
            Some(&sess.token),
            Flash::new(To::Done(Done::CancelConfirmed), true, vec![Text::msg(msg)])
                .warnings(vec![Text::msg(Msg::CancelAppNotice)]),
        ),
        Err(e) => {
            mark_secret(&e, &mut errors);
            let message = refusal(&e, &mut errors);
            fresh(message, errors, f).await
        }
    }
}

/// `GET /cancel/stop?token=`: the stop link of the registered address's notice. Shows what it
/// does and a button (a link scanner that opens the letter's links must not stop anything);
/// an unknown, used or expired link, or a cancellation no longer pending, says so at once.
pub(crate) async fn stop_page(
    State(site): State<Site>,
    S(sess): S,
    Query(q): Query<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, STOP);
    };
    match site.service().check_stop_link(&t).await {
        Ok(()) => render(&CancelStopPage {
            l: site.layout(Some(&sess), STOP, "cancel-stop"),
            message: SysMsg::info(vec![Text::msg(Msg::CancelStopPrompt)]),
            token: t,
            button_zh: Msg::CancelStopButton.zh(),
            button_en: Msg::CancelStopButton.en(),
        }),
        Err(ServiceError::Secret { .. }) => link_invalid(&site, &sess, STOP),
        Err(e) => unavailable(&site, &e),
    }
}

/// `POST /cancel/stop`: 【停止刪除註冊】.
pub(crate) async fn stop_submit(
    State(site): State<Site>,
    S(sess): S,
    F(q): F<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, STOP);
    };
    match site
        .service()
        .stop_cancellation(Some(&sess.client), &t)
        .await
    {
        Ok(msg) => flash::redirect(
            &site,
            Some(&sess.token),
            Flash::new(To::Done(Done::CancelStopped), true, vec![Text::msg(msg)]),
        ),
        Err(ServiceError::Secret { .. }) => link_invalid(&site, &sess, STOP),
        Err(e) => unavailable(&site, &e),
    }
}
