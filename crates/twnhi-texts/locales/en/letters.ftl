# Letters (twnhi-notify): subjects and texts of the e-mails, and the captcha's texts.

# *Design.* Subject of the e-mail-address-changed notice (not in the manual).
letter-subject-email-changed = National Health Insurance Administration Notice: E-mail Address of the Online Services of the NHI Card Changed
# *Design.* Subject of the password-changed notice (not in the manual).
letter-subject-password-changed = National Health Insurance Administration Notice: Password of the Online Services of the NHI Card Changed
# *Design.* Subject of the letter confirming a new main e-mail address (not in the manual).
letter-subject-email-change = National Health Insurance Administration Notice: Confirm the New E-mail Address of the Online Services of the NHI Card

## Captcha

# *Design.* The `alt` text of the captcha image: what it is, that an audio alternative exists; names no digit.
captcha-alt = Captcha: an image of digits. If you cannot read it, listen to the audio captcha.
# *Design.* What the audio captcha holds and what to do with it; names no digit.
captcha-audio-instructions = Audio captcha: after a chime, the digits are read in Mandarin; after another chime, the same digits are read in English, over background noise. Type the digits you hear, in order.

## The letters' layout (every letter, in each of its languages)
##
## A letter shows its languages one after the other, each rendered from the same templates
## (crates/twnhi-notify/templates) with this file's texts. In the HTML part, straight quotes
## become typographic (" → &ldquo; &rdquo;, ' → &rsquo;) and a line break becomes <br>; an
## attribute `.html` is the HTML part's form of a text when it differs from the plain-text one.

# *Design.* The `lang` attribute of this language's part of the HTML letter.
letter-html-lang = en
# *Manual.* The banner line at the top of the HTML letter (the first language's in bold).
letter-banner = NATIONAL HEALTH INSURANCE ADMINISTRATION MINISTRY OF HEALTH AND WELFARE
# *Manual.* Greeting.
letter-greeting = Dear { $name },
# *Design.* Greeting when the name is unknown.
letter-greeting-anonymous = Dear Sir or Madam,
# *Manual.* Closing above the signature.
letter-closing = Thank you very much.
# *Manual.* Signature.
letter-signature = { letter-sender }
# *Manual.* A date under the signature (the deletion notice).
letter-date = { $date }
# *Design.* The line above a link in the plain-text part.
letter-link-label = { $link }:
# *Design.* A page's name quoted in a sentence.
letter-quoted = "{ $text }"
# *Manual.* The page of 忘記註冊密碼 (its link in the letters).
letter-forgot-password = Forgot your password?
# *Design.* The CSS `list-style-type` of a numbered list in the HTML part.
letter-list-style = upper-roman
# *Manual.* An item of a numbered list in the plain-text part.
letter-list-item =
    { $n ->
        [1] I
        [2] II
        [3] III
        [4] IV
        [5] V
       *[other] { $n }
    }. { $text }

## 認證通知 (confirmation)

# *Design (after the manual).* The confirmation letter: what to do.
letter-confirmation-intro = Thank you for registering for the NHI Card Online Services of the National Health Insurance Administration. Please open the link "{ $link }" below, insert your NHI card, click "Read" to verify the card and then click "Confirm" to verify your e-mail address:
# *Design.* The confirmation letter: how long the link works.
letter-confirmation-validity = This link is valid until { $expires } (Taiwan time) and can be used only once. If it has expired, please request a new letter with "Resend verification email". You cannot log in until your e-mail address is verified.
# *Design.* The confirmation letter: if it was not you.
letter-confirmation-not-you = If you did not register for the NHI Card Online Services, please do not open the link and ignore this letter.

## 電子郵件信箱變更確認信 (email-change, design)

# *Design.* The letter to a new main e-mail address: what to do.
# $link: the link's text
letter-email-change-intro = In "Change Basic Data" of the NHI Card Online Services Registration of the National Health Insurance Administration, it was asked to make this the registered e-mail address. Please open the link "{ $link }" below and click "Confirm"; the change then takes effect:
# *Design.* The letter to a new main e-mail address: how long the link lasts.
# $expires: when the link stops working
letter-email-change-validity = This link is valid until { $expires } (Taiwan time) and can be used only once. If it has expired, please log in and ask again in "Change Basic Data". Until you confirm, the NHIA's letters go to the previous address.
# *Design.* The letter to a new main e-mail address: if it was not you.
letter-email-change-not-you = If you did not ask to change your e-mail address, please do not open the link and ignore this letter.

## 註冊完成 (completion)

# *Manual.* The completion letter, first paragraph.
letter-completion-intro = Your application for the registration of the online services of the National Health Insurance Card has been accepted. { $keep } in order to secure your account. Please feel free to contact the NHIA for further information at { $toll-free }(toll free) or at { $local-number }(an area code not required). For a mobile phone, please dial { $mobile-number }. You may also go to the mailbox of suggestions on the NHIA website for further services.
# *Manual.* The completion letter: the emphasised warning.
letter-completion-keep = Please keep your password from other people
# *Manual.* The completion letter, second paragraph.
letter-completion-login = We sincerely welcome you to use the NHIA's web services. Meanwhile, before you log on the web with your registered NHI Card, please set up your computer with proper system elements. You may go to the website for registration of the online services of the NHI Card, or directly click: { $login }
    .html = We sincerely welcome you to use the NHIA's web services. Meanwhile, before you log on the web with your registered NHI Card, please set up your computer with proper system elements. You may go to the website for registration of the online services of the NHI Card, or directly click: { $login }
