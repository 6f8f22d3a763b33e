# The command line's help (`twnhi --help`, `twnhi <command> -h`), one entry per command and
# argument: `cli-help` is `twnhi` itself, `cli-help-card-read` is `twnhi card read`,
# `cli-help-card-read--wait` its argument `wait` (the argument's id, `_` written `-`). An
# argument looked up under a command's entry serves the whole family below it
# (`cli-help-admin--db` is `--db` of every `twnhi admin …` command) unless a nearer entry
# exists. crates/twnhi-cli/src/help.rs reads this file.
#
# The value is the one-line help in this language, `.long` the long help (`--help`) when it
# says more, `.label` a short label. The help of twnhi prints a labelled entry as the zh-TW
# label then the English help (「列出讀卡機 List the card readers …」), an entry without a
# label in English.

## twnhi

cli-help = (NHI Card Online Services Registration), open source
    .label = twnhi — NHI Card Online Services Registration
    .long =
        (NHI Card Online Services Registration), open source.

        Reads Taiwan NHI cards over PC/SC, simulates cards for development, runs the local card component browsers talk to (`bridge`), checks ID numbers and passwords, previews letters, and manages the registry of insured persons.

        Exit codes: 0 success · 1 failure · 2 bad usage or bad input · 3 environment (no PC/SC service, no reader, no card) · 4 card error.
cli-help--log = Log filter for diagnostics on stderr (e.g. `info`, `twnhi_pcsc=debug`)

## twnhi demo

cli-help-demo = The whole system in one process: site, synthetic registry, simulated card, mailbox
    .label = Demo
