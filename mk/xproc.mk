# Cross-process use of a uffd and the orphan policy (docs/cross-process.md).
#
# The t_xproc_* and t_orphan_* tests share test/xproc_util.h.
# t_xproc_raw_shim runs examples/raw_xproc_server -- written against
# <linux/userfaultfd.h> only and built WITHOUT libuffd -- under `uffd run`;
# `make tests` builds what it needs.  `uffd bench xproc` is
# bench/xproc_bench.c, part of the uffd binary like every bench/*.c.

XPROC_TEST_BIN := $(patsubst test/%.c,$(BUILD)/test/%,\
	$(wildcard test/t_xproc_*.c test/t_orphan_*.c))
$(XPROC_TEST_BIN): test/xproc_util.h

$(BUILD)/test/t_xproc_raw_shim: | $(BUILD)/examples/raw_xproc_server \
	$(BUILD)/uffd $(BUILD)/libuffd-preload.so

# mk/preload.mk builds examples/raw_*.c without libuffd; without it, this
# one at least.
ifeq ($(wildcard mk/preload.mk),)
$(BUILD)/examples/raw_xproc_%: examples/raw_xproc_%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -pthread
endif
