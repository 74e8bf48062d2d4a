#!/bin/sh
# SPDX-License-Identifier: MIT
# What `make demo-qemu` and `make check-qemu` need on Debian/Ubuntu, only
# what is missing: QEMU for x86 (TCG is enough, no /dev/kvm needed) and
# python3 for the QMP driver.  About 100 MB.  Without root or apt, say
# what is missing and fail: those targets cannot run without QEMU.
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing (QEMU post-copy demo and test, ~100 MB)"
	apt-get update -qq >/dev/null 2>&1
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >/dev/null 2>&1; then
		exit 0
	fi
	echo "deps: could not install$missing" >&2
else
	echo "deps: missing$missing (install them with apt-get as root)" >&2
fi
exit 1
