# The citizen certificate login (manual §6) on the server. Arguments are documented in
# zh-TW/cert-pages.ftl.

## Answers of the certificate login (twnhi-service)

cert-login-failed = The citizen digital certificate login failed. Please make sure your own citizen digital certificate is inserted, check the ID number, the birth date and the certificate PIN, and log in again.
cert-challenge-expired = The citizen digital certificate verification timed out. Please log in again.
cert-login-required = Please log in with your citizen digital certificate first.
service-identity-check-unavailable = the identity confirmation of the certification authority did not answer

## The pages (manual §6)

cert-login-instruction = Insert your citizen digital certificate, enter your ID number, your birth date and the certificate PIN, and press [Confirm] to log in.
cert-login-method = Login method: citizen digital certificate
cert-login-title = Personal NHI data online services
cert-id-number = ID number
cert-birth-date = Date of birth
cert-pin = Certificate PIN
cert-confirm = Confirm
cert-module = Mobile device services
cert-menu-apply = Mobile device account application
cert-menu-renew = Mobile device renewal
cert-menu-device-code = Mobile device verification
cert-menu-devices = Mobile device management
cert-menu-profile = Change basic data
cert-menu-password = Change mobile device password
cert-apply-note = Note: if you have registered for the NHI card online services, the registration password of the login is changed as well.
cert-account-applied = Mobile device account { $account } [applied]
cert-devices-same = The device management seen after binding with the citizen digital certificate or with the NHI card is the same.
