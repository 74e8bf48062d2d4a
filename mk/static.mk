# SPDX-License-Identifier: MIT
# `uffd run` refuses a program the preload shim cannot enter, such as a
# statically linked one (tools/run_check.c).  t_preload_cannot_enter runs
# test/static_hello.c built with -static, when the C library's static
# archive (libc.a, Debian: libc6-dev) is installed; without it the test
# skips, saying so.  No sanitizer flags: a static link cannot have them.

STATIC_HELLO := $(BUILD)/test/static_hello

$(STATIC_HELLO): test/static_hello.c
	@mkdir -p $(@D)
	@$(CC) -std=gnu11 $(WARN) -O2 -static -o $@ $< 2>/dev/null || \
		{ rm -f $@; echo "static_hello not built: no static C library" \
		  "(libc.a); t_preload_cannot_enter will skip"; }

$(BUILD)/test/t_preload_cannot_enter: | $(STATIC_HELLO)
