# SPDX-License-Identifier: MIT
"""Tests of the uffd module (see harness.py for how they run).  The
faulting code is always code that released the GIL (ctypes.memmove), the
handler a Python thread.
"""
import ctypes
import errno
import select
import sys
import threading

import uffd
from harness import kernel_unavailable, main, test

PS = uffd.page_size()


def open_uffd(engine, **kw):
    try:
        return uffd.Uffd(engine=engine, **kw)
    except OSError as e:
        kernel_unavailable(engine, e)
        raise


class Handler(threading.Thread):
    """Serves missing-page faults until `count` are served, with
    fill(index) as the page for the page at that index."""

    def __init__(self, u, base, count, fill):
        super().__init__(daemon=True)
        self.u, self.base, self.count, self.fill = u, base, count, fill
        self.events, self.error = [], None

    def run(self):
        p = select.poll()
        p.register(self.u.fileno(), select.POLLIN)
        try:
            served = 0
            while served < self.count:
                if not p.poll(20000):
                    raise AssertionError("no fault within 20 s")
                for ev in self.u.read_events():
                    assert ev.kind == "pagefault", ev
                    self.events.append(ev)
                    index = (ev.address - self.base) // PS
                    self.u.copy(ev.address, self.fill(index))
                    served += 1
        except BaseException as e:  # reported by finish()
            self.error = e

    def finish(self):
        self.join(30)
        assert not self.is_alive(), "handler thread stuck"
        if self.error:
            raise self.error


def page_of(index):
    return bytes([index % 251 + 1]) * PS


@test
def serves_128_pages_faulted_from_memmove(engine):
    pages = 128
    with open_uffd(engine) as u:
        assert u.engine == engine, u.engine
        base = uffd.mmap_anonymous(pages * PS)
        ioctls = u.register(base, pages * PS)
        assert ioctls & uffd.IOCTL_COPY and ioctls & uffd.IOCTL_ZEROPAGE, hex(ioctls)
        h = Handler(u, base, pages, page_of)
        h.start()
        dst = ctypes.create_string_buffer(pages * PS)
        # ctypes.memmove releases the GIL: its faults are served by h.
        ctypes.memmove(dst, base, pages * PS)
        h.finish()
        for i in range(pages):
            assert dst.raw[i * PS:(i + 1) * PS] == page_of(i), "page %d" % i
        assert len(h.events) == pages
        assert not any(ev.write for ev in h.events)
        u.unregister(base, pages * PS)
        uffd.munmap(base, pages * PS)


@test
def write_faults_from_memmove(engine):
    pages = 8
    with open_uffd(engine, features=uffd.FEATURE_THREAD_ID) as u:
        base = uffd.mmap_anonymous(pages * PS)
        u.register(base, pages * PS)
        h = Handler(u, base, pages, lambda i: bytes(PS))
        h.start()
        src = ctypes.create_string_buffer(b"\x5a" * (pages * PS), pages * PS)
        tids = []

        def writer():
            tids.append(threading.get_native_id())
            ctypes.memmove(base, src, pages * PS)

        w = threading.Thread(target=writer)
        w.start()
        w.join(30)
        h.finish()
        assert all(ev.write and not ev.wp for ev in h.events), h.events
        assert {ev.thread_id for ev in h.events} == set(tids), (h.events, tids)
        assert ctypes.string_at(base, pages * PS) == src.raw[:pages * PS]


@test
def unaligned_register_is_einval(engine):
    with open_uffd(engine) as u:
        base = uffd.mmap_anonymous(2 * PS)
        try:
            u.register(base + 1, PS)
        except OSError as e:
            assert e.errno == errno.EINVAL, e
        else:
            raise AssertionError("unaligned register succeeded")
        uffd.munmap(base, 2 * PS)


@test
def copy_errors_carry_the_kernel_errno(engine):
    with open_uffd(engine) as u:
        base = uffd.mmap_anonymous(PS)
        u.register(base, PS)
        src = uffd.mmap_anonymous(PS)
        ctypes.memset(src, 7, PS)
        assert u.copy(base, (src, PS)) == PS
        try:
            u.copy(base, b"\0" * PS)
        except FileExistsError as e:
            assert e.errno == errno.EEXIST
        else:
            raise AssertionError("second copy succeeded")
        assert ctypes.string_at(base, 4) == b"\7" * 4
        try:
            u.copy(base, b"\0" * 10)
        except OSError as e:
            assert e.errno == errno.EINVAL, e
        else:
            raise AssertionError("unaligned length accepted")
        u.unregister(base, PS)


