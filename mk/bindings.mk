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
# What install-python creates, relative to $(DESTDIR)$(PREFIX) (for make
# uninstall, mk/release.mk).
PYTHON_INSTALLED := $(patsubst bindings/python/uffd/%,lib/python3/dist-packages/uffd/%,\
	$(wildcard bindings/python/uffd/*.py))

.PHONY: check-bindings print-libuffd-libs install-python

# What linking libuffd.a needs besides it (bindings/rust/build.rs asks).
print-libuffd-libs:
	@echo $(LDLIBS) -ldl

check: check-bindings
check-bindings:
	$(MAKE) -j$(JOBS) lib
	LIBUFFD_LIBS="$(LDLIBS) -ldl" bindings/run.sh $(BUILD)


install: install-python
install-python:
	install -d $(DESTDIR)$(PYTHON_MODULE_DIR)
	install -m 644 bindings/python/uffd/*.py $(DESTDIR)$(PYTHON_MODULE_DIR)/
