# The forms as people meet them (issue 11). Arguments are documented in zh-TW/flows.ftl.

## Cancellation request: empty fields

captcha-empty = Please enter the image verification code.
email-code-empty = Please enter the verification code of the cancellation confirmation letter.

## Outside the service hours

service-closed-now = The service is closed now.

## Passwords and addresses

password-same-as-current = The new password must differ from the current one.
spare-email-same = The spare e-mail address must differ from the e-mail address.

## Apply: step 2

password-retype-note = To protect your password, the password fields were cleared: please enter the password and its confirmation again.

## Letters

letter-hotline-numbers = { $toll-free } (toll free) or { $local-number } (no area code); from a mobile phone, { $mobile-number }

## Resend / forgot password: nothing sent, the card holder told why

not-yet-applied = You have not applied for the NHI Card Online Services Registration yet. Please apply first with "First login: apply first".
email-not-yet-verified = Your e-mail address has not been verified yet. Please use "Resend verification email" and verify your e-mail address.
mobile-not-registered = The mobile phone you entered is not the one registered. Please enter the mobile phone you registered; if you can no longer use it, please call the NHIA hotline.

## Device verification help

device-help-title = How to verify a mobile device
device-help-link = Please read "How to verify a mobile device"
device-help-intro = Verify your mobile device through the NHI Express APP to use its services.
device-help-step-app = Install the NHIA's NHI Express APP on the mobile device and open its device verification.
device-help-step-login = Log in to this site with your NHI card and password, click "Mobile Device Verification", then "Produce Verification Code".
device-help-lifetime = A device verification code is valid for { $minutes } minutes after it is produced and void after { $tries } wrong entries; then please produce a new one. Each new code replaces the previous one.
