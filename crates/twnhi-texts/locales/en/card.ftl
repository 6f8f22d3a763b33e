# The NHI card stack (twnhi-card, twnhi-pcsc, twnhi-sim): the texts of `CardError`, of
# `BasicDataError` and of the card's fields. Arguments are documented in zh-TW/card.ftl.

## What was being done (`Operation`), used in `card-error-status` and `card-error-malformed`

card-operation-select = selecting the NHI application
card-operation-read-basic = reading the basic data
card-operation-read-card-id = reading the card id
card-operation-read-card-data = reading the card data
card-operation-get-challenge = getting the card challenge
card-operation-authenticate = card authentication

## The reader stack and the card's presence (`TransportError`)

card-error-service-unavailable = the PC/SC smart-card service is not running; start pcscd
card-error-no-reader = no card reader found; connect a reader
card-error-reader-unavailable = the card reader cannot be accessed
card-error-no-card = no card inserted
card-error-card-removed = the card was removed during the read
card-error-card-reset = the card was reset by another application
card-error-sharing-violation = the card is in use by another application
card-error-unresponsive = the card does not respond
card-error-transport-other = card read failed

## The card's answers

card-error-not-nhi-card = this card is not an NHI card
card-error-status = { $operation } failed (status { $status })
card-error-authentication-refused = card authentication failed: the card refused the authentication data
card-error-basic-data = basic data read failed ({ $reason })
card-error-malformed = unexpected response while { $operation }

## The basic data (`BasicDataError`)

card-basic-wrong-length = basic data has { $len } bytes, expected 57
card-basic-card-number = card number is not 12 digits
card-basic-id-number = ID number is malformed
card-basic-birth-date = birth date is not a valid date
card-basic-issue-date = issue date is not a valid date
card-basic-sex = sex is neither M nor F

## The card's fields

card-sex-male = male
card-sex-female = female

## The PC/SC library (twnhi-pcsc)

pcsc-load-error = cannot load the PC/SC library (reading real cards needs libpcsclite1 and pcscd): { $tried }
pcsc-library-unavailable = the PC/SC library cannot be loaded; install libpcsclite1

## The simulated card (twnhi-sim)

sim-unknown-mode = unknown card mode `{ $mode }` (use normal, t0, new-gen, wrong-le, other-card, remove-after=N, slow=MS, pad-nul, pad-space)
sim-identity-json = identity file is malformed: { $reason }
sim-identity-layout = identity does not fit the card layout: { $reason }
