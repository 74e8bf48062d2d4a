# SPDX-License-Identifier: MIT
"""One post-copy live migration of the test guest, checked end to end.

A source VM (plain QEMU) boots the guest and waits for its first full
pass; a destination VM starts with `-incoming defer`, possibly under a
wrapper (`uffd run`, `uffd sandbox`); both get the postcopy-ram
capability (the destination also postcopy-blocktime), the source sends
pre-copy for a moment at a capped bandwidth, then switches to post-copy,
also capped, so that the guest on the destination touches pages that have
not arrived and QEMU asks for them.  The migration passes when

  - the source reports `completed` and the destination runs on;
  - the guest prints two more passes on the destination, with no BAD word
    on either side and the same cold-part checksum as on the source;
  - the cold part of guest memory (QMP pmemsave) is byte for byte the
    source's (the hot part keeps changing: the guest checks it itself);
  - with dump=True, a dump-guest-memory started as soon as the destination
    runs in post-copy (QEMU then write(2)s pages that have not arrived:
    faults inside a system call) completes and holds the same cold part.

Every wait is bounded; both VMs are stopped by pid in every case.
"""
import hashlib
import os
import shutil
import signal
import socket
import struct
import sys
import time

from qmp import QmpError
from vm import MIB, Vm


class Failure(Exception):
    """The migration did not do what the leg expects (the text says what)."""


class Leg:
    """What runs the destination and what to check.

    dest: "native" (QEMU as is), "emulated" (uffd run --engine=emulated),
    "sandbox" (uffd sandbox -- uffd run --engine=auto) or "sandbox-alone"
    (uffd sandbox -- QEMU, without libuffd: post-copy must be refused).
    """

    def __init__(self, name, dest, engine=None, memfd=False, dump=False, hugetlb=False):
        self.name, self.dest, self.engine = name, dest, engine
        self.memfd, self.dump, self.hugetlb = memfd or hugetlb, dump, hugetlb
        self.refused = dest == "sandbox-alone"

    def wrapper(self, uffd):
        return {
            "native": [],
            "emulated": [uffd, "run", "--engine=emulated", "--"],
            "sandbox": [uffd, "sandbox", "--", uffd, "run", "--engine=auto", "--"],
            "sandbox-alone": [uffd, "sandbox", "--"],
        }[self.dest]


class Config:
    def __init__(self, qemu, guest, uffd, layout, workdir, precopy_mib=32,
                 precopy_bw=64, postcopy_bw=64, timeout=180):
        self.qemu, self.guest, self.uffd, self.layout = qemu, guest, uffd, layout
        self.workdir = workdir
        self.precopy_mib = precopy_mib      # sent before switching to post-copy
        self.precopy_bw = precopy_bw        # MiB/s
        self.postcopy_bw = postcopy_bw      # MiB/s
        self.timeout = timeout              # s, for each wait


class Result:
    def __init__(self):
        self.engine = None          # "kernel" / "emulated", seen during post-copy
        self.refused = None         # QEMU's answer when post-copy was refused
        self.refused_log = None     # and what it printed
        self.total_ms = None        # source's total-time
        self.downtime_ms = None     # source's downtime
        self.postcopy_s = None      # migrate-start-postcopy to completed
        self.requests = None        # pages the destination asked for
        self.blocktime_ms = None    # destination's postcopy-blocktime
        self.verified_mib = 0       # cold part compared byte for byte
        self.passes_after = 0       # guest passes on the destination
        self.dump_hash = None       # of the cold part in the dump
        self.dump_mib = 0           # cold part found equal in the dump


def locate(build):
    """(qemu, guest, uffd) paths, or exit 77 with the reason."""
    qemu = shutil.which("qemu-system-x86_64")
    guest = os.path.join(build, "qemu", "guest.elf")
    uffd = os.path.join(build, "uffd")
    missing = [what for what, ok in (
        ("qemu-system-x86_64 (scripts/deps-qemu.sh installs it)", qemu),
        (guest + " (make " + guest + ")", os.path.exists(guest)),
        (uffd + " (make)", os.access(uffd, os.X_OK))) if not ok]
    if missing:
        print("SKIP: missing " + ", ".join(missing))
        sys.exit(77)
    return qemu, os.path.abspath(guest), os.path.abspath(uffd)


