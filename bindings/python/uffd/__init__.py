# SPDX-License-Identifier: MIT
"""Linux userfaultfd through libuffd: the kernel's, or libuffd's emulation.

    import ctypes, threading, uffd

    with uffd.Uffd(engine="emulated") as u:
        addr = uffd.mmap_anonymous(length)
        u.register(addr, length)
        # a handler thread:  for ev in u.read_events(): u.copy(ev.address, page)
        ctypes.memmove(dst, addr, length)   # faults, served by the thread

Faults must be taken by code that does not hold the GIL (ctypes calls such
as ctypes.memmove, NumPy, C extensions that release it): a thread faulting
while it holds the GIL stops every Python thread, the handler included.

For the emulated engine, the memory calls that change a registered range
(munmap, madvise, mremap) must go through libuffd: use mmap_anonymous(),
munmap() and madvise() of this module, or `uffd.lib`, or run Python with
LD_PRELOAD=libuffd.so.  bindings/python/README.md has the details.
"""
import ctypes
import errno as _errno
import os
import struct

from . import _lib
from ._lib import lib

__all__ = ["Uffd", "Event", "lib", "mmap_anonymous", "munmap", "madvise", "page_size"]

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# UFFDIO_API features (UFFD_FEATURE_*).
FEATURE_PAGEFAULT_FLAG_WP = 1 << 0
FEATURE_EVENT_FORK = 1 << 1
FEATURE_EVENT_REMAP = 1 << 2
FEATURE_EVENT_REMOVE = 1 << 3
FEATURE_MISSING_HUGETLBFS = 1 << 4
FEATURE_MISSING_SHMEM = 1 << 5
FEATURE_EVENT_UNMAP = 1 << 6
FEATURE_SIGBUS = 1 << 7
FEATURE_THREAD_ID = 1 << 8
FEATURE_MINOR_HUGETLBFS = 1 << 9
FEATURE_MINOR_SHMEM = 1 << 10
FEATURE_EXACT_ADDRESS = 1 << 11
FEATURE_WP_HUGETLBFS_SHMEM = 1 << 12
FEATURE_WP_UNPOPULATED = 1 << 13
FEATURE_POISON = 1 << 14
FEATURE_WP_ASYNC = 1 << 15
FEATURE_MOVE = 1 << 16

# Bits of the ioctl masks (UFFDIO_API's and register()'s result).
IOCTL_REGISTER = 1 << 0x00
IOCTL_UNREGISTER = 1 << 0x01
IOCTL_WAKE = 1 << 0x02
IOCTL_COPY = 1 << 0x03
IOCTL_ZEROPAGE = 1 << 0x04
IOCTL_MOVE = 1 << 0x05
IOCTL_WRITEPROTECT = 1 << 0x06
IOCTL_CONTINUE = 1 << 0x07
IOCTL_POISON = 1 << 0x08
IOCTL_API = 1 << 0x3F

_EVENTS = {0x12: "pagefault", 0x13: "fork", 0x14: "remap", 0x15: "remove", 0x16: "unmap"}
_DONTWAKE = 1 << 0
_U32 = struct.Struct("=I")


def page_size():
    return PAGE_SIZE


def _raise(extra=""):
    e = ctypes.get_errno()
    raise OSError(e, os.strerror(e) + extra)


def _check(r):
    if r < 0:
        _raise()
    return r


def _address(x):
    """An address given as an int, or as an object with an .address."""
    return int(getattr(x, "address", x))


def mmap_anonymous(length, prot=3, flags=0x22):
    """A private anonymous mapping (PROT_READ|PROT_WRITE) made through
    libuffd; its address."""
    p = lib.mmap(None, length, prot, flags, -1, 0)
    if p is None or p == ctypes.c_void_p(-1).value:
        _raise()
    return p


def munmap(addr, length):
    """munmap() through libuffd (an emulated engine sees it: UNMAP events,
    registered ranges dropped)."""
    _check(lib.munmap(_address(addr), length))


def madvise(addr, length, advice):
    """madvise() through libuffd (REMOVE events on an emulated uffd)."""
    _check(lib.madvise(_address(addr), length, advice))


