# Installing the card component: autostart at login and trusting the local CA in the
# browsers' NSS databases (twnhi-bridge's autostart and nss modules, `twnhi bridge autostart`,
# `twnhi bridge cert install|remove`, `twnhi generate`). Arguments are documented in
# zh-TW/install.ftl.

## Errors (`AutostartError`, `NssError`)

bridge-autostart-no-home = no home directory is known (HOME is not set)
bridge-autostart-file = cannot write or remove { $path }: { $source }
bridge-autostart-command = `{ $command }` failed: { $detail }
bridge-nss-no-certutil = certutil is not installed (Debian / Ubuntu: sudo apt-get install libnss3-tools; Fedora: sudo dnf install nss-tools)
bridge-nss-certutil = certutil failed on the database { $db }: { $detail }

## `twnhi bridge autostart`

cli-autostart-on = The card component now starts by itself when you log in ({ $how }).
cli-autostart-off = The card component no longer starts by itself ({ $how }).
cli-autostart-unsupported = Starting by itself is not supported on this system.

## `twnhi bridge cert install|remove`

cli-nss-added = trusted
cli-nss-already = already trusted
cli-nss-removed = removed
cli-nss-absent = not there
cli-nss-shared = Chrome / Chromium
cli-nss-firefox = Firefox
cli-nss-restart = Restart the browsers for the change to take effect.

## `twnhi generate`

cli-generate-wrote = wrote { $count } files into { $dir }

## The help of these commands (see cli-help.ftl for the scheme)

cli-help-bridge-autostart = Start the card component by itself at login, or no longer
    .label = Autostart
    .long =
        Start the card component by itself at login, or no longer

        Linux: a systemd user unit (the packages install one for every user; without them
        ~/.config/systemd/user/twnhi-bridge.service is written). macOS: a LaunchAgent in
        ~/Library/LaunchAgents. Windows: a value in the user's Run registry key.
cli-help-bridge-autostart-on = Start the card component at every login, and now
cli-help-bridge-autostart-off = No longer start the card component at login, and stop it
cli-help-bridge-cert-install = Trust the local CA in Chrome/Chromium (~/.pki/nssdb) and every Firefox profile, making the CA first if there is none (needs certutil)
    .label = Trust
cli-help-bridge-cert-remove = Remove the local CA from Chrome/Chromium and every Firefox profile
    .label = Remove
cli-help-generate = Man pages and shell completions, for building packages
cli-help-generate-man = Write the man pages (twnhi.1 and one per subcommand) into DIR
cli-help-generate-completions = Write the bash, zsh and fish completions into DIR
cli-help-generate--dir = Directory to write into (created if missing)
cli-help-serve--release-sums = The card component release's SHA256SUMS file: the setup page lists its files with their SHA-256 (docs/install.md)
    .label = Release sums
cli-help-serve--release-url = Where the release's files are downloaded from, e.g. https://github.com/twnhi/twnhi/releases/download/v0.1.0/
    .label = Release URL
