#!/bin/sh
# Removes the card component that twnhi-bridge.pkg installed: stops the LaunchAgent of every
# logged-in user, deletes the files and forgets the package receipt. The users' own files
# (~/.config/twnhi, the CA they trusted) stay: `twnhi bridge cert remove` before this removes
# the CA from the browsers. Run as root: sudo /usr/local/share/twnhi/uninstall.sh
# (twnhi-bridge-remove.pkg runs it).
set -u
plist=/Library/LaunchAgents/io.github.twnhi.bridge.plist
if [ "$(id -u)" != 0 ]; then
    echo "run as root: sudo $0" >&2
    exit 1
fi
for user in $(who | awk '{print $1}' | sort -u); do
    uid=$(id -u "$user" 2>/dev/null) || continue
    launchctl bootout "gui/$uid/io.github.twnhi.bridge" 2>/dev/null || true
done
rm -f "$plist" /usr/local/bin/twnhi
rm -f /usr/local/share/man/man1/twnhi.1.gz /usr/local/share/man/man1/twnhi-*.1.gz
rm -rf /usr/local/share/twnhi
pkgutil --forget io.github.twnhi.bridge >/dev/null 2>&1 || true
echo "twnhi bridge removed"
exit 0
