# Pages of the registration site (twnhi-web templates): `{{ zh("id") }}` and `{{ en("id") }}`
# show a text in the page's two languages. Texts are element content: `&`, `<` and `>`
# are escaped when shown, quotes are kept.

## Every page (base.html)

# *Manual.* The system's name (header, page titles).
site-name = NHI Card Online Services Registration
# *Design.* The one-character logo of the header.
site-logo = NHI
# *Manual.* The organisation in the header.
org-name = NATIONAL HEALTH INSURANCE ADMINISTRATION MINISTRY OF HEALTH AND WELFARE
# *Design.* The demo banner.
demo-banner = Demo mode: synthetic data and simulated NHI cards, served over plain http on 127.0.0.1 only — do not enter real personal data.
# *Design.* Demo banner link to the card switcher.
demo-switch-card = Switch card
# *Design.* Demo banner link to the mailbox.
demo-mailbox = Mailbox
# *Design.* Label of the logged-in navigation.
nav-user = User
# *Manual.* Navigation: the service items.
nav-services = Service items
# *Manual.* Navigation: log out.
nav-logout = Logout
# *Design.* Shown outside the service hours.
closed-notice = The system is outside its operating hours; forms are not accepted now.
# *Manual.* Footer link to the setup instructions.
footer-setup = System Setting Instructions
# *Manual.* Footer link to the news.
footer-news = Latest News
# *Manual.* Footer link to the login page.
footer-login = Login
# *Design.* What this site is.
footer-about = an open-source rebuild; not the official NHIA service.

## The login page (login.html)

# *Manual.* Heading of the login panel.
login-title = LOGIN
# *Manual.* Environment: the browser.
env-browser = Browser
# *Manual.* Environment: the operating system.
env-os = Operating System
# *Manual.* Label of the password field.
field-password = Registration Password
# *Manual.* The prompt under the login form (the page's wording of the button: "LOG IN").
login-prompt-page = Please insert the NHI card. Enter the password and click "LOG IN"
# *Manual.* The button that clears a form.
button-clear = CLEAR
# *Manual.* The login button.
button-login = LOG IN
# *Manual.* Login page link to /apply.
link-apply = REGISTER FOR NEW ACCOUNT
# *Manual.* Login page link to /resend.
link-resend = RESEND VERIFICATION EMAIL
# *Manual.* Login page link to /forgot-password.
link-forgot = FORGOT YOUR PASSWORD?
# *Manual.* Login page link to /cancel.
link-cancel = CANCEL REGISTRATION
# *Spec.* The suspension note of the login page, with where to go.
suspension-note-page = To apply for suspension of the NHI Card Online Services, please bring your identification to the regional division and the liaison office of NHIA.
# *Manual.* Heading of the news panel.
news-title = LATEST NEWS
# *Design.* No announcement to list.
news-none = No announcements.
# *Design.* Link to every announcement.
news-more = More news
# *Manual.* Heading of the service items panel.
services-title = SERVICE ITEMS
# *Manual.* Service item /device/verify.
service-device-verify = MOBILE DEVICE VERIFICATION
# *Manual.* Service item /profile.
service-profile = INFORMATION ALTERATION
# *Manual.* Service item /devices.
service-devices = MOBILE DEVICE MANAGEMENT
# *Manual.* Service item /password.
service-password = CHANGE PASSWORD
# *Manual.* Heading of the setup instructions.
setup-title = System Setting Instructions
# *Manual.* Setup instruction /setup#environment.
setup-environment = Computer Environment Instruction
# *Manual.* Setup instruction /setup#manual.
setup-manual = NHI Card Online Services Registration Instruction
# *Manual.* Setup instruction /setup#faq.
setup-faq = FAQ
# *Manual.* Setup instruction /setup#errors.
setup-errors = Instruction for errors
# *Manual.* Link to the environment check.
setup-check = Check the NHI card component

