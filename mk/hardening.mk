# Hardening: long stress, race loops, fuzzing, TSan and valgrind.
# docs/testing.md explains every target and its knobs.
#
#   make stress  [STRESS_SECONDS=600] [STRESS_ENGINES="kernel emulated"] [STRESS_ARGS=...]
#   make races   [RACE_RUNS=50] [RACE_ENGINES=...] [RACE_TESTS="t_race_fork ..."]
#   make fuzz    [FUZZ_SECONDS=60] [FUZZ_RUNS=N] [FUZZ_JOBS=1] [FUZZ_TARGETS="ioctl rpc"]
#                [FUZZ_ARGS=...]    FUZZ_RUNS is the total over the FUZZ_JOBS workers
#   make fuzz-merge                 fold new inputs into the (small) corpora in fuzz/corpus
#   make check-fuzz-corpus          replay those corpora once with the plain build (in make check)
#   make check-tsan                 the concurrency tests under ThreadSanitizer
#   make check-valgrind             every test on the emulated engine under memcheck
#
# `make check` runs t_stress_bounce and the t_race_* tests once per engine
# (they are ordinary tests), under ASan+UBSan too, and check-tsan.

STRESS_SECONDS ?= 60
STRESS_ENGINES ?= kernel emulated
STRESS_ARGS    ?=
RACE_RUNS      ?= 50
RACE_ENGINES   ?= kernel emulated
RACE_TESTS     ?= $(notdir $(basename $(wildcard test/t_race_*.c)))
FUZZ_SECONDS   ?= 60
FUZZ_RUNS      ?=
FUZZ_JOBS      ?= 1
FUZZ_TARGETS   ?= ioctl rpc
FUZZ_ARGS      ?=
FUZZ_CC        ?= clang

.PHONY: stress races fuzz fuzz-build fuzz-merge check-tsan check-valgrind \
	hardening-deps check-fuzz-corpus

# ---- dependencies: clang + libFuzzer, valgrind (Debian packages) ----------

deps: hardening-deps
hardening-deps:
	@scripts/deps-hardening.sh

# The short stress and the race tests share code with the long ones.
$(BUILD)/test/t_stress_bounce: test/stress.c
$(patsubst test/%.c,$(BUILD)/test/%,$(wildcard test/t_race_*.c)): test/race.h

# The README's `make check` also runs the concurrency tests under TSan.
check: check-tsan

# ---- stress ----------------------------------------------------------------

stress: $(BUILD)/test/stress
	@for e in $(STRESS_ENGINES); do \
		echo "== stress, $$e engine, $(STRESS_SECONDS) s"; \
		UFFD_ENGINE=$$e $(BUILD)/test/stress -q -t $(STRESS_SECONDS) \
			$(STRESS_ARGS) || exit 1; \
	done

# ---- race tests, looped ------------------------------------------------------

races: $(addprefix $(BUILD)/test/,$(RACE_TESTS))
	@pass=0; fail=0; log=$$(mktemp); \
	for t in $(RACE_TESTS); do for e in $(RACE_ENGINES); do \
		n=0; \
		while [ $$n -lt $(RACE_RUNS) ]; do \
			if UFFD_ENGINE=$$e timeout -k 5 120 $(BUILD)/test/$$t >$$log 2>&1; \
			then n=$$((n + 1)); \
			else echo "FAIL $$t [$$e] on run $$((n + 1))"; \
				sed 's/^/    | /' $$log | tail -n 20; break; fi; \
		done; \
		if [ $$n -eq $(RACE_RUNS) ]; then \
			echo "PASS $$t [$$e] $(RACE_RUNS) runs in a row: $$(tail -n 1 $$log)"; \
			pass=$$((pass + 1)); \
		else fail=$$((fail + 1)); fi; \
	done; done; rm -f $$log; \
	echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# ---- fuzzing (clang + libFuzzer, ASan + UBSan) -------------------------------

FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	       -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -Iinclude -Isrc -pthread -g -O1 -Wall -Wno-unused-parameter \
	       $(FUZZ_SAN)
