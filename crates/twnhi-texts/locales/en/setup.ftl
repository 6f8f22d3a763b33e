# The setup page (/setup, templates/setup.html): the card component's download table per
# operating system, with SHA-256 sums of the release files, install and removal steps, and
# what to do when the check page shows 「伺服器連線失敗」. Arguments are documented in
# zh-TW/setup.ftl.

setup-dl-link = Download the card component
setup-dl-heading = Download the card component
setup-dl-intro = Check each file against its SHA-256 before installing it (Linux: sha256sum FILE; macOS: shasum -a 256 FILE; Windows PowerShell: Get-FileHash FILE).
setup-dl-col-os = Operating system
setup-dl-col-file = File and SHA-256
setup-dl-col-install = Install
setup-dl-col-remove = Remove
setup-dl-windows = Windows 10 / 11
setup-dl-mac = macOS 10.15 or later
setup-dl-debian = Linux: Debian / Ubuntu
setup-dl-fedora = Linux: Fedora / openSUSE
setup-dl-windows-install-html = Run the <code>.msi</code> (administrator rights). It installs the component, starts it at every login and now, and adds the check page to the Start menu. The <code>.zip</code> holds <code>twnhi.exe</code> alone: after unpacking it, run <code>twnhi.exe bridge autostart on</code>.
setup-dl-mac-install-html = Open the <code>.pkg</code> (unpack the <code>.zip</code> first) and follow the installer (administrator). It starts the component at every login and now; on macOS 13 or later allow it under System Settings → General → Login Items.
setup-dl-debian-install-html = <code>sudo apt install ./twnhi_…_amd64.deb</code> (it brings pcscd); the component starts at your next login, or now with <code>systemctl --user start twnhi-bridge</code>.
setup-dl-fedora-install-html = <code>sudo dnf install ./twnhi-….rpm</code>, then <code>sudo systemctl enable --now pcscd.socket</code>; the component starts at your next login.
setup-dl-windows-remove = Settings → Apps → twnhi bridge → Uninstall.
setup-dl-mac-remove-html = Open the removal <code>.pkg</code> (twnhi-bridge-remove), or run <code>sudo /usr/local/share/twnhi/uninstall.sh</code>.
setup-dl-debian-remove-html = <code>sudo apt purge twnhi</code>
setup-dl-fedora-remove-html = <code>sudo dnf remove twnhi</code>
setup-dl-none = No release of the card component is configured on this site, so there is nothing to download here. Install it from the source code (cargo install --locked --path crates/twnhi-cli, then twnhi bridge autostart on), or ask the site's operator.
setup-dl-sums-html = All sums: <a href="{ $url }">SHA256SUMS</a>
setup-fail-heading = The check page shows "Server connection failed"
setup-fail-intro = The browser cannot reach the card component on this computer. In every case: make sure no other program (such as the official component) uses port 7777, and allow "local network access" if the browser asks.
setup-fail-windows = Windows: Task Manager → Details must list twnhi.exe, and Task Manager → Startup apps must show "twnhi bridge" enabled. Start it from the Start menu, or reinstall the .msi.
setup-fail-mac-html = macOS: in Terminal, <code>launchctl print gui/$(id -u)/io.github.twnhi.bridge</code> must show the component; otherwise allow it under Login Items, or reinstall the .pkg.
setup-fail-linux-html = Linux: <code>systemctl --user status twnhi-bridge</code> must say "active (running)"; otherwise <code>systemctl --user start twnhi-bridge</code> (if masked, <code>systemctl --user unmask twnhi-bridge</code> first), and read <code>journalctl --user -u twnhi-bridge</code>.
