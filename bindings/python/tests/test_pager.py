# SPDX-License-Identifier: MIT
"""Tests of uffd.pager (see harness.py for how they run): an image saved,
then served lazily from the file and from a page server in this process,
to memory read by Python code that holds the GIL (the pager's threads are
C threads)."""
import ctypes
import errno
import os
import sys
import tempfile

import uffd
from uffd import pager
from harness import kernel_unavailable, main, test

PS = uffd.page_size()
PAGES = 64


def image(tag):
    """A 64-page image whose page i is filled with i + 1."""
    data = b"".join(bytes([i + 1]) * PS for i in range(PAGES))
    path = os.path.join(tempfile.gettempdir(), "uffd-py-%s-%d.img" % (tag, os.getpid()))
    pager.save_image(path, data, tag)
    return path, data


def serve(engine, store, data):
    assert store.npages == PAGES and store.page_size == PS
    try:
        p = pager.Pager(store, engine=engine, prefetch=False, background=False)
    except OSError as e:
        kernel_unavailable(engine, e)
        raise
    with p:
        assert p.engine == engine, p.engine
        addr = p.map(0, PAGES)
        # ctypes.string_at holds the GIL while it faults: fine here.
        assert ctypes.string_at(addr, len(data)) == data
        p.wait(20000)
        st = p.stats()
        assert st["present"] == PAGES and st["demand_pages"] > 0, st
        assert p.error is None
    uffd.munmap(addr, len(data))


@test
def pager_serves_an_image_file(engine):
    path, data = image("file")
    try:
        serve(engine, pager.Store.file(path), data)
    finally:
        os.unlink(path)


@test
def pager_serves_from_a_page_server(engine):
    path, data = image("server")
    try:
        with pager.Server("127.0.0.1:0", path) as server:
            store = pager.Store.tcp(server.address, 5000)
            assert store.name == "tcp"
            serve(engine, store, data)
    finally:
        os.unlink(path)


@test
def pager_errors_carry_errno_and_diagnostic(engine):
    missing = os.path.join(tempfile.gettempdir(), "uffd-py-no-such.img")
    try:
        pager.Store.file(missing)
    except FileNotFoundError as e:
        assert missing in str(e) or pager.diagnostic(), e
    else:
        raise AssertionError("opened a missing image")
    try:
        pager.save_image(missing, b"abc")
    except OSError as e:
        assert e.errno == errno.EINVAL, e
    else:
        raise AssertionError("saved an image of 3 bytes")


if __name__ == "__main__":
    sys.exit(main())
