# QEMU post-copy live migration on libuffd (docs/qemu.md).
#
#   make demo-qemu     one sandboxed post-copy migration, told in plain words
#   make check-qemu    the same as a test, leg by leg; "N passed, N failed"
#
# Both install Debian's qemu-system-x86 when it is missing
# (scripts/deps-qemu.sh, ~100 MB): they are not part of `make check`.

# `uffd sandbox` and t_preload_seccomp share the seccomp filter.
$(BUILD)/test/t_preload_seccomp: tools/seccomp_uffd.h