class Event:
    """One message read from a uffd.

    kind: "pagefault", "fork", "remap", "remove" or "unmap".
    pagefault: address, flags, write, wp, minor, thread_id;
    fork: ufd (the child's uffd descriptor);
    remap: from_, to, len (address is from_);
    remove, unmap: start, end (address is start).
    """

    __slots__ = ("kind", "address", "flags", "write", "wp", "minor", "thread_id",
                 "ufd", "from_", "to", "len", "start", "end")

    def __init__(self, raw):
        event, a, b, c = _lib.MSG.unpack_from(raw)
        for name in self.__slots__:
            setattr(self, name, None)
        self.kind = _EVENTS.get(event, "unknown(%#x)" % event)
        if self.kind == "pagefault":
            self.flags, self.address = a, b
            self.write, self.wp, self.minor = bool(a & 1), bool(a & 2), bool(a & 4)
            self.thread_id = _U32.unpack_from(raw, 24)[0]
        elif self.kind == "fork":
            self.ufd = _U32.unpack_from(raw, 8)[0]
        elif self.kind == "remap":
            self.from_, self.to, self.len = a, b, c
            self.address = a
        elif self.kind in ("remove", "unmap"):
            self.start, self.end = a, b
            self.address = a

    def __repr__(self):
        fields = ", ".join("%s=%r" % (n, getattr(self, n)) for n in self.__slots__
                           if n != "kind" and getattr(self, n) is not None)
        return "Event(%s, %s)" % (self.kind, fields)


