# The catalog of twnhi: messages of the registration site (SPEC §4), keyed by
# `twnhi_account::messages::Msg` (the id is the variant name in kebab-case).
# Every id must exist in every language (tests/texts.rs checks it).


## every page

# *Manual.* Service hours notice shown on every page, and the refusal outside them.
service-hours = Operating Hours : 6a.m.-12a.m. daily
# *Manual.* Environment check: the server answered.
server-connection-ok = Server connection OK
# *Manual.* Environment check: the server did not answer.
server-connection-failed = Server connection failed
# *Manual.* Reading the card (every form that starts with 【讀取】).
read-card-prompt = Please insert the NHI card into the Smart IC card reader, and click "Read" to verify the NHI card.
# *Manual.* Instruction 1 of the resend and forgot-password pages.
environment-setup-instruction = If your computer has not yet performed the NHI Card Online Services Registration environment setting and installation components, please go to the NHI Card Online Services Registration page.
# *Manual.* Instruction 2 of the resend and forgot-password pages.
connect-reader-instruction = Insert the NHI card into the Smart IC card reader.

## 4.1 apply

# *Manual.* The button that accepts the terms (全民健康保險網路服務註冊管理作業要點).
terms-accepted = I have read and understood the regulations
# *Manual.* Help text of the household ID number (戶號) field.
household-id-hint = Please refer to the number on the top left side of the cover of Household Certificate.
# *Manual.* Why the household ID number is asked.
household-id-required = In order to prevent the NHI card from being misused by others and protect the security of your personal data, please be sure to enter the Household ID number.
# *Manual.* Prompt of the first apply step.
apply-next-prompt = Please insert the NHI card, enter the Household ID number and Household Registration Address and click "Next".
# *Manual.* Password length rule (every form that sets a password).
password-length = password length must be 6-12 characters.
# *Manual.* What a strong password is (apply page).
strong-password-hint = Strong passwords contain a mix of English uppercase, lowercase, numbers, and special symbols (-!@#$%^&*), and are longer than 8 characters. Special symbols cannot be(Blank), (greater than>), (less than <) symbols
# *Manual.* Strength meter level 1.
strength-weak = weak
# *Manual.* Strength meter level 2.
strength-medium = Medium
# *Manual.* Strength meter level 3.
strength-medium-strong = Medium Strong
# *Manual.* Strength meter level 4.
strength-strong = Strong
# *Manual.* Note of the mobile phone field.
mobile-phone-note = Be sure to enter the mobile phone, which will be used as a certification for mobile devices.
# *Manual.* Warning (not a refusal) for Microsoft mail domains.
microsoft-mail-warning = Due to the unstable connection with the Microsoft mail server, it is recommended not to fill in the Microsoft e-mail (such as hotmail, livemail ...), so as to avoid missing the e-mail sent by the NHIA.
# *Manual (zh); design (en).* Application accepted.
apply-success = Your application is complete. You will receive a confirmation e-mail in a few minutes; please open the link in it to activate your account. Thank you!
# *Manual (zh); design (en).* E-mail address verified (4.1 step 5).
email-verified = Your e-mail address has been verified. Welcome to the system!

## 4.2 log in

# *Manual.* Login prompt.
login-prompt = Please insert the NHI card. Enter the password and click "LOGIN"
# *Manual.* Browser supports the NHI card (environment status of the login page).
supports-nhi-card = Support NHI card
# *Spec.* Suspension is done at a counter.
suspension-note = To apply for suspension of the NHI Card Online Services, please bring your identification to the regional division and the liaison office of NHIA.

## 4.3 device verification

# *Manual.* Device verification note 1.
device-code-note-produce = To verify your mobile device, please push the "Produce Verification Code" button, the system will generate QR-Code or verification code.
# *Manual.* Device verification note 2.
device-code-note-camera = If the mobile device has a camera function, it is recommended to verify by reading QR-Code through NHI Express APP.
# *Manual.* Device verification note 3.
device-code-note-no-camera = If the mobile device does not have a camera function, it is recommended to verify by entering Verification Code through NHI Express APP.
# *Manual.* Heading of the two ways of verification.
device-code-methods = There are two ways of mobile device verification:
# *Manual.* Way 1: scan the QR code.
device-code-method-qr = Please use your mobile phone to read QR-Code:
# *Manual.* Way 2: type the code.
device-code-method-type = Enter the verification code to your mobile phone:

## 4.4 device management

# *Manual.* Device status: active.
device-status-active = Active
# *Manual.* Device status: disabled.
device-status-disabled = Disabled
# *Design.* Device status: deleted (never listed; for logs and the app API).
device-status-deleted = Deleted
# *Manual.* Device action: disable.
device-action-disable = Disable Device
# *Manual.* Device action: enable.
device-action-enable = Enable Device
# *Manual.* Device action: delete.
device-action-delete = Delete Device
# *Manual.* Device management note 1.
device-note-reverify = If you change the mobile device or reinstall the NHI Express APP, please execute the "Mobile Device Verification" again.
# *Manual.* Device management note 2.
device-note-many = The same account can activate multiple mobile devices; multiple accounts can be verified on the same device.
# *Manual.* Device management note 3.
device-note-active-only = Please use the mobile device that has passed the device verification and the status is "Enabled" to log in to the NHI Express App. If you want to log in with other mobile devices, please click the top "Enable Device" button, if the device is not yet verified, please go to "Mobile Device Verification" and generate a QR Code for verification.

## 4.5 / 4.6 change password, change data

# *Manual.* Password changed (4.5).
password-changed = Password successfully changed. Please use your NHI Card and the new password to login the system!
# *Manual.* The registration password is also the app's password (4.5 page note).
app-password-note = If you have verified the mobile device, this password will also be the log in password of NHI express APP.
# *Manual (zh); design (en).* Basic data saved (4.6).
data-saved = Data saved successfully.
# *Design.* Data saved; the new main e-mail address waits for its confirmation letter.
email-change-sent = Data saved. A confirmation letter was sent to the new e-mail address: the new address takes effect when you open the link in it. Until then, the NHIA's letters go to the current address.
# *Design.* The page of the confirmation letter's link to a new main address.
email-change-prompt = Click "Confirm" to make this the registered e-mail address.
# *Design.* The new main e-mail address confirmed and in use.
email-change-confirmed = The e-mail address was changed. From now on, the NHIA's letters go to the new address.

## 4.7 cancel

# *Manual.* Notice of the cancellation request page.
cancel-notice = After submitting cancellation of the registration, please be sure to confirm that you receive a confirmation letter in your registration email box, and complete the following procedures to complete the cancellation. Thank you for your support and cooperation.(If you have installed NHI App, you will no longer be able to use My Health Bank and e-counter functions after confirming the cancellation.)
# *Manual.* Notice of the cancellation confirmation page.
cancel-app-notice = If you have installed NHI App, you will no longer be able to use My Health Bank and e-counter functions after confirming the cancellation.
# *Manual.* Where the card number is printed.
card-number-hint = The number on the bottom left side of the front of the NHI card.
# *Manual.* The cancellation e-mail code is case-sensitive.
email-code-hint = Enter Verification Code, case sensitive.
# *Manual (zh); design (en).* Cancellation requested (4.7 step 2).
cancel-requested = Your request has been accepted. Please check your registered e-mail box for the cancellation confirmation letter.
# *Design.* A cancellation confirmed with a code sent to a new e-mail address: it takes
# effect after the waiting period; the registered address was told and can stop it.
cancel-scheduled = The cancellation has been confirmed. Because the confirmation letter went to a new e-mail address, it takes effect only after a waiting period, to protect your account; the registered e-mail address has been told.
# *Design.* The registered address stopped a cancellation.
cancel-stopped = The cancellation has been stopped; your registration stays in use. If you did not ask for it, please change your registration password soon.
# *Design.* The page of the stop link.
cancel-stop-prompt = Someone asked to cancel your NHI Card Online Services registration with a new e-mail address. If it was not you, click "Stop the cancellation" and your registration stays in use.
# *Design.* The button of the stop link's page.
cancel-stop-button = Stop the cancellation
# *Design.* Subject of the notice to the registered address.
letter-subject-cancellation-notice = National Health Insurance Administration Notice: Cancellation of the Online Services of the NHI Card Requested
# *Design.* Link text of the notice's stop link.
letter-link-cancellation-stop = Stop the cancellation
# *Manual (zh); design (en).* Cancellation confirmed (4.7 step 4).
cancel-confirmed = Your registration has been cancelled. If you want to use the system again, please apply again.

## 4.8 / 4.9 resend, forgot password

# *Manual (zh); design (en).* Confirmation or reset letter requested (4.8, 4.9).
letter-requested = Your request has been accepted. Please check your e-mail box for the confirmation letter.
# *Manual.* Password reset done (4.9).
password-reset-done = Password successfully changed. Please use your NHI Card and the new password to login the system!
# *Manual.* Resetting also changes the app's password (4.9 notice).
reset-app-notice = If you have installed NHI App and applied for NHI Card Online Service, the system will change the login password.

## 4.11 letters

# *Manual.* Sender of every letter.
letter-sender = National Health Insurance Administration, Ministry of Health and Welfare
# *Manual.* Subject of the confirmation letter (認證通知).
letter-subject-confirmation = National Health Insurance Administration Notice Confirmation for Registering the Online Services of the NHI Card
# *Manual.* Link text of the confirmation letter.
letter-link-confirmation = Go to the e-mail verification page
# *Design.* Link text of the letter confirming a new main e-mail address.
letter-link-email-change = Confirm the new e-mail address
# *Design (after the manual).* Subject of the completion letter (註冊完成).
letter-subject-completion = National Health Insurance Administration Notice: Registration for the Online Services of the NHI Card Completed
# *Design (after the manual).* Subject of the password reset letter.
letter-subject-reset = National Health Insurance Administration Notice: Reset the Password of the Online Services of the NHI Card
# *Manual.* Link text of the password reset letter.
letter-link-reset = NHI Card Online Services Registration - Reset Password
# *Design (after the manual).* Subject of the cancellation confirmation letter.
letter-subject-cancellation = National Health Insurance Administration Notice: Confirm the Cancellation of the Online Services of the NHI Card
# *Manual.* Link text of the cancellation confirmation letter.
letter-link-cancellation = NHI Card Online Services Registration - Confirm the Cancellation
# *Manual.* Subject of the deletion notice.
letter-subject-deleted = National Health Insurance Administration Notice: Registration for the Online Services of the NHI Card Deleted
# *Manual.* Hotline sentence of the letters.
letter-hotline = Please feel free to contact the NHIA for further information at { $toll-free }(toll free) or at { $local-number }(an area code not required). For a mobile phone, please dial { $mobile-number }.
# *Manual.* Footer of every letter.
letter-automatic = Note: this letter was sent automatically; please do not reply.

## refusals of the flows (design)

# *Design.* The one generic refusal when card/household data do not match the registry
# (4.1 step 2: do not say which field).
registry-mismatch = The data you entered does not match our records. Please check it and try again.
# *Design.* Wrong card or password at login (one answer for both).
login-failed = The NHI card or the registration password is incorrect. Please try again.
# *Design.* The card could not be authenticated (SPEC §3).
card-not-verified = The NHI card could not be verified. Please make sure your own NHI card is inserted and read it again.
# *Design.* The card authentication nonce has expired.
card-auth-expired = The NHI card verification timed out. Please read the card again.
# *Design.* The registration's e-mail address is not verified yet.
email-not-verified = Your e-mail address has not been verified yet. Please open the link in the confirmation letter, or use "Resend verification email".
# *Design.* The registration is suspended (done at a counter).
registration-suspended = Your registration for the NHI Card Online Services is suspended. To resume it, please bring your identification to the regional division or the liaison office of NHIA.
# *Design.* The registration has been cancelled.
registration-cancelled = Your registration has been cancelled. If you want to use the system again, please apply again.
# *Design.* A registration already exists for this person.
already-registered = You have already registered for the NHI Card Online Services. Please log in.
# *Design.* The flow is not available in the registration's current state.
operation-not-allowed = This operation is not available in the current state of your registration.
# *Design.* A cancellation is not pending.
no-cancellation-pending = There is no pending cancellation request. Please request the cancellation again.
# *Design.* Too many attempts (login throttling, code entry).
too-many-attempts = Too many attempts. Please try again later.
# *Design.* NIST SP 800-63B §5.2.2: after 100 consecutive wrong passwords, checking
# the password stops until it is reset (only the card holder can cause this).
attempts-locked = The registration password was entered wrongly too many times. To protect your account, logging in with it is suspended. Please reset it with "Forgot password".
# *Design.* The app's password checks stopped after 100 consecutive failures; a login
# on the site with the NHI card (or a password reset) opens them again.
app-login-locked = Too many failed logins from the app: app logins are suspended. Please log in to this site with your NHI card, or reset the password with "Forgot password", then try again.
# *Design.* Too many requests are waiting for password checks (503).
server-busy = Too many people are using the system right now. Please try again in a moment.
# *Design.* A generic failure the user cannot fix.
system-error = The system is busy. Please try again later.

## one-time codes and links (design)

# *Design.* A code does not match.
code-incorrect = The verification code is incorrect. Please try again.
# *Design.* A code has expired.
code-expired = The verification code has expired. Please request a new one.
# *Design.* A code was entered wrongly too often and is void.
code-exhausted = The verification code was entered wrongly too many times and is no longer valid. Please request a new one.
# *Design.* A code has been used already.
code-used = This verification code has already been used. Please request a new one.
# *Design (after the manual).* The device verification code has expired.
device-code-expired = The device verification code has expired. Please regenerate the device verification code.
# *Design.* An e-mail link is invalid, used or expired.
link-invalid = This link is invalid or has expired. Please request a new one.
# *Design.* The image captcha does not match.
captcha-incorrect = The captcha is incorrect. Please try again.

## identity values (design)

# *Design.* ID number missing.
id-empty = Please enter the ID number (resident certificate number).
# *Design.* ID number of the wrong length.
id-length = The ID number (resident certificate number) must be 10 characters long.
# *Design.* ID number not starting with a letter.
id-first-letter = The first character of the ID number must be a letter A-Z.
# *Design.* ID number with an impossible second character.
id-second-char = The second character of the ID number must be 1, 2, 8, 9 or A, B, C, D.
# *Design.* ID number with non-digits in characters 3-10.
id-digits = Characters 3 to 10 of the ID number must be digits.
# *Design.* ID number whose check digit is wrong.
id-check-digit = The check digit of the ID number is wrong. Please check the number.
# *Design.* Card number missing.
card-number-empty = Please enter the NHI card number.
# *Design.* Card number not 12 digits.
card-number-format = The NHI card number must be the 12 digits on the bottom left side of the front of the NHI card.
# *Design.* Household ID number missing.
household-id-empty = Please enter the Household ID number.
# *Design.* Household ID number malformed.
household-id-format = The Household ID number must be one letter followed by 7 digits (top left side of the cover of the Household Certificate).
# *Manual (zh); design (en).* County/city missing or unknown.
county-invalid = Please choose the City/County.
# *Manual (zh); design (en).* Township missing or not in the county.
township-invalid = Please choose the District/Township.
# *Manual (zh); design (en).* Village missing or malformed.
village-invalid = Please choose the Village (its name ends in 村 or 里).
# *Design.* Neighbourhood number out of range.
neighborhood-invalid = The Neighborhood must be a number from 1 to 999.
# *Design.* Local phone malformed.
local-phone-invalid = The local phone number is not valid: enter (area code)-number#extension.
# *Design.* Local phone with an unknown area code.
local-phone-area-code = The area code of the local phone number is not valid.
# *Design.* Mobile phone missing.
mobile-phone-empty = Please enter the mobile phone number.
# *Design.* Mobile phone malformed.
mobile-phone-invalid = The mobile phone number must be 10 digits starting with 09 (09xx-xxxxxx).
# *Design.* E-mail missing.
email-empty = Please enter the e-mail address.
# *Design.* E-mail malformed.
email-invalid = The e-mail address is not valid. Please check it.
# *Design.* E-mail with characters outside ASCII.
email-non-ascii = Please enter the e-mail address with English letters, digits and symbols only.
# *Design.* E-mail too long.
email-too-long = The e-mail address is too long.

## passwords (design unless marked)

# *Manual.* Space, `>` and `<` are never allowed.
password-forbidden-char = Special symbols cannot be (Blank), (greater than>), (less than<) symbols.
# *Design.* Other characters outside the allowed set.
password-unsupported-char = The password may only contain English letters, digits and the special symbols ~!@#$%^&*-.
# *Design.* Confirmation differs from the password.
password-mismatch = The password and its confirmation do not match.
# *Design.* Password on the common-password block list.
password-common = This password is too common and easy to guess. Please choose another one.
# *Design.* Password contains the ID number.
password-contains-id = The password must not contain your ID number.
# *Design.* Password contains the card number.
password-contains-card-number = The password must not contain your NHI card number.
# *Design.* Password contains the birth date.
password-contains-birth-date = The password must not contain your date of birth.

## devices and the app (design)

# *Design.* No such device for this registration.
device-not-found = No such mobile device.
# *Design.* The app logs in only from an active device.
device-not-active = This mobile device is not enabled. Please enable it in "Mobile Device Management".
# *Design.* The device was deleted.
device-deleted = This mobile device has been deleted. Please execute the "Mobile Device Verification" again.
# *Design.* Enabling an active device.
device-already-active = This mobile device is already active.
# *Design.* Disabling a disabled device.
device-already-disabled = This mobile device is already disabled.
# *Design.* Malformed device identifier, platform or model from the app.
device-info-invalid = The mobile device data are not valid.
# *Design.* Wrong one-time password from the app.
totp-incorrect = The one-time password is incorrect. Please try again.
# *Design.* One-time password of a step already used.
totp-replayed = This one-time password has already been used. Please wait for the next one.

## dates and settings (design)

# *Design.* A date or time that cannot be read.
date-invalid = The date or time is not valid.
# *Design.* A date outside ROC years 1-999.
date-out-of-range = The date must be between ROC years 1 and 999 (1912-2910).
# *Design.* A setting (service hours, lifetimes, hashing parameters …) is invalid.
config-invalid = Invalid system setting.

## use cases of twnhi-service (design)

# Added with the registration use cases; keep this block at the end of the catalog.
# *Design.* No valid login session (never logged in, logged out, idle or ended).
session-expired = You are not logged in or your session has expired. Please log in again.
# *Design.* Changing the e-mail address or the password asks for the current password.
reauthentication-required = Please enter your current registration password again before changing your e-mail address or password.
# *Design.* The current password given for re-authentication is wrong.
current-password-incorrect = The current registration password is incorrect. Please try again.
# *Design.* A link of a registration opened with another person's card.
card-not-registrant = Please use the registrant's own NHI card.
# *Design.* A device was bound with its verification code (4.3).
device-verified = The mobile device has been verified.
# *Design.* A device was enabled, disabled or deleted (4.4).
device-updated = The mobile device has been updated.
# *Design.* Logged out (登出).
logged-out = You have logged out.
# *Design.* Counter: the registration was suspended.
counter-suspended = The registration has been suspended.
# *Design.* Counter: the registration was reinstated.
counter-reinstated = The registration has been reinstated.
# *Design.* Counter: no registration for this ID number.
not-registered = No registration was found for this ID number.

## Messages with arguments
## A message's arguments are documented in its comment as `$name: what it is`; the tests
## format every message with them.

# *Manual.* The device-code expiry sentence of 4.3 (`device_code_valid_until`).
# $roc: the expiry in the long ROC form (民國109年10月27日 16:46:50), Asia/Taipei
# $date: the expiry in the Gregorian form (2020/10/27 16:46:50), Asia/Taipei
device-code-valid-until = Device verification code is valid until { $date }. If verification code is invalid, please regenerate the device verification code again.
# *Design.* The throttling refusal with the time of the next attempt (`try_again_after`).
# $roc: the time in the long ROC form, Asia/Taipei
# $date: the time in the Gregorian form, Asia/Taipei
try-again-after = Too many attempts. Please try again after { $date }.
# *Design.* A code's remaining tries after a wrong entry (`attempts_left`).
# $left: the number of tries left (number)
attempts-left = { $left ->
    [one] The verification code is incorrect. You have 1 attempt left.
   *[other] The verification code is incorrect. You have { $left } attempts left.
}
# *Manual.* The service hours notice for configured hours (`ServiceHours::notice`).
# $hours: the hours as 24-hour times, 06:00-24:00
# $open: the opening time on a 12-hour clock, 6a.m.
# $close: the closing time on a 12-hour clock, 12a.m.
# $allday: `yes` when the hours are 00:00-24:00, otherwise `no`
service-hours-notice = { $allday ->
    [yes] Operating Hours : open 24 hours a day
   *[no] Operating Hours : { $open }-{ $close } daily
}
# *Design.* A date and time in the language's form (`RocDateTime::format`).
# $roc: the long ROC form, 民國109年10月27日 16:46:50
# $date: the Gregorian form, 2020/10/27 16:46:50
date-time = { $date }
# *Design.* A language tag that no language of the catalog has.
unknown-lang = unsupported language
