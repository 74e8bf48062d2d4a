# SPDX-License-Identifier: MIT
"""libuffd's pager (include/uffd_pager.h, docs/pager.md): memory served
lazily from a store by worker threads inside libuffd.

    from uffd import pager
    pager.save_image("/tmp/heap.img", data)            # bytes-like or (address, length)
    with pager.Pager(pager.Store.file("/tmp/heap.img")) as p:
        addr = p.map(0, npages)                         # pages arrive on first touch
        ctypes.string_at(addr, 16)                      # any code may touch them
        p.wait()

The pager's threads are C threads: unlike a Python handler, they serve
faults taken by code that holds the GIL.  Errors raise OSError with the
errno and libuffd's diagnostic ("image.img: page 12: checksum mismatch").
"""
import ctypes
import os

from ._lib import _proto

_c = ctypes
_P = _c.c_void_p


class Stats(_c.Structure):
    """struct uffd_pager_stats (docs/pager.md)."""
    _fields_ = [(n, _c.c_uint64) for n in (
        "pages", "present", "faults", "demand_pages", "prefetch_pages", "joined",
        "spurious", "zero_pages", "bytes", "store_errors", "lost_pages", "sigbus",
        "lat_total_ns", "lat_max_ns")] + [
        ("lat_hist", _c.c_uint64 * 24), ("first_fault_ns", _c.c_uint64),
        ("complete_ns", _c.c_uint64)]

    def as_dict(self):
        return {n: (list(getattr(self, n)) if n == "lat_hist" else getattr(self, n))
                for n, _ in self._fields_}


class _Config(_c.Structure):
    _fields_ = [("engine", _c.c_int), ("workers", _c.c_uint), ("queues", _c.c_uint),
                ("stripe", _c.c_size_t), ("flags", _c.c_uint), ("readahead", _c.c_uint),
                ("batch", _c.c_uint), ("replay", _c.c_char_p), ("on_error", _c.c_int),
                ("timeout_ms", _c.c_uint)]


_s = _c.c_char_p
_diagnostic = _proto("uffd_pager_diagnostic", _s)
_image_save = _proto("uffd_image_save", _c.c_int, _s, _P, _c.c_size_t, _s)
_store_file = _proto("uffd_store_file_open", _P, _s, _c.c_uint)
_store_tcp = _proto("uffd_store_tcp_open", _P, _s, _c.c_uint, _c.c_uint)
_store_redis = _proto("uffd_store_redis_open", _P, _s, _s, _c.c_uint)
_store_npages = _proto("uffd_store_npages", _c.c_uint64, _P)
_store_page_size = _proto("uffd_store_page_size", _c.c_size_t, _P)
_store_name = _proto("uffd_store_name", _s, _P)
_store_close = _proto("uffd_store_close", None, _P)
_server_start = _proto("uffd_server_start", _P, _s, _s)
_server_address = _proto("uffd_server_address", _s, _P)
_server_stop = _proto("uffd_server_stop", None, _P)
_pager_new = _proto("uffd_pager_new", _P, _P, _c.POINTER(_Config))
_pager_add = _proto("uffd_pager_add", _c.c_int, _P, _P, _c.c_size_t, _c.c_uint64)
_pager_map = _proto("uffd_pager_map", _P, _P, _c.c_uint64, _c.c_size_t, _c.POINTER(_c.c_int))
_pager_wait = _proto("uffd_pager_wait", _c.c_int, _P, _c.c_int)
_pager_complete = _proto("uffd_pager_complete", _c.c_int, _P, _c.c_int)
_pager_save_plan = _proto("uffd_pager_save_plan", _c.c_int, _P, _s)
_pager_engine = _proto("uffd_pager_engine", _s, _P)
_pager_error = _proto("uffd_pager_error", _s, _P)
_pager_stats = _proto("uffd_pager_stats", _c.c_int, _P, _c.c_int, _c.POINTER(Stats))
_pager_close = _proto("uffd_pager_close", _c.c_int, _P)

_ENGINES = {None: 0, "auto": 0, "kernel": 1, "emulated": 2}
_ON_ERROR = {"sigbus": 0, "zero": 1, "wait": 2}


def diagnostic():
    """Why the last failed pager call of this thread failed, in words."""
    return (_diagnostic() or b"").decode(errors="replace")


def _fail():
    e = _c.get_errno()
    why = diagnostic()
    raise OSError(e, os.strerror(e) + (": " + why if why else ""))


def _check(r):
    if r is None or (isinstance(r, int) and r < 0):
        _fail()
    return r


def _b(s):
    return os.fsencode(s)


