#!/bin/sh
# What the pager's optional parts need, on Debian/Ubuntu, only what is
# missing: hiredis (the Redis store) and redis-server (its test).  Without
# root or apt, say what is missing and go on: the Redis store is then left
# out of the build and its test is skipped with the reason.
need="libhiredis-dev redis-server"
missing=""
for p in $need; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing (pager: Redis store and its test)"
	apt-get update -qq >/dev/null 2>&1
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >/dev/null 2>&1; then
		echo "deps: could not install$missing: the Redis store is left out" >&2
	fi
	# Debian starts the service on install; the test runs its own server.
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now redis-server >/dev/null 2>&1 || true
	fi
else
	echo "deps: missing$missing (the pager's Redis store; install as root)" >&2
fi
exit 0
