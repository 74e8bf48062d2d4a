#!/bin/sh
# SPDX-License-Identifier: MIT
# What the release checks need on top of scripts/deps.sh (Debian packages
# only, installed only when missing): groff to check the man pages
# (test/man.sh), dpkg-dev, debhelper and fakeroot to build the Debian
# packages (make deb, test/deb.sh).  Without root or apt the checks that
# need them skip and say so.
LIBUFFD_EXTRA_DEPS="groff-base dpkg-dev debhelper fakeroot binutils $LIBUFFD_EXTRA_DEPS" \
	exec "$(dirname "$0")/deps.sh"