class Uffd:
    """A userfaultfd.

    engine: "auto", "kernel", "emulated", or None for $UFFD_ENGINE (auto
    when unset).  features: UFFD_FEATURE_* bits for UFFDIO_API (EINVAL when
    one is not available).  The granted features and ioctls are
    .features and .ioctls; .engine says which engine serves it.
    Errors raise OSError with the kernel's errno.
    """

    def __init__(self, engine=None, nonblocking=True, features=0, cloexec=True,
                 user_mode_only=True):
        if engine is not None and engine not in _lib.ENGINES:
            raise ValueError("engine must be auto, kernel or emulated, not %r" % (engine,))
        flags = (_lib.O_NONBLOCK if nonblocking else 0) | (_lib.O_CLOEXEC if cloexec else 0)
        flags |= _lib.UFFD_USER_MODE_ONLY if user_mode_only else 0
        if engine is None:
            fd = lib.uffd_open(flags)
        else:
            fd = lib.uffd_open_engine(flags, _lib.ENGINES[engine])
        if fd < 0:
            why = (lib.uffd_diagnostic() or b"").decode(errors="replace")
            _raise(" (%s)" % why if why else "")
        self._fd = fd
        api = _lib.uffdio_api(api=_lib.UFFD_API, features=features)
        try:
            self._ioctl(_lib.UFFDIO_API, api)
        except OSError:
            self.close()
            raise
        self.features = api.features
        self.ioctls = api.ioctls
        self.engine = lib.uffd_engine(fd).decode()

    # -- descriptor ------------------------------------------------------

    def fileno(self):
        if self._fd < 0:
            raise ValueError("I/O operation on a closed uffd")
        return self._fd

    def close(self):
        """Closes the descriptor (through libuffd: an emulated uffd is
        released at once, its blocked faults see zero pages)."""
        fd, self._fd = self._fd, -1
        if fd >= 0:
            lib.close(fd)

    @property
    def closed(self):
        return self._fd < 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_fd", -1) >= 0:
            self.close()

    def _ioctl(self, request, arg):
        _check(lib.uffd_ioctl(self.fileno(), request, ctypes.byref(arg)))

    # -- ranges ----------------------------------------------------------

    def register(self, addr, length, missing=True, wp=False, minor=False):
        """Registers a range; returns the ioctls available on it (IOCTL_*)."""
        mode = (1 if missing else 0) | (2 if wp else 0) | (4 if minor else 0)
        reg = _lib.uffdio_register(_lib.uffdio_range(_address(addr), length), mode)
        self._ioctl(_lib.UFFDIO_REGISTER, reg)
        return reg.ioctls

    def unregister(self, addr, length):
        self._ioctl(_lib.UFFDIO_UNREGISTER, _lib.uffdio_range(_address(addr), length))

    def wake(self, addr, length):
        self._ioctl(_lib.UFFDIO_WAKE, _lib.uffdio_range(_address(addr), length))

    def _progress(self, request, op):
        """An ioctl reporting bytes done in op.result: returns them; a
        partial result raises BlockingIOError (EAGAIN) whose
        characters_written is the bytes done."""
        r = lib.uffd_ioctl(self.fileno(), request, ctypes.byref(op))
        if r < 0:
            e = ctypes.get_errno()
            err = OSError(e, os.strerror(e))
            if e == _errno.EAGAIN and op.result > 0:
                err.characters_written = op.result
            raise err
        return op.result

    def copy(self, dst, data, wake=True, wp=False):
        """UFFDIO_COPY of data (bytes-like, or an (address, length) pair)
        to dst; returns the bytes copied."""
        if isinstance(data, tuple):
            src, length = _address(data[0]), data[1]
            keep = None
        else:
            view = memoryview(data).cast("B")
            length = view.nbytes
            if view.readonly:
                keep = (ctypes.c_char * length).from_buffer_copy(view)
            else:
                keep = (ctypes.c_char * length).from_buffer(view)
            src = ctypes.addressof(keep)
        mode = (0 if wake else _DONTWAKE) | (2 if wp else 0)
        op = _lib.uffdio_copy(dst=_address(dst), src=src, len=length, mode=mode)
        return self._progress(_lib.UFFDIO_COPY, op)

    def _range_op(self, request, addr, length, wake):
        op = _lib.uffdio_range_op(_lib.uffdio_range(_address(addr), length),
                                  0 if wake else _DONTWAKE)
        return self._progress(request, op)

    def zeropage(self, addr, length, wake=True):
        """UFFDIO_ZEROPAGE; returns the bytes done."""
        return self._range_op(_lib.UFFDIO_ZEROPAGE, addr, length, wake)

    def continue_(self, addr, length, wake=True):
        """UFFDIO_CONTINUE (MINOR mode); returns the bytes mapped."""
        return self._range_op(_lib.UFFDIO_CONTINUE, addr, length, wake)

    def poison(self, addr, length, wake=True):
        """UFFDIO_POISON; returns the bytes done."""
        return self._range_op(_lib.UFFDIO_POISON, addr, length, wake)

    def move(self, dst, src, length, wake=True, allow_src_holes=False):
        """UFFDIO_MOVE (needs FEATURE_MOVE); returns the bytes moved."""
        mode = (0 if wake else _DONTWAKE) | (2 if allow_src_holes else 0)
        op = _lib.uffdio_copy(dst=_address(dst), src=_address(src), len=length, mode=mode)
        return self._progress(_lib.UFFDIO_MOVE, op)

    def write_protect(self, addr, length, on=True, wake=True):
        """UFFDIO_WRITEPROTECT: protect (on) or unprotect a range; wake
        applies to unprotecting."""
        mode = 1 if on else (0 if wake else 2)
        self._ioctl(_lib.UFFDIO_WRITEPROTECT,
                    _lib.uffdio_writeprotect(_lib.uffdio_range(_address(addr), length), mode))

    # -- events ----------------------------------------------------------

    def read_events(self, max_events=64):
        """The queued events, up to max_events: [] when non-blocking and
        nothing is queued; a blocking uffd waits for at least one.  The GIL
        is released while waiting."""
        buf = ctypes.create_string_buffer(32 * max_events)
        n = lib.read(self.fileno(), buf, len(buf))
        if n < 0:
            if ctypes.get_errno() == _errno.EAGAIN:
                return []
            _raise()
        raw = buf.raw[:n]
        return [Event(raw[i:i + 32]) for i in range(0, n - n % 32, 32)]

    def __repr__(self):
        return "<uffd.Uffd fd=%d engine=%s>" % (self._fd, getattr(self, "engine", "?"))
