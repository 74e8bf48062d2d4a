# The preload shim: raw programs and what tests and measures them.
# See docs/preload.md.
#
# examples/raw_*.c and bench/raw_*.c are written against
# <linux/userfaultfd.h> and the C library only: they are built WITHOUT
# libuffd, so that running them natively uses the kernel's userfaultfd and
# running them under `uffd run` (LD_PRELOAD=libuffd-preload.so) is the only
# way libuffd gets in.  GNU make picks the pattern rule with the shortest
# stem, so this rule wins over the generic $(BUILD)/examples/% one.

RAW_EX_BIN   := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/raw_*.c))
RAW_BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/raw_*.c))

$(BUILD)/examples/raw_%: examples/raw_%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -pthread

$(BUILD)/bench/raw_%: bench/raw_%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -pthread

# bench/raw_*.c are programs of their own, not part of the uffd binary
# (whose recipe expands BENCH_SRC when it runs, after this fragment is read).
BENCH_SRC := $(filter-out bench/raw_%.c,$(BENCH_SRC))

# `uffd bench preload` runs $(BUILD)/bench/raw_syscall_loop.
tools: $(RAW_BENCH_BIN)

# The t_preload_* tests run the raw examples, `uffd run` and the shim from
# the same build directory; `make tests` builds them too.
PRELOAD_TEST_BIN := $(patsubst test/%.c,$(BUILD)/test/%,$(wildcard test/t_preload_*.c))
$(PRELOAD_TEST_BIN): test/preload_util.h | $(RAW_EX_BIN) $(BUILD)/uffd $(BUILD)/libuffd-preload.so
