# SPDX-License-Identifier: MIT
"""Loading libuffd.so and the C declarations the module uses.

libuffd.so is looked for, in order: $LIBUFFD_SO; next to the installed
package ($PREFIX/lib/python3/dist-packages/uffd -> $PREFIX/lib); the
source tree's build/ (bindings/python/uffd -> build/); ctypes.util.

Loading the library with ctypes does not interpose anything for the
Python process: Python's own read(), close(), mmap() still go to the C
library.  The functions of the handle below do go to libuffd, and
libuffd's read, close, poll, mmap, munmap, madvise and mremap are the
interposed versions that an emulated uffd needs.
"""
import ctypes
import ctypes.util
import os
import struct

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("LIBUFFD_SO")
    if env:
        yield env
    lib = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))
    yield os.path.join(lib, "libuffd.so.0")
    yield os.path.join(lib, "libuffd.so")
    yield os.path.normpath(os.path.join(_HERE, "..", "..", "..", "build", "libuffd.so"))
    found = ctypes.util.find_library("uffd")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path, use_errno=True)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("libuffd.so not found (set LIBUFFD_SO); tried: " + ", ".join(tried))


lib = _load()

c_int, c_ulong, c_size_t, c_void_p = ctypes.c_int, ctypes.c_ulong, ctypes.c_size_t, ctypes.c_void_p


def _proto(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = argtypes
    return f


uffd_open = _proto("uffd_open", c_int, c_int)
uffd_open_engine = _proto("uffd_open_engine", c_int, c_int, c_int)
uffd_ioctl = _proto("uffd_ioctl", c_int, c_int, c_ulong, c_void_p)
uffd_engine = _proto("uffd_engine", ctypes.c_char_p, c_int)
uffd_diagnostic = _proto("uffd_diagnostic", ctypes.c_char_p)
read = _proto("read", ctypes.c_ssize_t, c_int, c_void_p, c_size_t)
close = _proto("close", c_int, c_int)
mmap = _proto("mmap", c_void_p, c_void_p, c_size_t, c_int, c_int, c_int, ctypes.c_long)
munmap = _proto("munmap", c_int, c_void_p, c_size_t)
madvise = _proto("madvise", c_int, c_void_p, c_size_t, c_int)

ENGINES = {"auto": 0, "kernel": 1, "emulated": 2}

O_CLOEXEC = 0o2000000
O_NONBLOCK = 0o4000
UFFD_USER_MODE_ONLY = 1
UFFD_API = 0xAA


class uffdio_api(ctypes.Structure):
    _fields_ = [("api", ctypes.c_uint64), ("features", ctypes.c_uint64), ("ioctls", ctypes.c_uint64)]


class uffdio_range(ctypes.Structure):
    _fields_ = [("start", ctypes.c_uint64), ("len", ctypes.c_uint64)]


class uffdio_register(ctypes.Structure):
    _fields_ = [("range", uffdio_range), ("mode", ctypes.c_uint64), ("ioctls", ctypes.c_uint64)]


class uffdio_copy(ctypes.Structure):
    """UFFDIO_COPY and UFFDIO_MOVE (same layout)."""
    _fields_ = [("dst", ctypes.c_uint64), ("src", ctypes.c_uint64), ("len", ctypes.c_uint64),
                ("mode", ctypes.c_uint64), ("result", ctypes.c_int64)]


class uffdio_range_op(ctypes.Structure):
    """UFFDIO_ZEROPAGE, UFFDIO_CONTINUE and UFFDIO_POISON (same layout)."""
    _fields_ = [("range", uffdio_range), ("mode", ctypes.c_uint64), ("result", ctypes.c_int64)]


class uffdio_writeprotect(ctypes.Structure):
    _fields_ = [("range", uffdio_range), ("mode", ctypes.c_uint64)]


def _ioc(direction, nr, struct_type):
    return (direction << 30) | (ctypes.sizeof(struct_type) << 16) | (0xAA << 8) | nr


_R, _RW = 2, 3
UFFDIO_API = _ioc(_RW, 0x3F, uffdio_api)
UFFDIO_REGISTER = _ioc(_RW, 0x00, uffdio_register)
UFFDIO_UNREGISTER = _ioc(_R, 0x01, uffdio_range)
UFFDIO_WAKE = _ioc(_R, 0x02, uffdio_range)
UFFDIO_COPY = _ioc(_RW, 0x03, uffdio_copy)
UFFDIO_ZEROPAGE = _ioc(_RW, 0x04, uffdio_range_op)
UFFDIO_MOVE = _ioc(_RW, 0x05, uffdio_copy)
UFFDIO_WRITEPROTECT = _ioc(_RW, 0x06, uffdio_writeprotect)
UFFDIO_CONTINUE = _ioc(_RW, 0x07, uffdio_range_op)
UFFDIO_POISON = _ioc(_RW, 0x08, uffdio_range_op)

# struct uffd_msg: event, 7 reserved bytes, then three 64-bit words.
MSG = struct.Struct("=B7xQQQ")
assert MSG.size == 32