cli-help-demo--data-dir = Data directory: the SQLite database, the key files, the mailbox and the announcements file (default: `twnhi-demo` in the system's temporary directory). Kept between runs: the same people, registrations and letters
    .label = Data directory
cli-help-demo--listen = Address of the site (loopback only: the demo serves plain http)
    .label = Site address
cli-help-demo--bridge-listen = Address of the in-process card bridge
    .label = Card bridge address
cli-help-demo--people = How many synthetic people the registry holds
    .label = Synthetic people
cli-help-demo--fresh = Delete the data directory first (a fresh demo)
cli-help-demo--database-url = A PostgreSQL database (`postgres://user@host/db`, migrated at start) instead of the SQLite file in the data directory. `--fresh` does not empty it
    .label = Start over
cli-help-demo--cert-token = Where the people's simulated citizen certificates and keys are kept: `auto` SoftHSM2 tokens when SoftHSM2 is installed, else in-process software tokens; `soft` in-process software tokens; `softhsm` SoftHSM2 tokens (in a temporary directory removed when the demo stops) [default: auto]

## twnhi serve

cli-help-serve = Run the registration site (pages and the app API) over SQLite
    .label = Site
cli-help-serve--config = Configuration file (TOML; keys are the flags' names with `_`)
    .label = Configuration file
cli-help-serve--print-config = Print the effective settings (flags, environment, file and defaults merged; secrets masked) as TOML and exit
    .label = Show settings
cli-help-serve--listen = Address to listen on [default: 127.0.0.1:8080]
    .label = Listen address
cli-help-serve--public-url = The site's public URL (links in letters, the origin of form posts), e.g. `https://nhi.example.org/`. Required
    .label = Site URL
cli-help-serve--database-url = Database: `postgres://user@host/db` (PostgreSQL), a path or `sqlite://PATH` (SQLite) [default: twnhi.sqlite3]
    .label = Database
cli-help-serve--smtp-url = SMTP relay, e.g. `smtp://mail.example.org:587?tls=starttls` (user name and password in the URL or in TWNHI_SMTP_USER / TWNHI_SMTP_PASSWORD). Either this or `--mail-dir`
    .label = Mail server
cli-help-serve--smtp-user = SMTP user name
cli-help-serve--smtp-password = SMTP password (prefer the environment variable to the flag)
cli-help-serve--mail-dir = Write letters as `.eml` files into this directory instead of sending them
    .label = Mail directory
cli-help-serve--mail-from = Sender address of the letters [default: noreply@ the public URL's host]
    .label = Sender address
cli-help-serve--sam-key-file = The software SAM's master key file (created, mode 0600, when missing) [default: sam-master.key]
    .label = SAM key file
cli-help-serve--server-key-file = The key of one-time secrets, sealed letters and CSRF tokens (created, mode 0600, when missing) [default: server.key]
    .label = Server key file
cli-help-serve--service-hours = Service hours in Taipei time [default: 06:00-24:00]
    .label = Service hours
cli-help-serve--bridge-origin = Origin of the card bridge the pages talk to [default: http://127.0.0.1:7777]
    .label = Card bridge
cli-help-serve--announcements = The announcements file the operator edits
    .label = Announcements
cli-help-serve--insecure-http = Serve plain http with cookies without `Secure` — only on loopback with an http://127.0.0.1 or http://localhost public URL (local trials)
cli-help-serve--trust-forwarded-for = Take the client address from X-Forwarded-For (behind a reverse proxy that sets it)
cli-help-serve--migrate = PostgreSQL: apply this program's pending migrations at start (off: an outdated schema is refused; migrate once with `twnhi admin db migrate`). A SQLite file is always migrated
cli-help-serve--replicas = How many replicas share the site behind one load balancer: each enforces 1/N of the per-address request limits (default: 1)
cli-help-serve--outbox-lease-secs = Seconds a letter claimed by this replica's outbox worker stays reserved for it; after a crash another replica sends it when the lease ends (default: 120)
cli-help-serve--cert-trust = Trust anchors of the citizen certificate login (PEM or DER; repeat or separate with commas). Without any, the certificate pages say the service is not configured
cli-help-serve--cert-intermediate = Intermediate CA certificates of the certificate login (PEM or DER)
cli-help-serve--cert-crl = CRLs of the certificate login: files (PEM or DER) or http:// URLs, reloaded every --cert-crl-refresh-minutes
cli-help-serve--cert-crl-refresh-minutes = Minutes between reloads of the CRLs; a failed reload keeps the last good CRLs (default: 60)
cli-help-serve--cert-ocsp = OCSP check of each certificate at login: the responder's http:// URL, or `aia` for the responder the certificate names
cli-help-serve--cert-identity = Certificate ↔ ID number table: lines `ID number,certificate file` (relative to the table's directory)
cli-help-serve--session-idle-minutes = Minutes without a request after which a browser session ends [default: 20]
    .label = Idle timeout
cli-help-serve--database-max-connections = PostgreSQL: the most database connections of this process [default: 10]
cli-help-serve--database-statement-timeout = PostgreSQL: seconds after which a statement is cancelled, 0 for the server's setting [default: 30]
cli-help-serve--app-token-minutes = App token lifetime in minutes [default: 15]
cli-help-serve--hotline = The hotline's numbers the letters print: toll-free, without area code, from a mobile phone, separated by commas [default: 0800-030-598,4128-678,02-4128-678]
cli-help-serve--service-links = The online services the completion letter lists: Individual Enrollment Data, My Health Bank and NHI Express APP, three URLs separated by spaces [default: the manual's]

## twnhi card

cli-help-card = NHI card: list readers, read, watch, decode, simulate
    .label = NHI card
cli-help-card-readers = List the card readers PC/SC knows, with the card in each
    .label = List readers
cli-help-card-readers--json = Print JSON instead of a table
cli-help-card-read = Read the basic data of the NHI card in a reader
    .label = Read card
    .long =
        Read the basic data of the NHI card in a reader

        Reads the card number, name, ID number, birth date, sex and issue date with one
        PC/SC transaction (SELECT + GET DATA), sharing the reader with other software.

        Examples:
          twnhi card read
          twnhi card read --wait 30 --json
          twnhi card read --reader "Virtual PCD 00 00"
cli-help-card-read--reader = Reader to use (default: the first reader holding a card, NHI cards first)
cli-help-card-read--wait = Wait up to SECS seconds for a card to be inserted (0 = do not wait)
cli-help-card-read--json = Print JSON (fields card_no, name, name_lossy, id_no, birth_date, sex, issue_date, reader)
cli-help-card-watch = Watch readers and cards being added and removed, until Ctrl-C
    .label = Watch
cli-help-card-watch--json = Print one JSON object per line
cli-help-card-watch--max-events = Stop after this many events (default: run until interrupted)
cli-help-card-decode = Decode a basic-data response given in hex (57 bytes, or 59 ending in 90 00)
    .label = Decode
    .long =
        Decode a basic-data response given in hex (57 bytes, or 59 ending in 90 00)

        Example:
          twnhi card decode "30 30 30 30 31 31 … 90 00"
cli-help-card-decode--hex = The response in hex; spaces allowed (quote it)
cli-help-card-decode--json = Print JSON
cli-help-card-sim = Attach a simulated NHI card to vsmartcard-vpcd until Ctrl-C
    .label = Simulated card
    .long =
        Attach a simulated NHI card to vsmartcard-vpcd until Ctrl-C

        The card then appears to every PC/SC application in the reader "Virtual PCD 00 00".
        Needs pcscd running with the vsmartcard-vpcd driver installed.

        Modes (combine with commas): normal, t0 (61xx + GET RESPONSE), new-gen (SELECT
        answers 6D 00), wrong-le (6Cxx), other-card (not an NHI card), remove-after=N
        (pulled out after answering N commands), slow=MS (each answer takes MS ms), pad-nul
        (the name padded with NUL bytes, as issued cards have it) or pad-space (padded with
        spaces, the default).

        Examples:
          twnhi card sim
          twnhi card sim --identity person.json --mode t0,slow=20
cli-help-card-sim--vpcd = vpcd address of the virtual reader (35963 = "Virtual PCD 00 00", 35964 = "… 00 01")
cli-help-card-sim--identity = Identity file (JSON) of the card holder; default: a built-in synthetic person
cli-help-card-sim--mode = Fault modes, comma-separated (see above)

## twnhi bridge

# `twnhi bridge` itself: cli-bridge-about and cli-bridge-long-about in cli.ftl.

cli-help-bridge--listen = Address to listen on [default: 127.0.0.1:7777]. Anything but loopback lets other machines reach the bridge (a warning is printed)
cli-help-bridge--allow-origins = Origin allowed to use the bridge besides loopback origins, e.g. https://nhi.example.org (repeat, or comma-separated in the variable)
cli-help-bridge--no-loopback-origins = Do not allow loopback origins (http(s)://localhost, 127.0.0.1, [::1]); the bridge's own check page keeps working
cli-help-bridge--allow-null-origin = Allow the origin `null` (pages opened from file:// in some browsers — and sandboxed frames of any site: only on a machine you control)
cli-help-bridge--allow-hosts = Host name accepted in requests besides localhost and loopback addresses, e.g. iccert.nhi.gov.tw when the hosts file maps it to 127.0.0.1 (repeat; `*` accepts any)
cli-help-bridge--reader = Reader to use when a request names none [default: the first reader holding a card]
cli-help-bridge--max-clients = Most simultaneous clients (WebSocket connections and HTTP requests) [default: 64]
cli-help-bridge--max-frame = Largest WebSocket message accepted, in bytes [default: 16384]
cli-help-bridge--max-connections = Most open HTTP connections besides WebSockets; at the cap the one waiting longest for a request is closed [default: 256]
cli-help-bridge--header-timeout = Seconds a connection has to send a request head (and finish a TLS handshake) [default: 10]
cli-help-bridge--idle-timeout = Seconds after which a WebSocket that sent nothing, not even a pong, is closed [default: 60]. Must be longer than --ping-interval
cli-help-bridge--ping-interval = Seconds between the pings sent on every WebSocket; browsers answer them by themselves, so an open page keeps its connection [default: 20]
cli-help-bridge--tls-cert = Serve https:// and wss:// with this certificate chain (PEM; see `twnhi bridge cert`)
cli-help-bridge--tls-key = The private key of --tls-cert (PEM)
cli-help-bridge--sim = Use a simulated reader holding a demo card instead of PC/SC (no hardware needed)
cli-help-bridge--sim-identity = Identity file (JSON, as for `twnhi card sim`) of the simulated card; implies --sim
cli-help-bridge--pkcs11-module = The PKCS#11 module of the certificate cards (default: the HiCOS module's usual path on this system: HiCOSPKCS11.dll, libHicos_p11v1.dylib or libHicos_p11v1.so). Without it, certificate requests answer "module not found" (7501); NHI card requests keep working
cli-help-bridge--config = Configuration file (TOML) [default: ~/.config/twnhi/bridge.toml if it exists]
cli-help-bridge--print-config = Print the effective configuration (flags, environment, file and defaults merged) as TOML and exit
cli-help-bridge-cert = Write the local CA and a localhost certificate for wss:// / https://
    .label = Local certificate
    .long =
        Write the local CA and a localhost certificate for wss:// / https://

        Creates (once) a certificate authority that may only certify localhost, 127.0.0.0/8,
        ::1 and the names given with --name, and issues a server certificate with it. Run it
        again to renew the server certificate: the CA is kept, so browsers keep trusting it.
        Prints how to make Chromium, Firefox and the system trust the CA.

        Examples:
          twnhi bridge cert
          twnhi bridge cert --name iccert.nhi.gov.tw   # pages written for the official component
cli-help-bridge-cert--out = Directory to write ca.pem, ca-key.pem, localhost.pem, localhost-key.pem into [default: ~/.config/twnhi/bridge-tls]
cli-help-bridge-cert--names = Extra DNS name for the certificate (repeat), e.g. iccert.nhi.gov.tw
cli-help-bridge-cert--new-ca = Make a new CA even if DIR holds one (browsers must then trust the new one)

## twnhi id

cli-help-id = ID numbers: check format, check digit, kind and sex
    .label = ID numbers
cli-help-id-check = Check ID numbers (national, resident new and old format); exit 0 when all are valid
cli-help-id-check--ids = ID numbers to check: national ID numbers or resident certificate numbers (new or old format)
cli-help-id-check--json = Print one JSON object per line instead of text

## twnhi password

cli-help-password = Registration passwords: check against the password rules
    .label = Registration passwords
cli-help-password-check = Check one password read from stdin: strength and every rule it breaks
cli-help-password-check--json = Print one JSON object instead of text
cli-help-password-check--id = The person's ID number: the password must not contain it
cli-help-password-check--card-no = The person's NHI card number (12 digits): the password must not contain it
cli-help-password-check--birth = The person's birth date (YYYY-MM-DD, YYYY/MM/DD, ROC YYYMMDD or 民國Y年M月D日): the password must not contain it

## twnhi mail

cli-help-mail = Letters: preview every letter, send a test letter over SMTP
    .label = Letters
cli-help-mail-render = Write `.eml` previews of a letter (or `all`) with sample data
cli-help-mail-render--letter = The letter to preview: confirmation, completion, password-reset, cancellation, deleted, email-change, email-changed, password-changed, or `all`
    .label = Letter
cli-help-mail-render--lang = Only this language (`zh-TW` or `en`). Without it the preview is bilingual, zh-TW first, exactly as the letter is sent
    .label = One language only
cli-help-mail-render--out = Directory for the `.eml` files (created if missing)
    .label = Output directory
cli-help-mail-send-test = Send one letter with sample data through an SMTP server
cli-help-mail-send-test--smtp = The SMTP server: `smtp://host[:port]` (STARTTLS, required), `smtps://host[:port]` (implicit TLS), `smtp://127.0.0.1:2525?tls=none` (plain, loopback only); `user:password@` for AUTH; `?timeout=SECONDS`. Prefer the environment variable to keep a password out of the process list
    .label = SMTP server
cli-help-mail-send-test--to = The recipient
    .label = Recipient
cli-help-mail-send-test--letter = The letter to send (sample data)
    .label = Letter
cli-help-mail-send-test--from = The sender address (shown as 「衛生福利部中央健康保險署」)
    .label = Sender address
cli-help-mail-send-test--ca-cert = An extra root certificate (PEM) to trust, for a relay with a private CA
    .label = Extra trusted root certificate

## twnhi qr

cli-help-qr = Draw a QR code in the terminal, or write it as PNG or SVG
    .label = QR code
cli-help-qr--text = The text to encode (e.g. a device verification code)
    .label = Content
cli-help-qr--png = Write a PNG image to FILE instead of drawing in the terminal
    .label = PNG output
cli-help-qr--svg = Write an SVG image to FILE instead of drawing in the terminal
    .label = SVG output
cli-help-qr--light = Draw for a terminal with a light background (default: dark background)
    .label = Light terminal
cli-help-qr--scale = Pixels per module of the PNG
    .label = PNG pixels per module

## twnhi admin

cli-help-admin = Registry of insured persons and the counter's work: import, demo, suspend, reinstate, show
    .label = Administration
cli-help-admin-registry = The registry of insured persons: import a CSV file, generate demo people
    .label = Registry
cli-help-admin-registry-import = Import insured persons from a CSV file (header: card_number, id_number, name, birth_date, sex, card_status, household_id, county, township, village, neighborhood). The file is read as a stream, never whole: every row is checked first, and nothing is written unless all are right; then the rows are written in batches
    .label = Import
cli-help-admin-registry-import--file = The CSV file (UTF-8)
cli-help-admin-registry-import--batch = Rows written per transaction. A failure while writing (of the database) leaves the earlier batches written; importing the same file again is safe and completes the import (rows already written are written again with the same values)
cli-help-admin--db = Database: `postgres://user@host/db` (PostgreSQL), `sqlite://path/file.sqlite3` or a file path (SQLite). Default: twnhi.sqlite3 in the data directory
    .label = Database
cli-help-admin-registry-demo = Write synthetic insured persons (registry.csv) and a simulated-card identity file per person (cards/*.json), card keys derived from the SAM master key
    .label = Demo data
cli-help-admin-registry-demo--count = How many persons (at most 100,000 with card files, 10,000,000 with `--no-cards`)
    .label = Persons
cli-help-admin-registry-demo--out = Output directory (created if missing)
cli-help-admin-registry-demo--no-cards = Write registry.csv only, no card files (a large registry for import benchmarks)
    .label = Output directory
cli-help-admin-registry-demo--sam-key = The SAM master key file (created with mode 0600 when missing). Default: sam-master.key in the data directory
    .label = SAM master key file
cli-help-admin-suspend = Suspend a registration at a counter: no more logins, sessions and app tokens end
    .label = Suspend
cli-help-admin--id = The ID number
    .label = ID number
cli-help-admin--operator = Who does it (recorded in the audit trail)
    .label = Operator
cli-help-admin-reinstate = Reinstate a suspended registration at a counter
    .label = Reinstate
cli-help-admin-show = Show a person's registrations: state, masked contacts, devices, letters and the audit trail (no secrets)
    .label = Show
cli-help-admin-outbox = The mail outbox: list letters, send given-up letters again
    .label = Mail outbox
cli-help-admin-outbox-list = List the newest letters (no contents: kind, state, attempts, last error)
    .label = List
    .long =
        List the newest letters (no contents: kind, state, attempts, last error).

        Example: `twnhi admin outbox list --status failed`
cli-help-admin-outbox-list--status = Only letters in this state: pending, sent or failed
    .label = State
cli-help-admin-outbox-list--limit = How many, newest first
    .label = Count
cli-help-admin-outbox-retry = Put given-up letters back in the queue, attempts counted from zero (a running `twnhi serve` sends them within seconds). Letters given up more than a week ago have had their contents wiped and cannot be sent again
    .label = Retry
    .long =
        Put given-up letters back in the queue, attempts counted from zero (a running `twnhi serve` sends them within seconds). Letters given up more than a week ago have had their contents wiped and cannot be sent again.

        Examples: `twnhi admin outbox retry --all`, `twnhi admin outbox retry 3f9c…`
cli-help-admin-outbox-retry--id = The letter (its identifier from `list`)
cli-help-admin-outbox-retry--all = Every given-up letter
cli-help-admin-outbox-test = Queue sample letters (a completion letter with a sample name) to an address through the outbox, to check that the running sites' workers deliver them. Needs the sites' server key file (letters are sealed with it)
cli-help-admin-outbox-test--to = The recipient (the operator's own mailbox)
cli-help-admin-outbox-test--count = How many letters
cli-help-admin-outbox-test--server-key-file = The sites' server key file (not created: it must exist)
cli-help-admin-db = The database itself: bring its schema up to this program's
cli-help-admin-db-migrate = Apply this program's pending migrations (PostgreSQL: run once before starting or upgrading the replicas of `twnhi serve`, which do not migrate unless `--migrate`). Safe to run again: a current schema is left as it is
cli-help-admin-db-copy = Copy a deployment's SQLite file into a new PostgreSQL database (migrated if new, refused unless empty), table by table, verified by row counts. Stop `twnhi serve` first: the source is read as one snapshot
cli-help-admin-db-copy--from = The source: `sqlite://path/file.sqlite3` or a file path
cli-help-admin-db-copy--to = The destination: `postgres://user@host/db`

## twnhi cert verify

cli-help-cert = Citizen digital certificates
    .label = Citizen certificate
cli-help-cert-verify = Verify a certificate: trusted roots, validity, key usage, revocation
    .label = Verify certificate
    .long =
        Verify a certificate: trusted roots, validity, key usage, revocation

        Builds a chain from the certificate through intermediates to a trusted root (--trust) and checks every signature and validity period, the extended key usage (clientAuth, when present) and the key usage (digitalSignature); with --crl, checks revocation and refuses a certificate whose issuer no CRL covers or whose CRL is past its next update.

        Exit codes: 0 valid (a summary on stdout) · 1 invalid (the reason and its code on stderr) · 2 bad input (a file unreadable, not PEM/DER, a bad time).

        Examples:
          twnhi cert verify --trust moica-root.pem --intermediate moica.pem --crl moica.crl citizen.pem
          twnhi cert verify --trust root.pem --at 2025-01-31T12:00:00+08:00 citizen.pem
cli-help-cert-verify--trust = Trusted root certificates (PEM, one or more a file; repeatable)
cli-help-cert-verify--intermediate = Intermediate CA certificates (PEM; repeatable)
cli-help-cert-verify--crl = Certificate revocation lists: files (PEM or DER) or http:// URLs (repeatable)
cli-help-cert-verify--ocsp = Ask an OCSP responder for the certificate's status: its http:// URL, or `aia` for the responder the certificate names
cli-help-cert-verify--at = Verify at this time instead of now (RFC 3339)
cli-help-cert-verify--json = Print JSON
cli-help-cert-verify--cert = The certificate to verify (PEM or DER; further certificates in the file are taken as intermediates)

## twnhi cert list / sign

cli-help-cert--module = The PKCS#11 module of the certificate card (default: the HiCOS module's usual path on this system: HiCOSPKCS11.dll, libHicos_p11v1.dylib or libHicos_p11v1.so)
cli-help-cert-list = List the certificate cards (PKCS#11 tokens) and their certificates
    .label = List certificates
    .long =
        List the certificate cards (PKCS#11 tokens) and their certificates

        One line per card (slot, label, manufacturer, serial number, PIN state), then one indented line per certificate: serial number, key, validity, subject, issuer. No PIN is needed.

        Exit codes: 0 listed · 3 no module, no card · 4 the card's error.

        Examples:
          twnhi cert list
          twnhi cert list --module /usr/lib/softhsm/libsofthsm2.so --json
cli-help-cert-list--json = Print JSON (fields module, tokens, certificates)
cli-help-cert-sign = Sign data with a certificate's private key on the card; the PIN is read from stdin
    .label = Sign
    .long =
        Sign data with a certificate's private key on the card; the PIN is read from stdin

        The PIN is one line of stdin (asked for without echo on a terminal), never an argument. The signature is printed in base64: RSA PKCS#1 v1.5 or PSS with SHA-256, or ECDSA P-256 with SHA-256 in DER.

        Exit codes: 0 signed · 2 bad input · 3 no module, no card · 4 wrong PIN, PIN locked, no such certificate or key, scheme not supported.

        Examples:
          twnhi cert sign --cert 1A2B3C4D --data-hex 00112233
          printf '%s\n' "$PIN" | twnhi cert sign --cert 1A2B3C4D --data-hex 00112233 --scheme pss-sha256
cli-help-cert-sign--cert = The certificate's serial number in hex, as `twnhi cert list` shows it (colons allowed)
cli-help-cert-sign--data-hex = The data to sign in hex (a server's challenge)
cli-help-cert-sign--scheme = The signature scheme: pkcs1-sha256, pss-sha256 or ecdsa-p256-sha256
