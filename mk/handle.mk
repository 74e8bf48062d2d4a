# `uffd handle`: the page-fault handler of Firecracker-style VMMs
# (tools/handle.c, src/pager/adopt.c, docs/pager.md "Firecracker").
#
# The t_handle_* tests run $(BUILD)/uffd and the VMM side,
# examples/raw_fc_vmm (raw system calls only, built without libuffd by
# mk/preload.mk's rule), natively and under `uffd run`; t_pager_cli_hang
# runs `uffd restore`.  `make tests` builds what they need.

HANDLE_TEST_BIN := $(patsubst test/%.c,$(BUILD)/test/%,\
	$(wildcard test/t_handle_*.c)) $(BUILD)/test/t_pager_cli_hang
$(HANDLE_TEST_BIN): test/spawn_util.h test/handle_util.h test/pager_util.h \
	include/uffd_pager.h
$(HANDLE_TEST_BIN): | $(BUILD)/uffd $(BUILD)/examples/raw_fc_vmm \
	$(BUILD)/libuffd-preload.so
$(BUILD)/test/t_pager_faults: test/pager_faulty.h test/pager_util.h