def exit_on_signals():
    """SIGTERM and SIGHUP end the driver like Ctrl-C does: through every
    `finally`, so that the VMs it started are stopped by pid."""
    def leave(sig, frame):
        raise SystemExit(128 + sig)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(what, timeout, fn):
    """fn() until it returns something true; Failure after @timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise Failure("no %s after %.0f s" % (what, timeout))
        time.sleep(0.05)


def sha256_file(path, offset=0, length=None):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(offset)
        left = length if length is not None else os.fstat(f.fileno()).st_size - offset
        while left > 0:
            chunk = f.read(min(left, 4 * MIB))
            if not chunk:
                raise Failure("%s ends early" % path)
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def elf_segment_offset(path, paddr, length):
    """File offset of guest-physical [paddr, +length) in an ELF dump."""
    with open(path, "rb") as f:
        hdr = f.read(64)
        if hdr[:4] != b"\x7fELF":
            raise Failure("%s is not an ELF file" % path)
        is64 = hdr[4] == 2
        if is64:
            phoff = struct.unpack_from("<Q", hdr, 0x20)[0]
            phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
        else:
            phoff = struct.unpack_from("<I", hdr, 0x1C)[0]
            phentsize, phnum = struct.unpack_from("<HH", hdr, 0x2A)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ph = f.read(phentsize)
            if is64:
                ptype, _, off, _, pa, filesz = struct.unpack_from("<IIQQQQ", ph)
            else:
                ptype, off, _, pa, filesz = struct.unpack_from("<IIIII", ph)
            if ptype == 1 and pa <= paddr and paddr + length <= pa + filesz:
                return off + paddr - pa
    raise Failure("the dump has no segment holding 0x%x+%d MiB" % (paddr, length // MIB))


def pmem_hash(vm, cfg, tag):
    addr, length = cfg.layout.cold_range()
    path = os.path.join(cfg.workdir, "%s.%s.pmem" % (vm.name, tag))
    try:
        vm.cmd("pmemsave", val=addr, size=length, filename=path)
        if os.path.getsize(path) != length:
            raise Failure("%s: pmemsave wrote %d bytes, not %d"
                          % (vm.name, os.path.getsize(path), length))
        return sha256_file(path)
    finally:
        if os.path.exists(path):
            os.unlink(path)


def query_status(vm):
    try:
        return vm.cmd("query-status")["status"]
    except (QmpError, OSError):
        return None


def start(leg, cfg, src, dst, res):
    """Both VMs up, post-copy enabled: False when the destination refused."""
    src.start()
    src.wait_serial(lambda ls: src.passes(), "first guest pass on the source",
                    cfg.timeout)
    dst.start()
    caps = [{"capability": "postcopy-ram", "state": True}]
    src.cmd("migrate-set-capabilities", capabilities=caps)
    try:
        dst.cmd("migrate-set-capabilities", capabilities=caps + [
            {"capability": "postcopy-blocktime", "state": True}])
    except QmpError as e:
        if not leg.refused:
            raise Failure("the destination refused post-copy: %s (QEMU: %s)"
                          % (e, dst.log_tail()))
        res.refused, res.refused_log = str(e), dst.log_tail()
        return False
    if leg.refused:
        raise Failure("the destination accepted post-copy without libuffd "
                      "inside the sandbox")
    return True


def run_postcopy(leg, cfg, src, dst, res):
    """Migrate; returns once the source reports completed."""
    uri = "tcp:127.0.0.1:%d" % free_port()
    dst.cmd("migrate-incoming", uri=uri)
    src.cmd("migrate-set-parameters", **{
        "max-bandwidth": cfg.precopy_bw * MIB,
        "max-postcopy-bandwidth": cfg.postcopy_bw * MIB})
    src.cmd("migrate", uri=uri)

    def precopied():
        info = src.cmd("query-migrate")
        if info.get("status") in ("failed", "cancelled"):
            raise Failure("migration %s in pre-copy: %s"
                          % (info["status"], info.get("error-desc")))
        ram = info.get("ram", {})
        return info.get("status") == "active" and \
            ram.get("transferred", 0) >= cfg.precopy_mib * MIB
    wait_for("pre-copy of %d MiB" % cfg.precopy_mib, cfg.timeout, precopied)
    t0 = time.monotonic()
    src.cmd("migrate-start-postcopy")
    dump = os.path.join(cfg.workdir, "destination.dump")
    dumping = False
    deadline = t0 + cfg.timeout
    while True:
        info = src.cmd("query-migrate")
        status = info.get("status")
        if status == "completed":
            break
        if status in ("failed", "cancelled"):
            raise Failure("migration %s: %s (destination: %s)"
                          % (status, info.get("error-desc"), dst.log_tail()))
        if res.engine is None:
            res.engine = dst.engine()
        if leg.dump and not dumping and status == "postcopy-active" and \
                query_status(dst) == "running":
            dst.cmd("dump-guest-memory", paging=False, protocol="file:" + dump,
                    detach=True)
            dumping = True
        if time.monotonic() >= deadline:
            raise Failure("migration not completed after %.0f s (status %s)"
                          % (cfg.timeout, status))
        time.sleep(0.05)
    res.postcopy_s = time.monotonic() - t0
    res.total_ms = info.get("total-time")
    res.downtime_ms = info.get("downtime")
    res.requests = info.get("ram", {}).get("postcopy-requests")
    if leg.dump:
        if not dumping:
            raise Failure("post-copy ended before the dump could start")
        check_dump(cfg, dst, dump, res)


def check_dump(cfg, dst, path, res):
    def done():
        st = dst.cmd("query-dump").get("status")
        if st == "failed":
            raise Failure("dump-guest-memory failed: %s" % dst.log_tail())
        return st == "completed"
    try:
        wait_for("completed dump", cfg.timeout, done)
        addr, length = cfg.layout.cold_range()
        res.dump_hash = sha256_file(path, elf_segment_offset(path, addr, length), length)
    finally:
        if os.path.exists(path):
            os.unlink(path)


def verify(leg, cfg, src, dst, res):
    """The destination runs on with the source's memory."""
    def dst_completed():
        info = dst.cmd("query-migrate")
        return info if info.get("status") == "completed" else None
    wait_for("destination running", 30, lambda: query_status(dst) == "running")
    info = wait_for("migration completed on the destination", 30, dst_completed)
    res.blocktime_ms = info.get("postcopy-blocktime")
    if query_status(src) != "postmigrate":
        raise Failure("source status %s, not postmigrate" % query_status(src))
    if leg.memfd and not (src.maps_have("/memfd:memory-backend-memfd") and
                          dst.maps_have("/memfd:memory-backend-memfd")):
        raise Failure("guest RAM is not on the memfd backend")
    if res.engine != leg.engine:
        raise Failure("destination used the %s engine, not %s" % (res.engine, leg.engine))
    before = len(dst.passes())
    dst.wait_serial(lambda ls: len(dst.passes()) >= before + 2,
                    "two guest passes on the destination", cfg.timeout)
    res.passes_after = len(dst.passes())
    bad = src.bad_lines() + dst.bad_lines()
    if bad:
        raise Failure("the guest found bad words: %s" % " | ".join(bad[:4]))
    src_sum = src.passes()[0][2]
    sums = set(p[2] for p in src.passes() + dst.passes())
    if sums != {src_sum}:
        raise Failure("cold-part checksums differ: %s" % sorted(sums))
    want = pmem_hash(src, cfg, "cold")
    if pmem_hash(dst, cfg, "cold") != want:
        raise Failure("the destination's cold part differs from the source's")
    res.verified_mib = cfg.layout.cold
    if leg.dump:
        if res.dump_hash != want:
            raise Failure("the dump taken during post-copy differs from the "
                          "source's memory")
        res.dump_mib = cfg.layout.cold


def migrate(leg, cfg):
    """Run @leg: a Result, or Failure (any other exception is a bug here)."""
    res = Result()
    src = Vm("source", cfg.workdir, cfg.qemu, cfg.guest, cfg.layout, memfd=leg.memfd,
             hugetlb=leg.hugetlb)
    dst = Vm("destination", cfg.workdir, cfg.qemu, cfg.guest, cfg.layout,
             wrapper=leg.wrapper(cfg.uffd), memfd=leg.memfd, incoming=True,
             hugetlb=leg.hugetlb)
    try:
        if start(leg, cfg, src, dst, res):
            run_postcopy(leg, cfg, src, dst, res)
            verify(leg, cfg, src, dst, res)
    except (RuntimeError, QmpError, OSError) as e:
        raise Failure(str(e))
    finally:
        dst.stop()
        src.stop()
    return res
