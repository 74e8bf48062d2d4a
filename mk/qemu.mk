# QEMU post-copy live migration on libuffd (docs/qemu.md).
#
#   make demo-qemu     one sandboxed post-copy migration, told in plain words,
#                      and the same without libuffd, refused
#   make check-qemu    the same as a test, leg by leg; "N passed, N failed"
#                      [QEMU_LEGS=native,emulated,...] [QEMU_ARGS=--keep]
#
# Both install Debian's qemu-system-x86 when it is missing
# (scripts/deps-qemu.sh, ~100 MB), so neither is part of `make check`.
# The guest (test/qemu/guest/) is a multiboot kernel of our own, built
# with the system compiler for 32-bit x86 without any library.

QEMU_GUEST  := $(BUILD)/qemu/guest.elf
GUEST_CC    ?= $(CC)
GUEST_LD    ?= ld
GUEST_FLAGS := -m32 -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	       -fno-asynchronous-unwind-tables -mgeneral-regs-only $(WARN)
QEMU_LEGS   ?=
QEMU_ARGS   ?=

.PHONY: demo-qemu check-qemu qemu-deps qemu-guest

$(BUILD)/qemu/%.o: test/qemu/guest/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_FLAGS) -c -o $@ $<

$(BUILD)/qemu/%.o: test/qemu/guest/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) -m32 -c -o $@ $<

$(QEMU_GUEST): $(BUILD)/qemu/boot.o $(BUILD)/qemu/guest.o test/qemu/guest/guest.ld
	$(GUEST_LD) -m elf_i386 -nostdlib -z max-page-size=0x1000 \
		-T test/qemu/guest/guest.ld -o $@ $(BUILD)/qemu/boot.o $(BUILD)/qemu/guest.o

qemu-guest: $(QEMU_GUEST)

qemu-deps:
	@scripts/deps-qemu.sh

check-qemu: qemu-deps
	$(MAKE) -j$(JOBS) lib tools $(QEMU_GUEST)
	python3 test/qemu/check_qemu.py --build $(BUILD) \
		$(if $(QEMU_LEGS),--legs $(QEMU_LEGS)) $(QEMU_ARGS)

demo-qemu: qemu-deps
	$(MAKE) -j$(JOBS) lib tools $(QEMU_GUEST)
	@python3 test/qemu/demo_qemu.py --build $(BUILD) $(QEMU_ARGS)

# `uffd sandbox` and the seccomp tests share the filter (tools/seccomp_uffd.h).
$(BUILD)/test/t_preload_seccomp $(BUILD)/test/t_probe_device_refused: tools/seccomp_uffd.h
