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
cert-account-applied = { $account } [applied]
cert-devices-same = The device management seen after binding with the citizen digital certificate or with the NHI card is the same.
cert-login-method-label = Login method
cert-login-method-name = citizen digital certificate
cert-not-configured = This site has no citizen digital certificate login configured. Please log in with the NHI card instead.
cert-pin-note = The certificate PIN goes only to the card component on your computer, never to this site.
cert-birth-date-note = ROC date (e.g. 079/01/01) or Gregorian (e.g. 1990-01-01)
cert-fields-required = Please enter the ID number, the birth date and the certificate PIN.
cert-working = Verifying the citizen digital certificate, please wait…
cert-no-certificate = No signing certificate found on the citizen digital certificate card. Please make sure the card is in the reader.
cert-script-required = The citizen digital certificate login needs JavaScript enabled in the browser.
cert-renew-note = If your mobile device account was applied for, set your contact data and registration password again here to keep using it.
cert-welcome = Welcome. Please choose a mobile device service below.
web-settings-hint-cert-trust = certificate intermediates, CRLs or an identity table are set but no trust anchor (--cert-trust)
cert-password-enter = Enter the password
cert-strong-password = A strong password mixes upper-case and lower-case letters, digits and special characters (such as ~!@#$%^&*) and is at least 8 characters long
cert-login-method-card = NHI card
dev-cert-notice = Inserting an NHI card inserts the same person's simulated citizen digital certificate card too (/cert/login); its certificate PIN:
