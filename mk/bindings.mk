# Language bindings: bindings/rust (the crate `uffd`, the userfaultfd-rs
# API) and bindings/python (the module `uffd`, ctypes over libuffd.so).
# See bindings/rust/README.md and bindings/python/README.md.
#
#   make check-bindings     their tests on both engines (part of make check);
#                           Rust is skipped without cargo, Python without python3
#   make install            also installs the Python module in
#                           $(PREFIX)/lib/python3/dist-packages/uffd
#
# Cargo's output goes to $(BUILD)/cargo (CARGO_TARGET_DIR).

PYTHON_MODULE_DIR := $(PREFIX)/lib/python3/dist-packages/uffd

.PHONY: check-bindings print-libuffd-libs install-python

# What linking libuffd.a needs besides it (bindings/rust/build.rs asks).
print-libuffd-libs:
	@echo $(LDLIBS) -ldl

check: check-bindings
check-bindings:
	$(MAKE) -j$(JOBS) lib
	LIBUFFD_LIBS="$(LDLIBS) -ldl" bindings/run.sh $(BUILD)

# libuffd.so binds its own calls (read, poll, close, mmap...) to its own
# definitions.  In a process that dlopen()s it -- Python's ctypes -- the C
# library is loaded first, and without this the library's internal read()
# and poll() bind to the C library's: on an emulated uffd the pager's
# worker threads would read the bare pipe and never see a fault (checked:
# tests/test_pager.py hangs on the emulated engine without it).  Static
# links and the preload shim already resolve these calls to libuffd's.
$(BUILD)/libuffd.so: LDLIBS += -Wl,-Bsymbolic-functions
$(BUILD)/libuffd.so: mk/bindings.mk

install: install-python
install-python:
	install -d $(DESTDIR)$(PYTHON_MODULE_DIR)
	install -m 644 bindings/python/uffd/*.py $(DESTDIR)$(PYTHON_MODULE_DIR)/