FUZZ_OBJ    := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC))
FUZZ_BINS   := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
# The engine owns SIGSEGV/SIGBUS: neither libFuzzer nor ASan may take them.
FUZZ_ENV    := ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0:detect_leaks=0 \
	       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_FLAGS  := -handle_segv=0 -handle_bus=0 -handle_ill=0 -handle_fpe=0 \
	       -timeout=20 -rss_limit_mb=4096

.SECONDARY: $(FUZZ_OBJ)

$(FUZZ_DIR)/obj/%.o: src/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -fPIC -fvisibility=hidden \
		-c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter fuzz/%.c,$^) $(FUZZ_OBJ) -ldl

# Replayers without libFuzzer (for valgrind, gdb, make check): run the
# files given (fuzz/replay.c is their main).
$(FUZZ_DIR)/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) -Wno-unused-parameter -g -O1 -o $@ $(filter fuzz/%.c,$^) \
		$(LIB_OBJ) $(LDLIBS) -ldl

# Every input of the committed corpora, replayed once by the plain build:
# part of `make check`, so that a change that breaks a fuzz target (or
# that an input of the corpus catches) shows without clang or libFuzzer.
check-fuzz-corpus: $(addprefix $(FUZZ_DIR)/replay_,$(FUZZ_TARGETS))
	@pass=0; fail=0; log=$$(mktemp); \
	for t in $(FUZZ_TARGETS); do \
		n=$$(ls fuzz/corpus/$$t | wc -l); \
		if timeout -k 5 300 $(FUZZ_DIR)/replay_$$t fuzz/corpus/$$t/* >$$log 2>&1; then \
			echo "PASS fuzz-corpus:$$t ($$n inputs)"; pass=$$((pass + 1)); \
		else \
			echo "FAIL fuzz-corpus:$$t"; sed 's/^/    | /' $$log | tail -n 20; \
			fail=$$((fail + 1)); \
		fi; \
	done; rm -f $$log; \
	echo "$$pass passed, $$fail failed, 0 skipped"; [ $$fail -eq 0 ]

# fuzz_ioctl's input decoding is a file of its own.
$(FUZZ_DIR)/fuzz_ioctl $(FUZZ_DIR)/replay_ioctl: fuzz/ioctl_input.c fuzz/ioctl_fuzz.h

fuzz-build: $(FUZZ_BINS)

fuzz: hardening-deps fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)," \
		     "$(FUZZ_JOBS) worker(s)"; \
		$(FUZZ_ENV) sh scripts/fuzz-run.sh $(FUZZ_DIR)/fuzz_$$t $$t $(FUZZ_JOBS) \
			"$(FUZZ_RUNS)" $(FUZZ_SECONDS) $(FUZZ_FLAGS) $(FUZZ_ARGS) || exit 1; \
	done

fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$$t $(FUZZ_FLAGS) -merge=1 -use_counters=0 \
			fuzz/corpus/$$t fuzz/corpus-tmp/$$t || exit 1; \
	done

# ---- ThreadSanitizer ---------------------------------------------------------

# The tests with several threads racing on a uffd.  Not here: those whose
# point is a signal landing on a thread blocked in a fault (t_race_copy_signal,
# t_signal_refault): TSan defers asynchronous signals to its next safe point,
# so the handler runs after the wait instead of during it.
TSAN_TESTS ?= $(filter-out t_race_copy_signal,$(notdir $(basename $(wildcard test/t_race_*.c)))) \
	t_stress_bounce t_stress_atomicity t_fault_concurrent t_close_blocked \
	t_fault_duplicates t_unregister_wakes_unread t_read_eintr \
	t_copy_partial_wakes t_fork_parent_faults t_unregister_wakes_read
TSAN_DIR := build/tsan

# The memory-call interposers (mmap, munmap, mprotect, madvise, mremap)
# are called by the TSan runtime while it initialises, before it can run
# instrumented code: they, the engine code they call and the C library's
# pointers they use are built without TSan (report: see docs/testing.md,
# "Issues found by this work").
ifeq ($(SAN),tsan)
$(BUILD)/obj/interpose/mm.o $(BUILD)/obj/emu/mm.o $(BUILD)/obj/base/real.o: \
	ALL_CFLAGS := $(filter-out -fsanitize=thread,$(ALL_CFLAGS))
endif

# GCC warns that TSan does not model atomic_thread_fence (the queue and the
# signal path use them): the data they order are atomics, so TSan still sees
# every access; test/tsan.supp lists any race accepted by design.
check-tsan:
	$(MAKE) -j$(JOBS) BUILD=$(TSAN_DIR) SAN=tsan CFLAGS="-O1 -g -Wno-tsan" \
		$(addprefix $(TSAN_DIR)/test/,$(filter $(notdir $(basename $(TEST_SRC))),$(TSAN_TESTS)))
	@mkdir -p $(TSAN_DIR)/run/test
	@rm -f $(TSAN_DIR)/run/test/*
	@for t in $(TSAN_TESTS); do \
		[ -x $(TSAN_DIR)/test/$$t ] && ln -sf ../../test/$$t $(TSAN_DIR)/run/test/$$t; \
	done; true
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/test/tsan.supp" \
		test/run.sh $(TSAN_DIR)/run

# ---- valgrind (emulated engine only) -------------------------------------------

VG_DIR   := build/valgrind
VALGRIND ?= valgrind
VG_FLAGS := --tool=memcheck --error-exitcode=99 --track-origins=no \
	--vex-iropt-register-updates=allregs-at-mem-access \
	--suppressions=$(CURDIR)/test/valgrind.supp --gen-suppressions=all \
	--trace-children=no --child-silent-after-fork=yes -q

# Each test, wrapped: test/run.sh runs $(VG_DIR)/test/t_*, which execs
# valgrind on the plain build's binary.  Kernel uffds deadlock valgrind 3.19
# (the faulting thread holds valgrind's lock while the kernel waits for the
# handler thread): only the emulated engine runs.
#
# Skipped (exit 77, reason printed), because valgrind changes what they test:
#   t_chain_resethand, t_chain_signal_fn: the application's handler for a
#     fault the engine chains is not reached under valgrind's signal emulation;
#   t_sigbus_forced: a process killed by a re-raised SIGBUS exits with status
#     1 under valgrind instead of dying by the signal;
#   t_unregister_wp_no_wake: valgrind interrupts the blocked thread's futex
#     wait (EINTR), which the engine must treat as a signal: the access is
#     re-executed and completes, so "not woken" cannot be observed;
#   t_event_remap_dontunmap: valgrind 3.19 rejects MREMAP_DONTUNMAP (EINVAL);
#   t_event_remap_grow: valgrind's mremap refuses to grow the mapping in
#     place (ENOMEM), which succeeds natively;
#   t_preload_seccomp: valgrind 3.19 does not know the userfaultfd system
#     call and answers ENOSYS itself, before the seccomp filter is reached;
#   t_wp_vma_limit: its ~65,000 VMAs exceed valgrind's segment table
#     ("VG_N_SEGMENTS is too low").
VG_SKIP := t_chain_resethand t_chain_signal_fn t_sigbus_forced t_unregister_wp_no_wake \
	t_event_remap_dontunmap t_event_remap_grow t_preload_seccomp t_wp_vma_limit

check-valgrind: hardening-deps tests
	@mkdir -p $(VG_DIR)/test
	@rm -f $(VG_DIR)/test/*
	@for t in $(TEST_BIN); do \
		n=$$(basename $$t); \
		case " $(VG_SKIP) " in *" $$n "*) \
			printf '#!/bin/sh\necho "SKIP: changes meaning under valgrind (mk/hardening.mk)"\nexit 77\n' \
				> $(VG_DIR)/test/$$n ;; \
		*) printf '#!/bin/sh\nexec %s %s %s "$$@"\n' "$(VALGRIND)" "$(VG_FLAGS)" \
			"$(CURDIR)/$$t" > $(VG_DIR)/test/$$n ;; \
		esac; \
		chmod +x $(VG_DIR)/test/$$n; \
	done
	UFFD_TEST_ENGINES=emulated UFFD_TEST_TIMEOUT=600 test/run.sh $(VG_DIR)
