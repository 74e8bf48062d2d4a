#!/bin/sh
# What the hardening targets need on top of scripts/deps.sh (Debian packages
# only, installed only when missing): clang with libFuzzer and the sanitizer
# runtimes (make fuzz), valgrind (make check-valgrind).  GCC's ThreadSanitizer
# runtime (make check-tsan) comes with gcc.
LIBUFFD_EXTRA_DEPS="clang libclang-rt-dev valgrind $LIBUFFD_EXTRA_DEPS" \
	exec "$(dirname "$0")/deps.sh"
