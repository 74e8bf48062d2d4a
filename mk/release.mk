# SPDX-License-Identifier: MIT
# What a release needs besides the library: man pages (man/), bash
# completion (tools/completion.bash), uninstalling, Debian packages
# (debian/), and the checks of all of it.  VERSION holds the version;
# CHANGELOG.md says what each one added.
#
#   make install         also installs the man pages and the bash completion
#   make uninstall       removes exactly what make install put there
#                        (same PREFIX and DESTDIR; directories are left)
#   make deb             libuffd0, libuffd-dev, uffd-tools and python3-uffd .debs in
#                        $(BUILD)/deb/ (dpkg-buildpackage -us -uc -b)
#   make check-release   test/cli.sh, test/man.sh, test/deb.sh; make
#                        check-plain runs them (test/install.sh checks
#                        install and uninstall)

MAN_PAGES   := $(sort $(wildcard man/man1/*.1 man/man3/*.3 man/man7/*.7))
MANDIR      := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions

# Every file make install creates, relative to $(DESTDIR)$(PREFIX): the
# Makefile's install, mk/pager.mk's install-pager, mk/bindings.mk's
# install-python and the two below.
INSTALLED := include/uffd.h include/uffd_pager.h \
	lib/libuffd.a lib/libuffd.so.$(VERSION) lib/libuffd.so.0 lib/libuffd.so \
	lib/libuffd-preload.so lib/pkgconfig/libuffd.pc bin/uffd \
	$(patsubst man/%,share/man/%,$(MAN_PAGES)) \
	share/bash-completion/completions/uffd $(PYTHON_INSTALLED)

.PHONY: install-man install-completion uninstall deb check-release release-deps

deps: release-deps
release-deps:
	@scripts/deps-release.sh

# `uffd version` and `uffd probe` print the version.
$(BUILD)/uffd: VERSION

install: install-man install-completion
install-man:
	install -d $(addprefix $(DESTDIR)$(MANDIR)/,man1 man3 man7)
	install -m 644 $(filter man/man1/%,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(filter man/man3/%,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(filter man/man7/%,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man7/

install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 tools/completion.bash $(DESTDIR)$(BASHCOMPDIR)/uffd

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))

# ---- Debian packages ------------------------------------------------------------

# Built from a copy of the tree (dpkg-buildpackage writes the packages
# into the parent of the source directory and cleans the tree first).
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/libuffd-$(VERSION)

deb:
	@if ! command -v dpkg-buildpackage >/dev/null 2>&1 || \
	    ! command -v dh >/dev/null 2>&1; then \
		echo "deb: dpkg-buildpackage and debhelper are needed" \
		     "(make deps, or apt-get install dpkg-dev debhelper)" >&2; exit 1; fi
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	case "$$v" in $(VERSION)-*) ;; *) echo "deb: debian/changelog is at $$v," \
		"VERSION is $(VERSION): add a changelog entry" >&2; exit 1 ;; esac
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./.git --exclude=./build --exclude='./$(BUILD)' . | \
		tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -j$(JOBS)
	@rm -rf $(DEB_SRC)
	@echo "deb: $$(cd $(DEB_DIR) && ls *.deb | tr '\n' ' ')in $(DEB_DIR)/"

# ---- checks ----------------------------------------------------------------------

check-plain: check-release
check-release: lib tools
	test/cli.sh $(BUILD)
	test/man.sh $(BUILD)
	test/deb.sh $(BUILD)
