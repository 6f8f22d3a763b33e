# The storage ports (twnhi-store).

store-conflict = the data changed meanwhile
store-open = cannot open the database
store-migrate = database migration failed
store-schema-not-current = the database schema is not current ({ $pending } migration(s) pending, or the database is newer than this program); migrate it first with `twnhi admin db migrate` (or `twnhi serve --migrate`)
store-database = database error
store-corrupt = corrupt stored value in
store-disk-full = the database's disk is nearly full
store-import = registry import refused
store-bad-identifier = malformed identifier
store-unknown-audit-action = unknown audit action
store-unknown-audit-outcome = unknown audit outcome
store-unknown-letter-kind = unknown letter kind
store-line = line { $line }
store-import-errors = the registry file has { $count } error(s); nothing was imported
store-columns = expected { $expected } columns, found { $found }
store-name = the name must be 1 to 20 characters without control characters
store-birth-date = the birth date must be YYYY-MM-DD or ROC YYYMMDD
store-sex = sex must be M or F
store-sex-mismatch = sex does not agree with the ID number
store-card-status = card_status must be valid or revoked
store-header = the first line must be the header
store-card-repeated = card number already on line { $first }
store-two-valid-cards = this person already has a valid card on line { $first }
store-unterminated-quote = unterminated quoted field
