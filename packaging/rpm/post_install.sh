# %post of the twnhi RPM: enable the card component's user unit for every user on the first
# installation ($1 = 1), as %systemd_user_post does. Never fails.
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl --global enable twnhi-bridge.service >/dev/null 2>&1 || :
fi
:
