# The command line (twnhi-cli): its messages. The CLI prints both languages on one line.

## Every command

cli-error = error
cli-internal-error = internal error, please report it
cli-runtime = cannot start the runtime
cli-async-runtime = cannot start the async runtime
cli-cannot-read = cannot read { $path }
cli-cannot-write = cannot write { $path }
cli-stdout = cannot write to stdout

## twnhi notify

cli-sent = sent

## twnhi serve

cli-mail-settings = unsupported mail settings
cli-sam-key-file = SAM key file
cli-server-key-file = server key file
cli-database = database
cli-db-migrated = { $database }: schema current ({ $applied } migration(s) applied now)
cli-db-copy-direction = `twnhi admin db copy` copies a SQLite file (--from) into a PostgreSQL database (--to)
cli-db-copied = { $tables } tables, { $rows } rows copied into { $to } in { $seconds } s; the counts match
cli-db-copy-schema = the two databases' schemas differ (run both with the same twnhi): { $detail }
cli-db-copy-not-empty = the destination's table { $table } already holds { $rows } row(s): copy into a new, empty database
cli-db-copy-value = table { $table }, column { $column }: a value does not convert ({ $reason })
cli-db-copy-count = table { $table }: { $read } row(s) read, { $destination } in the destination
cli-test-letters-queued = { $count } sample letter(s) queued; the running sites send them within seconds
cli-import-rate = { $rows } rows written in { $seconds } s ({ $rate } rows/s)
cli-demo-too-many-cards = more than 100,000 persons only with --no-cards (registry.csv alone)
cli-database-read-only = the database cannot be written (read-only, no permission or disk full)
cli-serve-title = twnhi serve
cli-listening-on = listening on

## twnhi admin

cli-admin-runtime = cannot start the runtime
cli-cannot-create-dir = cannot create { $path }
cli-imported = imported
cli-registration = registration
cli-id-number = ID
cli-state = state
cli-applied = applied
cli-verified = verified
cli-cancelled = cancelled
cli-mobile = mobile
cli-device = device
cli-letter = letter
cli-audit-trail = audit trail
cli-outbox = outbox
cli-bad-letter-id = malformed letter identifier
cli-no-letter-to-requeue = no such letter to send again (unknown, not given up, or its contents were wiped)
cli-requeued = requeued

## twnhi bridge, twnhi card, twnhi demo

cli-warning = warning
cli-note = note
cli-cannot-read-identity = cannot read identity file { $path } ({ $error })

## twnhi bridge

cli-bridge-about = Run the local NHI card component browsers talk to
cli-bridge-long-about =
    A localhost service that replaces the official mNHIICC / mLNHIICC component: web pages talk
    to it over WebSocket and HTTP, it reads the NHI card through PC/SC (pcscd), one operation at
    a time per reader, and pushes reader and card changes to the pages.

    It serves:
      /         the environment check page 檢測健保卡認證 (open it in a browser)
      /echo     the official component's text protocol (GetVersion, GetBasic, GetRandom)
      /v1/...   the JSON protocol: GET /v1/status, /v1/readers, /v1/readers/{"{"}reader{"}"}/card,
                WebSocket /v1/ws (docs/bridge-protocol.md)

    Only pages from allowed origins get card data: loopback origins (http(s)://localhost and
    127.0.0.1 on any port, where `twnhi serve` and `twnhi demo` run) plus the origins given with
    --allow-origin (your registration site). The bridge keeps running while pcscd is stopped
    (requests answer 7001) and picks up again when it returns. Ctrl-C or SIGTERM stops it
    gracefully.

    Configuration, highest priority first: flags, TWNHI_BRIDGE_* environment variables, the
    configuration file (TOML; --config, else ~/.config/twnhi/bridge.toml when it exists), defaults.
    --print-config shows the result.

    Examples:
      twnhi bridge
      twnhi bridge --allow-origin https://nhi.example.org
      twnhi bridge --sim                            # no reader: a simulated card in process
      twnhi bridge cert                             # make the local CA for wss:// (once)
      twnhi bridge --tls-cert ~/.config/twnhi/bridge-tls/localhost.pem \
                   --tls-key ~/.config/twnhi/bridge-tls/localhost-key.pem
      TWNHI_LOG=info twnhi bridge --listen 127.0.0.1:7778
cli-bridge-config-file = Configuration file (TOML, every key optional; `twnhi bridge --print-config` prints all):
cli-bridge-systemd = Running it as a systemd user service: packaging/systemd/twnhi-bridge.service and docs/bridge.md.
cli-bridge-exit-codes =
    Exit codes: 0 stopped normally · 1 could not start (port in use, TLS files) · 2 bad
    configuration.
cli-bridge-json-config = the JSON configuration file is no longer read: write it as { $file } (TOML)
cli-bridge-sim-card = simulated card
cli-bridge-reader = reader
cli-bridge-any-port = any port
cli-bridge-component = NHI card component
cli-bridge-check-page = check page
cli-bridge-legacy = legacy
cli-bridge-json = JSON protocol
cli-bridge-cards = cards
cli-bridge-origins = origins
cli-bridge-non-loopback = listening on a non-loopback address: other machines can reach the bridge
cli-bridge-to-stop = to stop
cli-bridge-no-home = no home directory: give --out DIR
cli-bridge-ca-created = created a new local certificate authority
cli-bridge-ca-kept = kept the existing CA, renewed the server certificate
cli-bridge-ca-cert = CA certificate
cli-bridge-ca-key = CA key (0600)
cli-bridge-server-cert = server cert
cli-bridge-server-key = server key (0600)
cli-bridge-names = names
cli-bridge-trust-ca = Trust the CA (once per machine)
cli-bridge-trust-chromium = Chromium / Chrome (Linux, NSS; package libnss3-tools)
cli-bridge-trust-firefox = Firefox (each profile; snap Firefox: ~/snap/firefox/common/.mozilla/firefox)
cli-bridge-trust-firefox-settings = or Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import
cli-bridge-trust-debian = System store, Debian / Ubuntu
cli-bridge-trust-fedora = System store, Fedora
cli-bridge-ca-scope = The CA can only certify localhost, 127.0.0.0/8, ::1 and the names above.
cli-bridge-restart-browsers = Restart the browsers afterwards.
cli-bridge-run = Run

## twnhi card

cli-card-no-reader = no card reader found
cli-card-no-card = no card
cli-card-nhi-card = NHI card
cli-card-professional-card = health professional card
cli-card-other-card = other card
cli-card-waiting = waiting for an NHI card… (Ctrl-C to stop)
cli-card-roc-date = { $date } (ROC { $year }/{ $month }/{ $day })
cli-card-note = {" "}({ $note })
cli-card-reader = Reader
cli-card-card-no = Card no.
cli-card-name = Name
cli-card-id-no = ID no.
cli-card-birth-date = Birth date
cli-card-sex = Sex
cli-card-issue-date = Issue date
cli-card-name-lossy = some characters could not be decoded
cli-card-male = M
cli-card-female = F
cli-card-waiting-service = waiting for it to start
cli-card-reader-added = reader added
cli-card-reader-removed = reader removed
cli-card-inserted = card inserted
cli-card-removed = card removed
cli-card-bad-hex = not valid hex ({ $error })
cli-card-bad-status = the status word is not 90 00 ({ $sw })
cli-card-bad-length = { $n } bytes; expected 57, or 59 ending in 90 00
cli-card-no-vpcd = cannot reach vpcd at { $vpcd }: is pcscd running with vsmartcard-vpcd installed? ({ $error })
cli-card-sim-inserted = simulated NHI card inserted ({ $name }, mode { $mode }) via vpcd { $vpcd }.
cli-card-sim-remove = Ctrl-C to remove.
cli-card-sim-removed = simulated card removed after answering { $count } commands

## twnhi demo

cli-demo-cannot-delete = cannot delete { $path }
cli-demo-title = NHI Card Online Services Registration demo
cli-demo-site = Site
cli-demo-mailbox = Mailbox
cli-demo-switch-card = Switch card
cli-demo-card-bridge = Card bridge
cli-demo-data-dir = Data directory
cli-demo-letters = Letters (.eml)
cli-demo-people = Synthetic people
cli-demo-each-has-card = each has a simulated card
cli-demo-card = card
cli-demo-household = household
cli-demo-in-reader = in the reader
cli-demo-synthetic = Plain http on 127.0.0.1 only; every person is synthetic.
cli-demo-stop = Press Ctrl-C to stop.
cli-demo-cert-cards = Certificates
cli-demo-cert-softhsm = SoftHSM2 tokens, PIN { $pin }
cli-demo-cert-soft = in-process software tokens, PIN { $pin }
cli-demo-no-softhsm = SoftHSM2 is not installed (Debian package softhsm2)
cli-demo-softhsm-dir = cannot make the SoftHSM2 directory { $path }
cli-demo-softhsm-start = cannot start the demo with SoftHSM2
cli-demo-softhsm-child = SOFTHSM2_CONF is not set
