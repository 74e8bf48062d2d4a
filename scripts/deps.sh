#!/bin/sh
# Install what building and testing libuffd needs on Debian/Ubuntu, only
# what is missing.  Without root or apt, say what is missing and go on.
set -e
need="gcc make libc6-dev pkg-config"
[ -n "$LIBUFFD_EXTRA_DEPS" ] && need="$need $LIBUFFD_EXTRA_DEPS"
missing=""
for p in $need; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
	echo "deps: missing$missing (install them with apt-get as root)" >&2
fi