## Shared by several pages (forms, buttons, headings)
# *Manual.* Title of the application pages (apply_card, apply_details).
page-title-apply = NHI Card Online Services Registration-Apply
# *Manual.* Button back to the login page.
button-back-home = Back to Home
# *Manual.* Button back to the previous page.
button-previous = Previous Page
# *Manual.* Button that submits a form (letters, reset, e-mail verification).
button-submit = Submit
# *Manual.* Button that saves a change (password, profile).
button-save = Save
# *Manual.* Button to the next step of the application.
button-next = Next
# *Manual.* Button that reads the inserted NHI card.
button-read = Read
# *Manual.* The card holder's name.
field-name = Name
# *Manual.* Label of the ID number.
field-id-number = ID number
# *Manual.* Label of the household ID number.
field-household-id = Household ID number
# *Manual.* Where the household ID number is printed; inline markup: the link to the picture.
household-id-where-html = Please refer to the number on the top left side of the cover of Household Certificate.
# *Manual.* Label of the household registration address.
field-household-address = Household Registration Address
# *Manual.* Label of the main e-mail address.
field-email-main = E-mail (Main)
# *Manual.* Label of the spare e-mail address.
field-email-spare = E-mail (Spare)
# *Design.* Label of the current password.
field-current-password = Current password
# *Manual.* Heading of a form's instructions.
field-instruction = Instruction
# *Manual.* Heading of a form's notes.
field-announcement = Announcement
# *Manual.* Heading of the password page's note.
field-note = Note
# *Manual.* Heading of the cancellation notice.
field-notice = Notice
# *Manual.* Under the name: read the card (重寄認證信).
read-card-prompt-letter = Please insert the NHI card into the card reader, and click "Read" to verify the NHI card.
# *Manual.* Under the name: read the card (password reset).
read-card-prompt-reset = Please insert the NHI card into the Smart IC card reader, and click "Read" to verify the NHI card.
# *Manual.* Under the name: read the card (forgot password).
read-card-prompt-forgot = Please insert the NHI card into the Smart IC card reader, and click "Read" to verify the NHI card.

