# The pager (include/uffd_pager.h, src/pager/, docs/pager.md).
#
# The Redis store needs hiredis.  When its development files are present
# (pkg-config hiredis, else the header), src/pager/store_redis.c is built
# with LIBUFFD_HAVE_HIREDIS and everything linking libuffd gets -lhiredis;
# otherwise the store is left out (uffd_store_redis_open fails with
# ENOTSUP) and make says so once.  `make deps` installs hiredis and
# redis-server through scripts/deps-pager.sh.

HIREDIS_CFLAGS := $(shell pkg-config --cflags hiredis 2>/dev/null)
HIREDIS_LIBS   := $(shell pkg-config --libs hiredis 2>/dev/null)
ifeq ($(HIREDIS_LIBS),)
ifneq ($(wildcard /usr/include/hiredis/hiredis.h),)
HIREDIS_LIBS   := -lhiredis
endif
endif

ifneq ($(HIREDIS_LIBS),)
HAVE_HIREDIS := yes
LDLIBS       += $(HIREDIS_LIBS)
$(BUILD)/obj/pager/store_redis.o: ALL_CFLAGS += -DLIBUFFD_HAVE_HIREDIS $(HIREDIS_CFLAGS)
else
HAVE_HIREDIS := no
ifeq ($(MAKELEVEL),0)
ifeq ($(filter clean deps pager-deps,$(MAKECMDGOALS)),)
$(info pager: hiredis not found: building without the Redis store (make deps installs it))
endif
endif
endif

# Rebuild the Redis store when hiredis comes or goes.
$(BUILD)/obj/pager/store_redis.o: $(BUILD)/obj/.hiredis-$(HAVE_HIREDIS)
$(BUILD)/obj/.hiredis-$(HAVE_HIREDIS):
	@mkdir -p $(@D)
	@rm -f $(@D)/.hiredis-*
	@touch $@

# The page-server and demo programs use the protocol and image headers.
$(BUILD)/uffd: include/uffd_pager.h

.PHONY: pager-deps install-pager
deps: pager-deps
pager-deps:
	@scripts/deps-pager.sh

install: install-pager
install-pager: lib
	install -d $(DESTDIR)$(PREFIX)/include
	install -m 644 include/uffd_pager.h $(DESTDIR)$(PREFIX)/include/uffd_pager.h

# `make demo`: after lazy_fill, the pager's showcase (examples/restore_demo.c),
# on a 384 MiB heap so that the whole demo stays under ten seconds
# (restore_demo alone defaults to 1 GiB).
PAGER_DEMO := $(BUILD)/examples/restore_demo -m 384

# The pager tests share test/pager_util.h.
$(patsubst test/%.c,$(BUILD)/test/%,$(wildcard test/t_pager_*.c)): test/pager_util.h include/uffd_pager.h