def save_image(path, data, label=""):
    """Saves data (bytes-like, or an (address, length) pair) as a memory
    image; its length must be a multiple of the page size."""
    if isinstance(data, tuple):
        addr, length = int(data[0]), data[1]
        keep = None
    else:
        view = memoryview(data).cast("B")
        keep = (_c.c_char * view.nbytes).from_buffer_copy(view)
        addr, length = _c.addressof(keep), view.nbytes
    _check(_image_save(_b(path), addr, length, label.encode()))


class Store:
    """Where a pager takes pages from; closed by close() or by the Pager it
    is given to."""

    def __init__(self, handle):
        self._h = handle

    @classmethod
    def file(cls, path, mmap=False, verify=True):
        """A memory image file (pread, or a mapping with mmap=True)."""
        flags = (1 if mmap else 0) | (0 if verify else 2)
        return cls(_check(_store_file(_b(path), flags)))

    @classmethod
    def tcp(cls, addr, timeout_ms=2000):
        """A page server: HOST:PORT, [IPV6]:PORT or unix:PATH."""
        return cls(_check(_store_tcp(addr.encode(), 0, timeout_ms)))

    @classmethod
    def redis(cls, addr, prefix, timeout_ms=2000):
        """Redis keys PREFIX:meta, PREFIX:N (ENOTSUP without hiredis)."""
        return cls(_check(_store_redis(addr.encode(), prefix.encode(), timeout_ms)))

    @property
    def npages(self):
        return _store_npages(self._h)

    @property
    def page_size(self):
        return _store_page_size(self._h)

    @property
    def name(self):
        return _store_name(self._h).decode()

    def _take(self):
        h, self._h = self._h, None
        if h is None:
            raise ValueError("store already closed or given to a pager")
        return h

    def close(self):
        if self._h is not None:
            _store_close(self._take())


class Pager:
    """A pager serving `store` (which it owns from now on).  engine: None
    or "auto" follow $UFFD_ENGINE.  prefetch/background: readahead after
    faults and a sweep of the whole region; record: note the first-touch
    order for save_plan(); replay: a saved plan; on_error: "sigbus",
    "zero" or "wait" once the store failed for timeout_ms."""

    def __init__(self, store, engine=None, workers=0, queues=0, prefetch=True,
                 background=True, record=False, readahead=0, replay=None,
                 on_error="sigbus", timeout_ms=0):
        flags = (0 if prefetch else 1) | (0 if background else 2) | (4 if record else 0)
        cfg = _Config(engine=_ENGINES[engine], workers=workers, queues=queues, flags=flags,
                      readahead=readahead, replay=_b(replay) if replay else None,
                      on_error=_ON_ERROR[on_error], timeout_ms=timeout_ms)
        self._p = _check(_pager_new(store._take(), _c.byref(cfg)))

    def _h(self):
        if self._p is None:
            raise ValueError("pager closed")
        return self._p

    def add(self, addr, length, first_page=0):
        """Registers private anonymous memory whose pages are all missing
        for the store's pages from first_page; returns the region number."""
        return _check(_pager_add(self._h(), int(addr), length, first_page))

    def map(self, first_page, npages):
        """Fresh memory for npages pages from first_page, added; its
        address.  It stays mapped after close (unmap it with uffd.munmap)."""
        region = _c.c_int()
        return _check(_pager_map(self._h(), first_page, npages, _c.byref(region)))

    def wait(self, timeout_ms=-1):
        """Until every page is present (TimeoutError after timeout_ms)."""
        _check(_pager_wait(self._h(), timeout_ms))

    def complete(self, timeout_ms=-1):
        """Fetch every page still missing, then wait."""
        _check(_pager_complete(self._h(), timeout_ms))

    def save_plan(self, path):
        _check(_pager_save_plan(self._h(), _b(path)))

    @property
    def engine(self):
        return _pager_engine(self._h()).decode()

    @property
    def error(self):
        """The first store failure in words, or None."""
        e = _pager_error(self._h())
        return e.decode(errors="replace") if e else None

    def stats(self, region=-1):
        """Metrics of a region (all with -1), as a dict."""
        st = Stats()
        _check(_pager_stats(self._h(), region, _c.byref(st)))
        return st.as_dict()

    def close(self):
        """Stops the threads, unregisters the regions, closes the store."""
        p, self._p = self._p, None
        if p is not None:
            _check(_pager_close(p))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Server:
    """A page server in this process (what `uffd serve` runs)."""

    def __init__(self, addr, image):
        self._s = _check(_server_start(addr.encode(), _b(image)))

    @property
    def address(self):
        return _server_address(self._s).decode()

    def stop(self):
        s, self._s = self._s, None
        if s is not None:
            _server_stop(s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
