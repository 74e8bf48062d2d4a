# libuffd - GNU make build.
#
#   make                 library, CLI, tests, examples, benchmarks
#   make check           the test suite, then again under ASan+UBSan
#   make demo            build what it needs, then show the library at work
#   make bench           the benchmark suite (tables; JSON with BENCH_ARGS=--json)
#   make bench-plot      the same, plus JSON and an SVG plot in $(BUILD)/
#   make install PREFIX=/usr/local     (make uninstall undoes it)
#   make deb             Debian packages (mk/release.mk)
#
# BUILD selects the output directory; SAN=asan|tsan builds with sanitizers.

PREFIX   ?= /usr/local
BUILD    ?= build
SAN      ?=
VERSION  := $(shell cat VERSION)

CC       ?= cc
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror
BASE     := -std=gnu11 -Iinclude -Isrc -pthread
LIBFLAGS := -fPIC -fvisibility=hidden

ifeq ($(SAN),asan)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ifeq ($(SAN),tsan)
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
endif

ALL_CFLAGS := $(BASE) $(WARN) $(CFLAGS) $(SANFLAGS)
LDLIBS     := -pthread

# The library: src/ and one folder per subsystem (docs/architecture.md).
# The preload shim's own interposers (src/interpose/preload*.c) go only
# into libuffd-preload.so.
PRELOAD_SRC := $(wildcard src/interpose/preload*.c)
LIB_SRC  := $(filter-out $(PRELOAD_SRC),$(wildcard src/*.c src/*/*.c))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
PRELOAD_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(PRELOAD_SRC))
LIB_HDR  := $(wildcard include/*.h src/*.h src/*/*.h)

TEST_SRC := $(wildcard test/t_*.c)
TEST_BIN := $(patsubst test/%.c,$(BUILD)/test/%,$(TEST_SRC))
TEST_HLP := $(BUILD)/obj/test-harness.o
EX_SRC   := $(wildcard examples/*.c)
EX_BIN   := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EX_SRC))
TOOL_SRC := $(wildcard tools/*.c)
BENCH_SRC:= $(wildcard bench/*.c)

.PHONY: all lib tests examples tools check check-plain check-asan demo \
	install clean deps bench bench-plot
.SUFFIXES:

all: lib tools tests examples

lib: $(BUILD)/libuffd.a $(BUILD)/libuffd.so $(BUILD)/libuffd-preload.so
tools: $(BUILD)/uffd
tests: $(TEST_BIN)
examples: $(EX_BIN)

$(BUILD)/obj/%.o: src/%.c $(LIB_HDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LIBFLAGS) -c -o $@ $<

$(BUILD)/libuffd.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# -Bsymbolic-functions: the library's own calls (the pager's read(), poll(),
# close() ...) bind to its own interposers.  In a process that dlopen()s it
# (Python's ctypes) the C library comes first in the global scope, and the
# pager's workers would otherwise read an emulated uffd's bare pipe and
# never see a fault (bindings/python/tests/test_pager.py hangs without it).
# Static links and the preload shim resolve these calls to libuffd already.
$(BUILD)/libuffd.so: $(LIB_OBJ) src/libuffd.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libuffd.so.0 -Wl,-Bsymbolic-functions \
		-Wl,--version-script=src/libuffd.map -o $@ $(LIB_OBJ) $(LDLIBS) -ldl

# The whole library plus the shim, exporting its interposers.
$(BUILD)/libuffd-preload.so: $(LIB_OBJ) $(PRELOAD_OBJ)
	$(CC) $(ALL_CFLAGS) -shared -o $@ $(LIB_OBJ) $(PRELOAD_OBJ) $(LDLIBS) -ldl

$(BUILD)/uffd: $(TOOL_SRC) $(BENCH_SRC) $(wildcard tools/*.h bench/*.h) $(BUILD)/libuffd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itools -Ibench -DLIBUFFD_VERSION='"$(VERSION)"' \
		-o $@ $(TOOL_SRC) $(BENCH_SRC) \
		$(BUILD)/libuffd.a $(LDLIBS) -ldl -lm

$(TEST_HLP): test/harness.c test/harness.h $(LIB_HDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itest -c -o $@ $<

$(BUILD)/test/%: test/%.c $(TEST_HLP) $(wildcard test/*.h) $(BUILD)/libuffd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itest -o $@ $< $(TEST_HLP) $(BUILD)/libuffd.a $(LDLIBS) -ldl

$(BUILD)/examples/%: examples/%.c $(BUILD)/libuffd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libuffd.a $(LDLIBS) -ldl

# ---- what the README's two commands run --------------------------------------

deps:
	@scripts/deps.sh

# The builds run $(JOBS) compilers at once; the tests run one at a time.
check: deps
	$(MAKE) -j$(JOBS) all
	$(MAKE) check-plain
	$(MAKE) -j$(JOBS) BUILD=build/asan SAN=asan tests
	$(MAKE) check-asan

check-plain: all
	test/run.sh $(BUILD)
	test/install.sh $(BUILD)
	$(MAKE) --no-print-directory check-fuzz-corpus

check-asan:
	$(MAKE) BUILD=build/asan SAN=asan tests
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1:handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0:handle_abort=0 \
		test/run.sh build/asan

# Only what the demo runs (the library and two examples), $(JOBS) at once.
demo:
	@scripts/deps.sh
	@echo "demo: building libuffd and the demo programs ($(JOBS) jobs)..."
	@$(MAKE) --no-print-directory -s -j$(JOBS) $(BUILD)/examples/lazy_fill \
		$(firstword $(PAGER_DEMO))
	@$(BUILD)/examples/lazy_fill$(if $(PAGER_DEMO), && echo && $(PAGER_DEMO))

bench: all
	$(BUILD)/uffd bench $(BENCH_ARGS)

# The table, its JSON and the plot that docs/performance.md shows.
bench-plot: all
	@LIBUFFD_EXTRA_DEPS=gnuplot-nox scripts/deps.sh
	$(BUILD)/uffd bench --json-file $(BUILD)/bench.json $(BENCH_ARGS) | tee $(BUILD)/bench.txt
	bench/plot.sh $(BUILD)/bench.json $(BUILD)/bench.svg
	@echo "bench-plot: $(BUILD)/bench.txt $(BUILD)/bench.json $(BUILD)/bench.svg"

# ---- install -------------------------------------------------------------------

install: lib tools
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/bin
	install -m 644 include/uffd.h $(DESTDIR)$(PREFIX)/include/uffd.h
	install -m 644 $(BUILD)/libuffd.a $(DESTDIR)$(PREFIX)/lib/libuffd.a
	install -m 755 $(BUILD)/libuffd.so $(DESTDIR)$(PREFIX)/lib/libuffd.so.$(VERSION)
	ln -sf libuffd.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libuffd.so.0
	ln -sf libuffd.so.0 $(DESTDIR)$(PREFIX)/lib/libuffd.so
	install -m 755 $(BUILD)/libuffd-preload.so $(DESTDIR)$(PREFIX)/lib/libuffd-preload.so
	install -m 755 $(BUILD)/uffd $(DESTDIR)$(PREFIX)/bin/uffd
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		-e 's|@LIBS_PRIVATE@|$(strip $(LDLIBS) -ldl)|g' libuffd.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libuffd.pc

clean:
	rm -rf build

# Optional parts and extra targets, one fragment per concern.
-include $(sort $(wildcard mk/*.mk))
