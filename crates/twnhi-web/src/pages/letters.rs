//! The flows that start from a letter or send one: 4.1 step 5 電子信箱認證 (the confirmation
//! link), 4.8 重寄認證信, 4.9 忘記註冊密碼 and 重設註冊密碼 (the reset link).

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use twnhi_account::secret::SecretKind;
use twnhi_account::{Msg, Password};
use twnhi_notify::LinkToken;
use twnhi_service::{LetterRequest, NewAddress, ServiceError};

use crate::app::{Site, render};
use crate::flash::{self, Done, Flash, To};
use crate::pages::{F, address, email, mobile, new_password, no_card, optional_mobile, refusal};
use crate::session::{S, Sess};
use crate::templates::{
    ConfirmEmailPage, FieldErrors, LetterForm, LetterRequestPage, MessagePage, ResetPage, SysMsg,
    Text, VerifyEmailPage,
};

/// `?token=` of a letter's link.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    pub(crate) token: String,
}

/// The token of a link, if well formed.
pub(crate) fn token(input: &str) -> Option<String> {
    LinkToken::parse(input.trim())
        .ok()
        .map(|t| t.expose().to_owned())
}

fn holder_name(sess: &Sess) -> String {
    sess.view
        .card
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

pub(crate) fn link_invalid(site: &Site, sess: &Sess, title: &'static str) -> Response {
    render(&MessagePage {
        l: site.layout(Some(sess), title, "link-invalid"),
        ok: false,
        lines: vec![Text::msg(Msg::LinkInvalid)],
        warnings: Vec::new(),
        links: vec![("/login", "button-back-home")],
    })
}

/// A letter link's page when the service refused for another reason than the link (throttled,
/// closed, unavailable): what it said, and back home.
fn refusal_page(site: &Site, sess: &Sess, title: &'static str, e: &ServiceError) -> Response {
    let message = refusal(e, &mut FieldErrors::default());
    render(&MessagePage {
        l: site.layout(Some(sess), title, "error"),
        ok: false,
        lines: message.lines,
        warnings: Vec::new(),
        links: vec![("/login", "button-back-home")],
    })
}

/// The result of a form that ended a flow: `303` to `GET /done` (Post/Redirect/Get). The
/// answers that sent nothing and say what to do instead are shown as notices.
fn done(site: &Site, sess: &Sess, done: Done, msg: Msg) -> Response {
    let ok = !matches!(
        msg,
        Msg::NotYetApplied
            | Msg::EmailNotYetVerified
            | Msg::MobileNotRegistered
            | Msg::AlreadyRegistered
    );
    flash::redirect(
        site,
        Some(&sess.token),
        Flash::new(To::Done(done), ok, vec![Text::msg(msg)]),
    )
}

const VERIFY: &str = "page-title-verify-email";

fn verify_view(site: &Site, sess: &Sess, message: SysMsg, token: String) -> Response {
    render(&VerifyEmailPage {
        l: site.layout(Some(sess), VERIFY, "verify-email"),
        message,
        name: holder_name(sess),
        token,
    })
}

/// `GET /verify-email?token=…`: 進入電子信箱認證畫面.
pub(crate) async fn verify_page(
    State(site): State<Site>,
    S(sess): S,
    Query(q): Query<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, VERIFY);
    };
    if let Some(resp) = link_refused(&site, &sess, SecretKind::EmailConfirmLink, &t).await {
        return resp;
    }
    verify_view(
        &site,
        &sess,
        SysMsg::info(vec![Text::msg(Msg::ReadCardPrompt)]),
        t,
    )
}

/// The page a letter's link opens instead of its form when the link is not live: said
/// before the person reads the card or types anything ([`twnhi_service::Service::letter_link_state`]).
async fn link_refused(site: &Site, sess: &Sess, kind: SecretKind, t: &str) -> Option<Response> {
    let title = if kind == SecretKind::EmailConfirmLink {
        VERIFY
    } else {
        RESET
    };
    let msg = match site.service().letter_link_state(kind, t).await {
        Ok(state) => state?,
        Err(e) => return Some(refusal_page(site, sess, title, &e)),
    };
    let (ok, page_id, links) = match (msg, kind) {
        (Msg::AlreadyRegistered, _) => (
            true,
            "already-verified",
            vec![("/login", "button-back-home")],
        ),
        (_, SecretKind::EmailConfirmLink) => (
            false,
            "link-invalid",
            vec![("/resend", "button-resend"), ("/login", "button-back-home")],
        ),
        _ => (
            false,
            "link-invalid",
            vec![
                ("/forgot-password", "link-forgot"),
                ("/login", "button-back-home"),
            ],
        ),
    };
    Some(render(&MessagePage {
        l: site.layout(Some(sess), title, page_id),
        ok,
        lines: vec![Text::msg(msg)],
        warnings: Vec::new(),
        links,
    }))
}