# *Manual.* The completion letter: above the list of services.
letter-completion-services = The Online Services include:
# *Manual.* Service 1.
letter-completion-service-1 = Individual Enrollment Data: { $url }
# *Manual.* Service 1, item 1.
letter-completion-service-1-1 = The Enrollment Services for Individuals Qualified for Category Six.
# *Manual.* Service 1, item 2.
letter-completion-service-1-2 = NHI Card Re-issue.
# *Manual.* Service 1, item 3.
letter-completion-service-1-3 = Mailing Address Change.
# *Manual.* Service 1, item 4.
letter-completion-service-1-4 = Inquire the NHI Enrollment Status.
# *Manual.* Service 1, item 5.
letter-completion-service-1-5 = Enrollment Status Certificate.
# *Manual.* Service 2.
letter-completion-service-2 = My Health Bank: { $url }
# *Manual.* Service 3.
letter-completion-service-3 = NHI Express APP: { $url }
# *Manual.* The paragraph after the list; a lone `-` leaves it out (the manual's English letter has none).
letter-completion-outro = -

## 重設註冊密碼 (password reset)

# *Design (after the manual).* The reset letter: what to do.
letter-reset-intro = You have asked to reset the password of your NHI Card Online Services Registration. Please open the link "{ $link }" below, insert your NHI card, click "Read" to verify the card, check your name, enter the new password and click "Confirm":
# *Design.* The reset letter: how long the link works.
letter-reset-validity = This link is valid until { $expires } (Taiwan time) and can be used only once. If it has expired, please ask again with "Forgot your password?". { $app }
# *Design.* The reset letter: if it was not you.
letter-reset-not-you = If you did not ask to reset your password, please do not open the link and ignore this letter; your password will not change.

## 刪除註冊確認信 (cancellation)

# *Design (after the manual).* The cancellation letter: what to do.
letter-cancellation-intro = You have asked to cancel your NHI Card Online Services Registration. Please open the link "{ $link }" below, enter your ID number, the e-mail verification code below and the captcha, and click "Confirm" to complete the cancellation:
# *Manual.* The e-mail verification code, case-sensitive.
letter-cancellation-code =
    Email Verification Code: { $code }
    (case sensitive)
    .html = Email Verification Code: { $code } (case sensitive)
# *Design.* The cancellation letter: how long the code works.
letter-cancellation-validity = This code is valid until { $expires } (Taiwan time). Until you confirm the cancellation, you can keep using the service. { $app }
# *Design.* The cancellation letter: if it was not you.
letter-cancellation-not-you = If you did not ask to cancel your registration, please do not open the link and ignore this letter; your registration will not be cancelled.

## 刪除註冊申請通知 (cancellation notice, design)

# *Design.* The notice once the cancellation was confirmed at another address.
letter-cancellation-notice-confirmed = Someone using another e-mail address ({ $email }) confirmed on { $at } (Taiwan time) the cancellation of your NHI Card Online Services Registration. To protect your account it takes effect only on { $effective } (Taiwan time); until then your registration stays in use.
# *Design.* The notice when the cancellation was asked for at another address.
letter-cancellation-notice-requested = On { $at } (Taiwan time) someone asked to cancel your NHI Card Online Services Registration and to send the cancellation letter to another e-mail address ({ $email }). Your registration is not cancelled before that is confirmed and a waiting period has passed.
# *Design.* The notice: how to stop it.
letter-cancellation-notice-not-you = If it was not you, please open the link "{ $link }" below and click "{ $link }": your registration stays in use. We also recommend changing your registration password:
    .html = If it was not you, please open the link "{ $link }" below and click "{ $link }": your registration stays in use. We also recommend changing your registration password.
# *Design.* The notice: how long the stop link works.
letter-cancellation-notice-validity = This link is valid until { $expires } (Taiwan time). If it was you, no action is needed.

## 刪除通知 (deleted)

# *Manual.* The deletion notice, first line.
letter-deleted-body = Your registration for the NHI Card Online Services has been cancelled as you requested. You are welcome to register for the NHI Card Online Services again at any time. Thank you for your cooperation and support.
# *Manual.* The deletion notice, second line.
letter-deleted-questions = { letter-hotline } You may also leave a message in the mailbox of suggestions on the NHIA website for further services.

## 電子郵件信箱變更通知 (e-mail changed, design)

# *Design.* The notice to the old address.
letter-email-changed-body = The e-mail address of your NHI Card Online Services Registration was changed to { $email } on { $at } (Taiwan time). This notice is sent to your previous address; from now on the NHIA's letters go to the new one.
# *Design.* The notice: if it was not you (the plain text's link follows the colon).
letter-email-changed-not-you = If you made this change, no action is needed. If you did not, your registration password may be known to someone else: please reset it at once with { $forgot } and call the NHIA hotline: { letter-hotline-numbers }.
    .html = If you made this change, no action is needed. If you did not, your registration password may be known to someone else: please reset it at once with { $forgot } and call the NHIA hotline: { letter-hotline-numbers }.

## 註冊密碼變更通知 (password changed, design)

# *Design.* The notice that the password changed.
letter-password-changed-body = The password of your NHI Card Online Services Registration was changed on { $at } (Taiwan time). Please use your NHI Card and the new password to log in from now on. { $app }
# *Design.* The notice: if it was not you (the plain text's link follows the colon).
letter-password-changed-not-you = If you did not change it, your NHI card and password may have been used by someone else: please reset the password at once with { $forgot } and call the NHIA hotline: { letter-hotline-numbers }.
    .html = If you did not change it, your NHI card and password may have been used by someone else: please reset the password at once with { $forgot } and call the NHIA hotline: { letter-hotline-numbers }.
