# The citizen digital certificate card side (twnhi-pkcs11): the texts of `CertError` and of
# the token list. Arguments are documented in zh-TW/cert.ftl.

## Errors (`CertError`), codes 75xx

cert-error-module-not-found = PKCS#11 module not found: { $path } (install the HiCOS card component, or give the module with --module)
cert-error-module-not-loadable = cannot load the PKCS#11 module { $path }: { $reason }
cert-error-no-token = no certificate card found; insert the card into the reader
cert-error-wrong-pin = wrong PIN
cert-error-wrong-pin-count-low = wrong PIN; the card counts wrong PINs, few tries are left
cert-error-wrong-pin-final-try = wrong PIN; one try is left: the last before the PIN is locked
cert-error-pin-locked = the certificate PIN is locked; unblock it with the PUK at a household registration office or with the issuer's tools
cert-error-certificate-missing = no certificate with serial number { $serial } on the card
cert-error-key-missing = the card has no private key for the certificate { $serial }
cert-error-mechanism-unsupported = the card or its key cannot sign with { $scheme }
cert-error-pin-format = the PIN is empty, or too long or too short for the card
cert-error-certificate-malformed = a certificate on the card cannot be read: { $reason }
cert-error-token-removed = the card was removed during the operation
cert-error-token = the card's module reported an error: { $reason }

## The token list (`twnhi cert list`)

cert-pin-ok = PIN ok
cert-pin-count-low = wrong PINs entered
cert-pin-final-try = last try
cert-pin-locked = PIN locked

## twnhi cert list / sign (twnhi-cli)

cli-cert-token = Token
cli-cert-issuer = issued by { $issuer }
cli-cert-pin-prompt = Certificate PIN:
cli-cert-bad-serial = not a serial number in hex: { $serial }