## Form pieces (macros.html)
# *Manual.* Heading of the system message row of every form.
sysmsg-label = System Message
# *Manual.* Accessible name of the county select.
address-county = City/County
# *Manual.* First option of the county select.
address-choose-county = City/County
# *Manual.* Accessible name of the township select.
address-township = District/Township
# *Manual.* First option of the township select.
address-choose-township = District/Township
# *Design.* Placeholder of the village field.
address-enter-village = Village
# *Manual.* Accessible name of the village field.
address-village = Village
# *Manual.* The neighborhood field.
address-neighborhood = Neighborhood
# *Design.* Accessible name of the strength meter.
password-strength = Password strength
# *Manual.* Under the new password on 變更註冊密碼 (the apply page uses `strong-password-hint`).
# The manual's English prints "(greater than-)" here, a slip for "(greater than>)".
password-strong-note-change = Strong passwords contain a mix of English uppercase, lowercase, numbers, and special symbols (-!@#%&*), and are longer than 8 characters. Special symbols cannot be (Blank), (greater than>), (less than <) symbols
# *Manual.* Under the new password on 重設註冊密碼.
password-strong-note-reset = Strong passwords contain a mix of English uppercase, lowercase, numbers, and special symbols (~!@#$%^&*), and are longer than 8 characters. Special symbols cannot be(Blank), (greater than>), (less than<) symbols
# *Manual.* The length rule on 變更註冊密碼 (the other pages use `password-length`).
password-length-change = password length must be 6-12 characters.
# *Manual.* Label of the mobile phone.
field-mobile = Mobile Phone
# *Design.* Accessible name of the mobile phone's first field.
mobile-first-digits = Mobile phone, first 4 digits
# *Design.* Accessible name of the mobile phone's second field.
mobile-last-digits = Mobile phone, last 6 digits
# *Manual.* Label of the local phone.
field-local-phone = Local Phone
# *Manual.* Accessible name of the area code field.
phone-area = Area code
# *Design.* Accessible name of the phone number field.
phone-number = Number
# *Design.* Accessible name of the extension field.
phone-ext = Extension
# *Manual.* Label of the captcha.
field-captcha = Captcha
# *Manual.* Button for a new captcha image (the page shows the zh-TW text only).
captcha-refresh = Change the image
# *Design.* Opens the audio captcha.
captcha-audio-summary = Cannot read the image? Listen to the audio captcha
# *Design.* Fallback content of the audio element.
captcha-audio = Audio captcha
# *Design.* What to do without either captcha.
captcha-help = If you can use neither the image nor the audio captcha, please call the NHIA hotline at 0800-030-598 (toll free) or 4128-678 (no area code; from a mobile phone 02-4128-678), or bring your ID card and NHI card to a counter of the NHIA.

## The application (apply_card.html, apply_details.html)
# *Manual.* Caption of the household certificate picture.
apply-household-id-figure = The Household ID number is printed at the top left of the Household Certificate.
# *Design.* Alternative text of the household certificate picture.
apply-household-figure-alt = Household Certificate: the Household ID number is at the top left of the cover
# *Manual.* Label of the new password (application).
password-enter = Enter Password
# *Manual.* Label of the password confirmation (application).
password-confirm = Confirm Password
# *Manual.* Button that sends the application.
button-apply-submit = Submit

## Cancelling the registration (cancel.html, cancel_confirm.html)
# *Manual.* Title of the cancellation page.
page-title-cancel = NHI Card Online Services Registration-Cancellation
# *Manual.* Label of the ID number, with the resident certificate.
field-id-number-resident = ID number(Resident certificate number)
# *Manual.* Label of the card number.
field-card-number = NHI card number
# *Manual.* Heading of the delivery choice.
cancel-method = Verification email delivery method
# *Manual.* Delivery to the registered address.
cancel-method-registered = Resend verification email
# *Manual.* Delivery to a new address.
cancel-method-new = Change email address and resend verification email
# *Design.* What a new address implies.
cancel-new-address-note = When the letter goes to a new address, the registered address is told as well and can stop the cancellation before it takes effect.
# *Manual.* Button that sends the cancellation.
button-cancel-submit = Submit
# *Manual.* Button that checks the card data first.
button-check = Check
# *Manual.* Title of the confirmation page.
page-title-cancel-confirm = NHI Card Online Services Registration-Confirming the Cancellation
# *Manual.* Label of the code of the letter.
field-email-code = Email Verification Code
# *Manual.* How to enter the code.
email-code-note = Enter Verification Code, case sensitive.
# *Manual.* Heading of the confirmation's notice.
field-notice-colon = Notice:
# *Manual.* Button that confirms the cancellation.
button-confirm = Confirm

## The card check (check.html)
# *Manual.* Title of the check page.
check-title = NHI card component check
# *Design.* What the page does.
check-intro = If your browser is supported and the connection is OK, insert the NHI card and click "Read the NHI card" and "Verify the NHI card".
# *Manual.* Button that reads the card.
button-check-read = Read the NHI card
# *Manual.* Button that verifies the card.
button-check-auth = Verify the NHI card
# *Manual.* Button that clears the results.
button-check-clear = Clear
# *Manual.* Row: the browser.
check-browser = Browser
# *Manual.* Row: whether the browser is supported.
check-supported = Supported
# *Manual.* Row: the component's reply.
check-reply = Reply
# *Manual.* Row: the connection status.
check-connection = Connection status
# *Design.* Where the card component listens.
check-component = Card component:
# *Design.* What to do when the connection fails; inline markup: the link to the setup.
check-connection-failed-html = If the connection fails, check that the card component is installed and running.

## Demo pages (dev_cards.html, dev_letter.html, dev_mailbox.html)
# *Design.* Title of the card switcher.
dev-cards-title = Switch the demo NHI card
# *Design.* What the card switcher does.
dev-cards-notice = Demo only: the card in the simulated reader decides whom "Read" finds. Everyone below is synthetic.
# *Design.* Button that removes the simulated card.
dev-remove-card = Remove the card
# *Design.* The card in the reader.
dev-card-inserted = Inserted
# *Manual.* A card's ID number.
dev-card-id = ID
# *Manual.* A card's number.
dev-card-number = Card
# *Manual.* A card's birth date.
dev-card-born = Born
# *Manual.* A card's household ID number.
dev-card-household = Household ID
# *Manual.* A card's household registration address.
dev-card-address = Address
# *Design.* A card's registration state.
dev-card-registration = Registration
# *Design.* Button that inserts a simulated card.
dev-insert-card = Insert this card
# *Design.* Heading of a letter's links.
dev-letter-links = Links in the letter
# *Design.* Button back to the mailbox.
dev-back-mailbox = Back to the mailbox
# *Design.* Title of the mailbox.
dev-mailbox-title = Demo mailbox
# *Design.* Where the letters go; inline markup.
# $dir: the mail directory, HTML-escaped
dev-mailbox-notice-html = Demo only: every letter the site sends is written to <code>{ $dir }</code> and listed here.
# *Manual.* Column: when the letter was sent.
dev-mailbox-time = Time
# *Design.* Column: the recipient.
dev-mailbox-to = To
# *Manual.* Column: the subject.
dev-mailbox-subject = Subject
# *Design.* No letter yet.
dev-mailbox-empty = The mailbox is empty.
# *Design.* Button that reloads the mailbox.
dev-mailbox-refresh = Refresh

## Mobile devices (device_verify.html, devices.html)
# *Manual.* Title of the device verification page and its service item.
device-verify-title = Mobile Device Verification
# *Manual.* Label of the account of the devices.
device-account = Mobile Device Number
# *Manual.* Button that produces a device code.
button-produce-code = Produce Verification Code
# *Manual.* Title of the device list and its service item.
devices-title = Mobile Device Management
# *Manual.* Column: the platform.
devices-platform = Platform
# *Manual.* Column: the device model.
devices-model = Device
# *Manual.* Column: the device ID.
devices-id = Device ID No.
# *Manual.* Column: when it was verified.
devices-verified = Verified Time
# *Manual.* Column: its state.
devices-state = Current Status
# *Manual.* Column: the actions.
devices-manage = Management
# *Design.* No device yet.
devices-none = No verified mobile devices.
# *Design.* Asked before a device is deleted (an attribute: no quotes).
devices-delete-confirm = Delete this device?

## Letter requests (letter_request.html)

## News (news.html)
# *Manual.* Title of the news page.
news-page-title = Latest News

## The account (password.html, profile.html, reset.html, services.html)
# *Manual.* Title of the password page and its service item.
password-title = Change Password
# *Design.* Why the current password is asked.
password-current-note = Please enter your current registration password again.
# *Manual.* Label of the new password (password change).
password-new-enter = Please enter new password
# *Manual.* Label of the confirmation (password change).
password-new-confirm = Confirm the registration password again
# *Manual.* Title of the profile page and its service item.
profile-title = Update Basic Information
# *Design.* When the current password is needed.
profile-current-note = Needed only when you change an e-mail address.
# *Manual.* Title of the password reset page.
page-title-reset = NHI Card Online Services Registration-Reset Password
# *Manual.* Label of the new password (reset).
password-reset-enter = Enter Password
# *Manual.* Label of the confirmation (reset).
password-reset-confirm = Confirm Password
# *Manual.* The app's password changes too.
reset-app-note = If you have installed NHI App and applied for NHI Card Online Service, the system will change the login password.
# *Manual.* Greeting after the holder's name.
services-welcome = Welcome

## E-mail verification (verify_email.html)
# *Design.* Title of the e-mail verification page.
page-title-verify-email = NHI Card Online Services Registration-E-mail Verification
# *Design.* Title of the page of the letter confirming a new main e-mail address.
page-title-email-change = NHI Card Online Services Registration-Confirm the New E-mail Address
# *Design.* What to do.
verify-email-instruction = Insert the NHI card and click "Read" to verify it; the system shows your name, then click "Submit".

## Setup instructions (setup.html)
# *Manual.* Heading of the environment instructions.
setup-env-heading = Environment
# *Manual.* Column: the manual.
setup-col-manual = Manual
# *Manual.* Column: the instructions.
setup-col-download = Instructions and the card component
# *Manual.* Column: the check.
setup-col-check = Check
# *Design.* What the card component is.
# $origin: the card component's origin, such as https://127.0.0.1:7777
setup-bridge-intro = The site reads the NHI card through the card component on your own computer (twnhi bridge, open source). It serves only this computer at { $origin }, needs no administrator rights and installs no root certificate.
# *Design.* Windows; inline markup.
setup-windows-html = Windows: the Smart Card service must be running; install the component from the <a href="#download">download table</a> (.msi).
# *Design.* macOS; inline markup.
setup-mac-html = Mac (10.15 or later): uses the built-in smart card service; install the component from the <a href="#download">download table</a> (.pkg).
# *Design.* Linux; inline markup.
setup-linux-html = Linux: install the component from the <a href="#download">download table</a> (.deb or .rpm; it brings pcscd); it starts by itself at login.
# *Design.* Second step: the check.
setup-step-check = Once it runs, click "Check" on the right: the connection status must show the green "Server connection OK".
# *Design.* Third step: restart the browser.
setup-step-restart = Then close every browser window and start the browser again.
# *Manual.* Heading of the user instructions.
setup-manual-heading = How to use the registration
# *Design.* User instructions: apply.
setup-manual-1 = Apply: click "Register for new account", read the regulations, insert the card and click "Read", enter the Household ID number and address, then the password, phones and e-mail, and click "Submit".
# *Design.* User instructions: verify the address.
setup-manual-2 = Open the confirmation letter, click "Go to the e-mail verification page", read the card and click "Submit".
# *Design.* User instructions: log in.
setup-manual-3 = Log in with the card and the password; then verify mobile devices, manage them, change the password or your contact data.
# *Design.* User instructions: the other links.
setup-manual-4 = No letter? Use "Resend verification email". Forgot the password? Use "Forgot your password?". To stop using the service, "Cancel registration".
# *Design.* FAQ: no component.
setup-faq-bridge-q = "Cannot connect to the NHI card component" after "Read"?
# *Design.* FAQ: no component, answer.
setup-faq-bridge-a = Make sure twnhi bridge is running and check the connection on the check page.
# *Design.* FAQ: no letter.
setup-faq-letter-q = No letter arrives?
# *Design.* FAQ: no letter, answer.
setup-faq-letter-a = Check the spam folder; Microsoft mailboxes (hotmail, livemail …) are not recommended.
# *Design.* FAQ: the app.
setup-faq-app-q = The app cannot log in?
# *Design.* FAQ: the app, answer.
setup-faq-app-a = Check in Mobile Device Management that the device is Active.
# *Design.* Column: the error code.
setup-col-code = Code
# *Manual.* Column: what it means.
setup-col-meaning = Meaning
# *Design.* Column: what to do.
setup-col-action = What to do
# *Design.* Error 4061.
setup-error-4061 = The card component cannot be reached
# *Design.* What to do on 4061.
setup-fix-4061 = Start twnhi bridge
# *Design.* Error 7001.
setup-error-7001 = The PC/SC smart card service is not running
# *Design.* What to do on 7001.
setup-fix-7001 = Start the smart card service (pcscd)
# *Design.* Errors 7002 and 7003.
setup-error-7002 = No card reader, or it cannot be used
# *Design.* What to do on 7002 and 7003.
setup-fix-7002 = Reconnect the reader
# *Design.* Error 7004.
setup-error-7004 = No card inserted
# *Manual.* What to do on 7004.
setup-fix-7004 = Insert the NHI card
# *Design.* Errors 8001 and 8002.
setup-error-8001 = Card read error, card removed while reading
# *Design.* What to do on 8001, 8002, 8010 and 8011.
setup-fix-reinsert = Re-insert the card and try again
# *Design.* Errors 8003 to 8008.
setup-error-8003 = Card authentication transmission error
# *Design.* What to do on 8003 to 8008.
setup-fix-8003 = Read again; if it persists, make sure it is your own card
# *Design.* Errors 8010 and 8011.
setup-error-8010 = Reading the basic data failed
# *Design.* Error 8013.
setup-error-8013 = Cannot access the card (not an NHI card, or held by other software)
# *Design.* What to do on 8013.
setup-fix-8013 = Close other card software
# *Design.* Errors 8201 and 8202.
setup-error-8201 = Component service error or unsupported function
# *Design.* What to do on 8201 and 8202.
setup-fix-8201 = Update the component
# *Design.* Errors 9001 and 9002.
setup-error-9001 = Signature verification failed
# *Design.* What to do on 9001 and 9002.
setup-fix-9001 = Read again
# *Design.* Error 9999.
setup-error-9999 = Unknown command
# *Design.* What to do on 9999.
setup-fix-9999 = Reload the page or update the component

## The regulations (terms.html)
# *Manual.* Title of the regulations.
terms-title = Regulations for the Registration of the NHI Card Online Services
# *Design.* That the wording is a sample.
terms-disclaimer = These points are the open-source rebuild's sample wording, summarised from the user manual; they are not the administration's official text.
# *Design.* Point 1: what the system is.
terms-1 = The system lets insured persons use the NHIA's online services with their own NHI card and a registration password.
# *Design.* Point 2: applying.
terms-2 = Apply with your own NHI card and enter your Household ID number and household registration address; the application proceeds only when they match the NHIA's records.
# *Design.* Point 3: one registration, the password.
terms-3 = One registration per ID number (resident certificate number). Keep your registration password safe and never tell it to anyone.
# *Design.* Point 4: the e-mail verification.
terms-4 = After applying, open the link in the confirmation letter sent to your e-mail address; you can log in once the address is verified.
# *Design.* Point 5: the app.
terms-5 = The registration password is also the password of the NHI Express app; the app logs in only from a mobile device that passed the Mobile Device Verification and is enabled.
# *Design.* Point 6: personal data.
terms-6 = Your personal data are used only to identify you and to notify you, as the Personal Data Protection Act provides.
# *Design.* Point 7: cancelling and suspending.
terms-7 = You can cancel the registration online at any time; to suspend it, bring your identification to a service counter.

## Page titles, links and messages of the site's code (twnhi-web src)
# *Manual.* Page title of the regulations.
terms-page-title = Regulations
# *Design.* Title of the page that stops a cancellation.
page-title-cancel-stop = NHI Card Online Services Registration-Stop the Cancellation
# *Manual.* Title of the resend page.
page-title-resend = NHI Card Online Services Registration-Resend verification email
# *Manual.* Title of the forgotten password page.
page-title-forgot = NHI Card Online Services Registration-Forgot Password
# *Manual.* Button to the resend page.
button-resend = Resend verification email
# *Manual.* Heading of the resend page's delivery choice.
resend-method = Password delivery method
# *Manual.* Resend to the registered address.
resend-method-registered = Resend verification email
# *Manual.* Resend to a new address.
resend-method-new = Change email address and resend verification email
# *Manual.* First instruction of the forgotten password page.
forgot-instruction = Please set the NHI Card Online Service environment settings and install the download components first.
# *Manual.* Heading of the forgotten password page's delivery choice.
forgot-method = Password delivery method
# *Manual.* Send the reset letter to the registered address.
forgot-method-registered = Send reset password Email
# *Manual.* Send the reset letter to a new address.
forgot-method-new = Change Email address and send reset password Email
# *Design.* A request body over the limit.
request-too-large = The request is too large.
# *Design.* An app API request that cannot be read.
request-malformed-fields = The request is malformed. Please check the fields and send it again.
# *Design.* A JSON body that cannot be read.
request-malformed = The request is malformed.
# *Design.* A form that cannot be read.
form-malformed = The form data are malformed. Please reload the page and try again.
# *Design.* A form without a valid CSRF token or origin.
request-forbidden = The page has expired or the request did not come from this site. Please reload the page and try again.
# *Design.* The rate limit was reached.
too-many-requests = Too many requests. Please try again later.
# *Design.* A request that took too long.
request-timed-out = The request took too long. Please try again.
# *Design.* No such page.
page-not-found = Page not found.
# *Design.* The audio of a captcha that is gone.
captcha-expired-page = The captcha has expired. Please reload the page.
# *Design.* Login without a password.
password-required = Please enter the registration password.
# *Design.* After the check of the cancellation page.
cancel-choose-method = Choose how the verification letter is sent, then click "Submit".
# *Design.* Demo mailbox: no such letter.
dev-letter-not-found = No such letter.
# *Design.* Demo card switcher: a person without registration.
dev-not-registered = not registered
# *Design.* Demo card switcher: the registration's state (RegistrationState), by its stable name.
dev-state-pending-email-verification = waiting for e-mail verification
dev-state-active = active
dev-state-suspended = suspended
dev-state-cancellation-requested = cancellation requested
dev-state-cancelled = cancelled

## Errors of the site's set-up and of the app client (twnhi-web error.rs, settings.rs, client.rs); shown as "zh-TW / English"
# *Design.* Cookies without Secure asked for a site that is not plain http on loopback.
web-error-plain-http = plain-http cookies are only allowed for a site listening on loopback with an http://localhost or http://127.0.0.1 public URL
# *Design.* Secure cookies on a plain-http public URL.
web-error-insecure-cookies = the public URL is http, so Secure cookies would never be sent back: use https, or the plain-http loopback mode for a local demo
# *Design.* The bridge origin is no origin.
web-error-bridge-origin = the bridge origin must be http(s)://host[:port]
# *Design.* A limit out of range.
# $what: the setting
web-error-limit = setting out of range: { $what }
# *Design.* The listening socket could not be opened.
# $addr: the address
# $source: the operating system's error
web-error-bind = cannot listen on { $addr }: { $source }
# *Design.* The server failed while running.
# $source: the operating system's error
web-error-serve = the web server failed: { $source }
# *Design.* No random numbers.
web-error-random = the operating system's random source failed
# *Design.* A file of the demo or the mailbox.
# $path: the file
# $source: the operating system's error
web-error-file = cannot access { $path }: { $source }
# *Design.* The configuration file cannot be read.
# $path: the file
# $source: the operating system's error
web-settings-read = cannot read the configuration file { $path }: { $source }
# *Design.* The configuration file is not valid.
# $path: the file
# $source: the parser's error, with line and column
web-settings-syntax = the configuration file { $path } is invalid: { $source }
# *Design.* A required setting is missing (followed by how to give it).
# $key: the setting's key
web-settings-missing = { $key } is required
# *Design.* A setting's value cannot be used.
# $key: the setting's key
# $reason: why
web-settings-invalid = bad value of { $key }: { $reason }
# *Design.* How to give the public URL.
web-settings-hint-public-url = --public-url, TWNHI_PUBLIC_URL or the configuration file
# *Design.* How to give the place for letters.
web-settings-hint-mail = set smtp_url or mail_dir: letters must go somewhere
# *Design.* A number of minutes out of range.
# $value: the value given
web-settings-minutes = must be 1 to 1440 minutes (got { $value })
# *Design.* The hotline setting is not three phone numbers.
web-settings-hotline-format = three phone numbers separated by commas: toll-free, without area code, from a mobile phone (e.g. 0800-030-598,4128-678,02-4128-678)
# *Design.* The service links setting is not three addresses.
web-settings-service-links-format = three addresses (https:// or http://) separated by spaces: Individual Enrollment Data, My Health Bank, NHI Express APP
web-settings-database-connections = must be 1 to 1000 (got { $value })
web-settings-lease = must be 10 to 3600 seconds (got { $value })
web-settings-statement-timeout = must be 0 to 86400 seconds (got { $value })
# *Design.* The app client's base URL.
client-error-url = the base URL must be http://host[:port]/
# *Design.* The app client cannot connect.
# $source: the operating system's error
client-error-connect = cannot connect to the site: { $source }
# *Design.* The HTTP exchange failed.
# $source: the HTTP library's error
client-error-http = HTTP error: { $source }
# *Design.* An answer that is not the expected JSON.
# $status: the HTTP status
# $detail: what was wrong
client-error-unexpected = unexpected answer ({ $status }): { $detail }
# *Design.* The TOTP parameters cannot make a code.
client-error-totp = unusable TOTP parameters

## The site's script (assets/site.js)

site-js-unreachable = Cannot connect to the NHI card component. Please make sure it is installed and running (see the System Setting Instructions).
site-js-card-timeout = Reading the NHI card timed out. Please re-insert the card and try again.
site-js-busy = The system is busy. Please try again later.
site-js-reading-card = Reading the NHI card, please wait…
site-js-card-verified = The NHI card has been verified.
site-js-connection-ok = Server connection OK
site-js-connection-failed = Server connection failed
site-js-card-read = Card read
site-js-card-checked = Card verified
site-js-reader = Card reader
site-js-card-number = NHI card number
site-js-card-inserted = NHI card inserted
site-js-no-card = No NHI card inserted
site-js-no-reader = No card reader found
