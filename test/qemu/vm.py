# SPDX-License-Identifier: MIT
"""One QEMU process running the test guest (test/qemu/guest/), TCG only.

The VM's serial port goes to a file, QMP to a UNIX socket, QEMU's own
output to a log, all in a work directory.  A wrapper (`uffd run ...`,
`uffd sandbox -- ...`) may come before QEMU on the command line; QEMU's
pid comes from its -pidfile, so that stop() ends both the wrapper and
QEMU by pid.  Every wait is bounded.
"""
import os
import re
import signal
import subprocess
import time

from qmp import Qmp

PASS_RE = re.compile(r"^pass (\d+) (ok|BAD (\d+) words) cold-sum (0x[0-9a-f]+) hot-gen (\d+)$")
MIB = 1 << 20


class GuestLayout:
    """Where the guest puts its hot and cold parts (guest.c), in MiB."""

    def __init__(self, ram=320, base=16, hot=16, cold=256):
        self.ram, self.base, self.hot, self.cold = ram, base, hot, cold

    def append(self):
        return "base=%d hot=%d cold=%d" % (self.base, self.hot, self.cold)

    def cold_range(self):
        """(guest-physical address, length) of the cold part."""
        return ((self.base + self.hot) * MIB, self.cold * MIB)


class Vm:
    def __init__(self, name, workdir, qemu, guest, layout, wrapper=(), memfd=False,
                 incoming=False, hugetlb=False):
        self.name = name
        self.serial = os.path.join(workdir, name + ".serial")
        self.sock = os.path.join(workdir, name + ".qmp")
        self.pidfile = os.path.join(workdir, name + ".pid")
        self.logfile = os.path.join(workdir, name + ".log")
        machine = "pc,accel=tcg" + (",memory-backend=ram0" if memfd else "")
        self.argv = list(wrapper) + [
            qemu, "-name", name, "-machine", machine, "-m", "%dM" % layout.ram,
            "-nodefaults", "-no-user-config", "-display", "none",
            "-serial", "file:" + self.serial,
            "-qmp", "unix:%s,server=on,wait=off" % self.sock,
            "-pidfile", self.pidfile,
            "-kernel", guest, "-append", layout.append(),
        ]
        if memfd:
            self.argv += ["-object", "memory-backend-memfd,id=ram0,size=%dM,share=on%s"
                          % (layout.ram, ",hugetlb=on" if hugetlb else "")]
        if incoming:
            self.argv += ["-incoming", "defer"]
        self.proc = None
        self.qmp = None
        self.qemu_pid = None

    def start(self, timeout=30.0):
        for path in (self.serial, self.sock, self.pidfile):
            if os.path.exists(path):
                os.unlink(path)
        with open(self.logfile, "wb") as log:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)
        try:
            self.qmp = Qmp(self.sock, wait=timeout)
        except (TimeoutError, ConnectionError) as e:
            raise RuntimeError("%s: QEMU did not start (%s): %s"
                               % (self.name, e, self.log_tail()))
        with open(self.pidfile) as f:
            self.qemu_pid = int(f.read().strip())

    def cmd(self, name, **args):
        return self.qmp.cmd(name, **args)

    def log_tail(self, n=5):
        try:
            with open(self.logfile, errors="replace") as f:
                return " | ".join(f.read().strip().splitlines()[-n:])
        except OSError:
            return ""

    def serial_lines(self):
        try:
            with open(self.serial, errors="replace") as f:
                return f.read().splitlines()
        except OSError:
            return []

    def passes(self):
        """The guest's completed passes: [(number, bad words, cold sum)]."""
        out = []
        for line in self.serial_lines():
            m = PASS_RE.match(line)
            if m:
                out.append((int(m.group(1)), int(m.group(3) or 0), m.group(4)))
        return out

    def bad_lines(self):
        return [l for l in self.serial_lines() if "BAD" in l]

    def wait_serial(self, pred, what, timeout):
        """Until pred(lines) is true; RuntimeError after @timeout s."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.serial_lines()
            if pred(lines):
                return lines
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited (status %s) waiting for %s: %s"
                                   % (self.name, self.proc.returncode, what,
                                      self.log_tail()))
            if time.monotonic() >= deadline:
                raise RuntimeError("%s: no %s after %.0f s (serial: %s)"
                                   % (self.name, what, timeout,
                                      " | ".join(lines[-3:])))
            time.sleep(0.2)

    def engine(self):
        """Which userfaultfd QEMU holds now: kernel, emulated or None."""
        fddir = "/proc/%d/fd" % self.qemu_pid
        try:
            links = [os.readlink(os.path.join(fddir, fd)) for fd in os.listdir(fddir)]
        except OSError:
            return None
        if "anon_inode:[userfaultfd]" in links:
            return "kernel"
        # The emulated engine's queue (src/emu_ctx.c, ctx_make).
        if any(l.startswith("/memfd:libuffd-queue") for l in links):
            return "emulated"
        return None

    def maps_have(self, text):
        """Whether a mapping of QEMU's names @text (a memfd's name, say)."""
        try:
            with open("/proc/%d/maps" % self.qemu_pid) as f:
                return text in f.read()
        except OSError:
            return False

    def stop(self):
        """End QEMU and its wrapper, by pid: quit, then SIGTERM, then SIGKILL."""
        if self.qmp:
            try:
                self.qmp.sock.settimeout(5)
                self.qmp.cmd("quit")
            except Exception:
                pass
            self.qmp.close()
            self.qmp = None
        if not self.proc:
            return
        for sig, wait in ((None, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 10)):
            if sig:
                for pid in (self.qemu_pid, self.proc.pid):
                    if alive(pid):
                        try:
                            os.kill(pid, sig)
                        except ProcessLookupError:
                            pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.proc.poll() is not None and not alive(self.qemu_pid):
                    break
                time.sleep(0.05)
            else:
                continue
            break
        self.proc = None


def alive(pid):
    """Whether @pid runs (a zombie does not)."""
    if not pid:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