/// `POST /verify-email`: 【確定】 with the card read.
pub(crate) async fn verify_submit(
    State(site): State<Site>,
    S(sess): S,
    F(q): F<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, VERIFY);
    };
    if sess.view.card.is_none() {
        return verify_view(&site, &sess, SysMsg::error(vec![no_card(&site)]), t);
    }
    match site.service().verify_email(&sess.caller(), &t).await {
        Ok(msg) => done(&site, &sess, Done::Verify, msg),
        Err(e @ ServiceError::Secret { .. }) => {
            let mut errors = FieldErrors::default();
            let message = refusal(&e, &mut errors);
            flash::redirect(
                &site,
                Some(&sess.token),
                Flash::new(To::Done(Done::VerifyLinkUsed), false, message.lines),
            )
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            let message = refusal(&e, &mut errors);
            verify_view(&site, &sess, message, t)
        }
    }
}

const EMAIL_CHANGE: &str = "page-title-email-change";

/// `GET /confirm-email?token=…`: the link of the letter to a new main e-mail address. Shows
/// what it does and 【確定】; a link that is not live says so at once.
pub(crate) async fn confirm_email_page(
    State(site): State<Site>,
    S(sess): S,
    Query(q): Query<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, EMAIL_CHANGE);
    };
    match site
        .service()
        .letter_link_state(SecretKind::EmailChangeLink, &t)
        .await
    {
        Ok(None) => render(&ConfirmEmailPage {
            l: site.layout(Some(&sess), EMAIL_CHANGE, "email-change"),
            message: SysMsg::info(vec![Text::msg(Msg::EmailChangePrompt)]),
            token: t,
        }),
        Ok(Some(_)) => link_invalid(&site, &sess, EMAIL_CHANGE),
        Err(e) => refusal_page(&site, &sess, EMAIL_CHANGE, &e),
    }
}

/// `POST /confirm-email`: 【確定】: the new address becomes the registration's.
pub(crate) async fn confirm_email_submit(
    State(site): State<Site>,
    S(sess): S,
    F(q): F<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, EMAIL_CHANGE);
    };
    match site
        .service()
        .confirm_email_change(&sess.caller(), &t)
        .await
    {
        Ok(msg) => done(&site, &sess, Done::EmailChange, msg),
        Err(ServiceError::Secret { .. }) => link_invalid(&site, &sess, EMAIL_CHANGE),
        Err(e) => refusal_page(&site, &sess, EMAIL_CHANGE, &e),
    }
}

/// The two letter-request pages.
#[derive(Clone, Copy)]
enum Kind {
    Resend,
    Forgot,
}

impl Kind {
    fn page(
        self,
        site: &Site,
        sess: &Sess,
        message: SysMsg,
        errors: FieldErrors,
        mut f: LetterForm,
    ) -> Response {
        f.name = holder_name(sess);
        let (title, page_id) = match self {
            Kind::Resend => ("page-title-resend", "resend"),
            Kind::Forgot => ("page-title-forgot", "forgot"),
        };
        let l = site.layout(Some(sess), title, page_id);
        let page = match self {
            Kind::Resend => LetterRequestPage {
                l,
                action: "/resend",
                instruction: Msg::EnvironmentSetupInstruction.id(),
                method_label: "resend-method",
                registered_label: "resend-method-registered",
                new_label: "resend-method-new",
                read_prompt: "read-card-prompt-letter",
                mobile_required: true,
                notice: None,
                message,
                errors,
                f,
            },
            Kind::Forgot => LetterRequestPage {
                l,
                action: "/forgot-password",
                instruction: "forgot-instruction",
                method_label: "forgot-method",
                registered_label: "forgot-method-registered",
                new_label: "forgot-method-new",
                read_prompt: "read-card-prompt-forgot",
                mobile_required: false,
                notice: Some(Text::msg(Msg::ResetAppNotice)),
                message,
                errors,
                f,
            },
        };
        render(&page)
    }