@test
def nonblocking_read_is_empty(engine):
    with open_uffd(engine) as u:
        base = uffd.mmap_anonymous(PS)
        u.register(base, PS)
        assert u.read_events() == []


@test
def write_protect_round_trip(engine):
    with open_uffd(engine, features=uffd.FEATURE_PAGEFAULT_FLAG_WP) as u:
        base = uffd.mmap_anonymous(PS)
        ioctls = u.register(base, PS, missing=True, wp=True)
        assert ioctls & uffd.IOCTL_WRITEPROTECT
        assert u.zeropage(base, PS) == PS
        u.write_protect(base, PS)
        one = ctypes.create_string_buffer(b"\1", 1)
        w = threading.Thread(target=ctypes.memmove, args=(base, one, 1))
        w.start()
        p = select.poll()
        p.register(u.fileno(), select.POLLIN)
        assert p.poll(20000), "no write-protect fault"
        (ev,) = u.read_events()
        assert ev.kind == "pagefault" and ev.wp and ev.write and ev.address == base, ev
        assert ctypes.string_at(base, 1) == b"\0"
        u.write_protect(base, PS, on=False)
        w.join(30)
        assert not w.is_alive()
        assert ctypes.string_at(base, 1) == b"\1"


@test
def remove_event_via_module_madvise(engine):
    with open_uffd(engine, features=uffd.FEATURE_EVENT_REMOVE) as u:
        base = uffd.mmap_anonymous(4 * PS)
        u.register(base, 4 * PS)
        u.zeropage(base, 4 * PS)
        # The caller of madvise waits until the event is read.
        t = threading.Thread(target=uffd.madvise, args=(base + PS, 2 * PS, 4))  # MADV_DONTNEED
        t.start()
        p = select.poll()
        p.register(u.fileno(), select.POLLIN)
        assert p.poll(20000), "no REMOVE event"
        (ev,) = u.read_events()
        assert (ev.kind, ev.start, ev.end) == ("remove", base + PS, base + 3 * PS), ev
        t.join(30)
        assert not t.is_alive()


@test
def close_releases_and_rejects_use(engine):
    u = open_uffd(engine)
    fd = u.fileno()
    assert fd >= 0 and not u.closed
    u.close()
    assert u.closed
    u.close()
    try:
        u.register(0, PS)
    except ValueError:
        pass
    else:
        raise AssertionError("register on a closed uffd")
    try:
        uffd.Uffd(engine="bogus")
    except ValueError:
        pass
    else:
        raise AssertionError("bogus engine accepted")


# A child process that takes one fault from ctypes.memmove; {read} is how
# it reads the message.
CHILD = """
import ctypes, os, select, struct, threading, uffd
u = uffd.Uffd(engine=%(engine)r)
base = uffd.mmap_anonymous(%(ps)d)
u.register(base, %(ps)d)
dst = ctypes.create_string_buffer(%(ps)d)
t = threading.Thread(target=ctypes.memmove, args=(dst, base, %(ps)d), daemon=True)
t.start()
p = select.poll(); p.register(u.fileno(), select.POLLIN); assert p.poll(20000)
%(read)s
assert len(b) == 32 and b[0] == 0x12 and struct.unpack_from("=Q", b, 16)[0] == base, b
u.zeropage(base, %(ps)d); t.join(20); assert not t.is_alive()
"""


def run_child(engine, read, python_args=(), env=()):
    import os
    import subprocess
    code = CHILD % {"engine": engine, "ps": PS, "read": read}
    r = subprocess.run([sys.executable] + list(python_args) + ["-c", code],
                       env=dict(os.environ, **dict(env)), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, "status %d: %s" % (r.returncode, r.stderr)


@test
def os_read_under_ld_preload(engine):
    """os.read() is the C library's read: on an emulated uffd it reaches
    libuffd only when libuffd.so is preloaded (then it returns whole
    uffd_msgs, as on a kernel uffd)."""
    run_child(engine, "b = os.read(u.fileno(), 64)", env={"LD_PRELOAD": uffd.lib._name})


@test
def faulthandler_enabled_at_startup(engine):
    """python -X faulthandler installs its SIGSEGV handler before the
    engine takes the signal: the engine keeps it for the faults it does
    not own and serves its own."""
    read = "buf = ctypes.create_string_buffer(64); n = uffd.lib.read(u.fileno(), buf, 64); b = buf.raw[:n]"
    run_child(engine, read, python_args=["-X", "faulthandler"])


if __name__ == "__main__":
    sys.exit(main())
