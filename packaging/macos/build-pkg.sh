#!/bin/sh
# Builds the macOS installer of the card component and its removal package, as the official
# component ships them (NHI.Card.Mac.pkg, NHI.Mac.Remove.pkg):
#
#   twnhi-bridge-VERSION.pkg         /usr/local/bin/twnhi, the LaunchAgent
#                                    /Library/LaunchAgents/io.github.twnhi.bridge.plist (every
#                                    user, at login), man pages, the uninstaller
#                                    /usr/local/share/twnhi/uninstall.sh
#   twnhi-bridge-remove-VERSION.pkg  runs that uninstaller (no payload)
#
# Runs on macOS only (pkgbuild, productbuild, productsign come with Xcode's command-line
# tools); the release workflow calls it on a macOS runner. It cannot run on Linux
# (docs/install.md).
#
# Usage: packaging/macos/build-pkg.sh BINARY VERSION OUTDIR [MANDIR]
#   BINARY   the twnhi executable (universal: lipo of x86_64 and arm64)
#   MANDIR   gzipped man pages from `twnhi generate man` (optional)
# Environment:
#   MACOS_INSTALLER_IDENTITY  "Developer ID Installer: …" to sign with productsign (optional)
set -eu

binary=$1
version=$2
out=$3
mandir=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

root="$work/root"
install -d "$root/usr/local/bin" "$root/Library/LaunchAgents" "$root/usr/local/share/twnhi" \
    "$root/usr/local/share/man/man1"
install -m 0755 "$binary" "$root/usr/local/bin/twnhi"
install -m 0644 "$here/io.github.twnhi.bridge.plist" "$root/Library/LaunchAgents/"
install -m 0755 "$here/uninstall.sh" "$root/usr/local/share/twnhi/uninstall.sh"
if [ -n "$mandir" ]; then
    install -m 0644 "$mandir"/*.1.gz "$root/usr/local/share/man/man1/"
fi

mkdir -p "$out"
pkgbuild --root "$root" --identifier io.github.twnhi.bridge --version "$version" \
    --scripts "$here/scripts" --install-location / "$work/twnhi-bridge-component.pkg"
productbuild --distribution "$here/distribution.xml" --package-path "$work" \
    "$work/twnhi-bridge-$version.pkg"

pkgbuild --nopayload --identifier io.github.twnhi.bridge.remove --version "$version" \
    --scripts "$here/remove-scripts" "$work/twnhi-bridge-remove-$version.pkg"

for pkg in "twnhi-bridge-$version.pkg" "twnhi-bridge-remove-$version.pkg"; do
    if [ -n "${MACOS_INSTALLER_IDENTITY:-}" ]; then
        productsign --sign "$MACOS_INSTALLER_IDENTITY" "$work/$pkg" "$out/$pkg"
    else
        cp "$work/$pkg" "$out/$pkg"
    fi
done