    async fn submit(self, site: &Site, sess: &Sess, f: LetterForm) -> Response {
        let mut errors = FieldErrors::default();
        if sess.view.card.is_none() {
            errors.add("card_name", no_card(site));
        }
        let new_address = if f.method == "new" {
            let e = email(&f.email, "email", true, &mut errors);
            let a = address(
                &f.county,
                &f.township,
                &f.village,
                &f.neighborhood,
                &mut errors,
            );
            // 重寄認證信 marks 行動電話 `*`; 忘記註冊密碼 does not.
            let m = match self {
                Kind::Resend => mobile(&f.mobile_area, &f.mobile_number, &mut errors).map(Some),
                Kind::Forgot => optional_mobile(&f.mobile_area, &f.mobile_number, &mut errors),
            };
            match (e, a, m) {
                (Some(Some(email)), Some(address), Some(mobile_phone)) => Some(NewAddress {
                    email,
                    address,
                    mobile_phone,
                }),
                _ => None,
            }
        } else {
            None
        };
        // To the registered address: its 「* E-Mail」, as the manual asks.
        let registered_email = if f.method == "new" {
            None
        } else {
            email(&f.email, "email", true, &mut errors).flatten()
        };
        if !errors.is_empty() {
            let message = errors.to_message();
            return self.page(site, sess, message, errors, f);
        }
        let request = LetterRequest {
            new_address,
            registered_email,
        };
        let result = match self {
            Kind::Resend => {
                site.service()
                    .resend_confirmation(&sess.caller(), request)
                    .await
            }
            Kind::Forgot => {
                site.service()
                    .forgot_password(&sess.caller(), request)
                    .await
            }
        };
        match result {
            Ok(msg) => {
                let kind = match self {
                    Kind::Resend => Done::Resend,
                    Kind::Forgot => Done::Forgot,
                };
                done(site, sess, kind, msg)
            }
            Err(e) => {
                let message = refusal(&e, &mut errors);
                self.page(site, sess, message, errors, f)
            }
        }
    }
}

/// `GET /resend`.
pub(crate) async fn resend_page(State(site): State<Site>, S(sess): S) -> Response {
    Kind::Resend.page(
        &site,
        &sess,
        SysMsg::none(),
        FieldErrors::default(),
        LetterForm::default(),
    )
}

/// `POST /resend`.
pub(crate) async fn resend_submit(
    State(site): State<Site>,
    S(sess): S,
    F(f): F<LetterForm>,
) -> Response {
    Kind::Resend.submit(&site, &sess, f).await
}

/// `GET /forgot-password`.
pub(crate) async fn forgot_page(State(site): State<Site>, S(sess): S) -> Response {
    Kind::Forgot.page(
        &site,
        &sess,
        SysMsg::none(),
        FieldErrors::default(),
        LetterForm::default(),
    )
}

/// `POST /forgot-password`.
pub(crate) async fn forgot_submit(
    State(site): State<Site>,
    S(sess): S,
    F(f): F<LetterForm>,
) -> Response {
    Kind::Forgot.submit(&site, &sess, f).await
}

const RESET: &str = "page-title-reset";

fn reset_view(
    site: &Site,
    sess: &Sess,
    message: SysMsg,
    errors: FieldErrors,
    token: String,
) -> Response {
    render(&ResetPage {
        l: site.layout(Some(sess), RESET, "reset"),
        message,
        errors,
        name: holder_name(sess),
        token,
    })
}

/// `GET /reset-password?token=…`.
pub(crate) async fn reset_page(
    State(site): State<Site>,
    S(sess): S,
    Query(q): Query<TokenQuery>,
) -> Response {
    let Some(t) = token(&q.token) else {
        return link_invalid(&site, &sess, RESET);
    };
    if let Some(resp) = link_refused(&site, &sess, SecretKind::PasswordResetLink, &t).await {
        return resp;
    }
    reset_view(&site, &sess, SysMsg::none(), FieldErrors::default(), t)
}

/// The reset form.
#[derive(Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /reset-password`: 【確定】.
pub(crate) async fn reset_submit(
    State(site): State<Site>,
    S(sess): S,
    F(form): F<ResetForm>,
) -> Response {
    let Some(t) = token(&form.token) else {
        return link_invalid(&site, &sess, RESET);
    };
    let mut errors = FieldErrors::default();
    if sess.view.card.is_none() {
        errors.add("card_name", no_card(&site));
    }
    new_password(&form.password, &form.confirmation, &mut errors);
    if !errors.is_empty() {
        let message = errors.to_message();
        return reset_view(&site, &sess, message, errors, t);
    }
    let input = twnhi_service::NewPassword {
        password: Password::new(form.password),
        confirmation: Password::new(form.confirmation),
    };
    match site
        .service()
        .reset_password(&sess.caller(), &t, input)
        .await
    {
        Ok(msg) => done(&site, &sess, Done::Reset, msg),
        Err(e) => {
            let message = refusal(&e, &mut errors);
            reset_view(&site, &sess, message, errors, t)
        }
    }
}
