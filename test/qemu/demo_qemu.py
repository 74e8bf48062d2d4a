#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make demo-qemu`: QEMU post-copy live migration inside a sandbox that
refuses userfaultfd, with libuffd and without it, told in plain words;
then the kernel's userfaultfd and libuffd's emulated engine side by side.

    demo_qemu.py --build DIR [--reps N] [--keep]

Exit status 0 when the sandboxed migration succeeds with libuffd and is
refused without it, 1 otherwise, 77 when QEMU or the build is missing.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from migration import Config, Failure, Leg, exit_on_signals, locate, migrate  # noqa: E402
from vm import GuestLayout  # noqa: E402


def say(text=""):
    print(text, flush=True)


def sandboxed(cfg):
    say("1. The destination QEMU inside `uffd sandbox` (userfaultfd(2) fails with")
    say("   EPERM, opening /dev/userfaultfd with EACCES, as under a container's")
    say("   seccomp profile), started as `uffd run --engine=auto -- qemu-system-x86_64 ...`:")
    try:
        r = migrate(Leg("sandbox", "sandbox", engine="emulated"), cfg)
    except Failure as e:
        say("   FAILED: %s" % e)
        return False
    say("   engine used:              %s (libuffd fell back from the refused kernel"
        % r.engine)
    say("                             userfaultfd)")
    say("   migration time:           %.1f s, of which post-copy %.1f s (post-copy"
        % (r.total_ms / 1000.0, r.postcopy_s))
    say("                             bandwidth capped at %d MiB/s, so that the guest"
        % cfg.postcopy_bw)
    say("                             runs ahead of the pages and waits for some)")
    say("   post-copy page requests:  %s (pages the guest touched before they came;"
        % r.requests)
    say("                             its vCPU waited for them %s ms in all)"
        % r.blocktime_ms)
    say("   downtime:                 %s ms" % r.downtime_ms)
    say("   guest memory verified:    %d MiB byte for byte equal to the source's"
        % r.verified_mib)
    say("                             (pmemsave); the guest checked all of its memory")
    say("                             again on the destination, %d passes, no bad word"
        % r.passes_after)
    say()
    return True


def refused(cfg):
    say("2. The same destination in the same sandbox, without libuffd:")
    try:
        r = migrate(Leg("sandbox-without-libuffd", "sandbox-alone"), cfg)
    except Failure as e:
        say("   UNEXPECTED: %s" % e)
        return False
    say("   QEMU answers:             \"%s\"" % r.refused)
    if r.refused_log:
        say("   and prints:               %s" % r.refused_log)
    say()
    return True


def side_by_side(cfg, reps, memfd=False):
    say("3. The kernel's userfaultfd (destination natively) and libuffd's emulated")
    say("   engine (destination under `uffd run --engine=emulated`), post-copy not")
    say("   capped, %d migrations each, alternating; medians%s:"
        % (reps, ", guest RAM on memory-backend-memfd,share=on" if memfd else ""))
    runs = {"native": [], "emulated": []}
    legs = [Leg("native", "native", engine="kernel", memfd=memfd),
            Leg("emulated", "emulated", engine="emulated", memfd=memfd)]
    for _ in range(reps):
        for leg in legs:
            try:
                runs[leg.name].append(migrate(leg, cfg))
            except Failure as e:
                say("   %s: FAILED: %s" % (leg.name, e))
                return False
    say("   %-10s %10s %14s %9s %9s %9s" % ("engine", "total (s)", "post-copy (s)",
                                            "requests", "downtime", "verified"))
    med = {}
    for name, rs in runs.items():
        med[name] = (statistics.median(r.total_ms / 1000.0 for r in rs),
                     statistics.median(r.postcopy_s for r in rs),
                     statistics.median(r.requests for r in rs),
                     statistics.median(r.downtime_ms for r in rs))
        say("   %-10s %10.2f %14.2f %9d %6d ms %5d MiB"
            % (rs[0].engine, med[name][0], med[name][1], med[name][2], med[name][3],
               min(r.verified_mib for r in rs)))
    for name, rs in runs.items():
        say("   %-10s post-copy phase of each run: %s s" % (
            rs[0].engine, ", ".join("%.2f" % r.postcopy_s for r in rs)))
    say("   emulated / kernel: total %.1fx, post-copy phase %.1fx"
        % (med["emulated"][0] / med["native"][0], med["emulated"][1] / med["native"][1]))
    say()
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--memfd", action="store_true",
                    help="guest RAM on memory-backend-memfd,share=on in the side-by-side runs")
    ap.add_argument("--only-measure", action="store_true",
                    help="only the side-by-side runs")
    args = ap.parse_args()
    exit_on_signals()
    qemu, guest, uffd = locate(args.build)
    version = subprocess.run([qemu, "--version"], capture_output=True, text=True,
                             timeout=30).stdout.splitlines()[0]
    layout = GuestLayout()
    work = tempfile.mkdtemp(prefix="libuffd-qemu-")
    say("QEMU post-copy live migration with libuffd")
    say("  %s, TCG; source and destination on 127.0.0.1" % version)
    say("  guest: test/qemu/guest, %d MiB of RAM; it fills %d MiB with a pattern,"
        % (layout.ram, layout.cold))
    say("  keeps rewriting %d MiB more, checks everything and reports on its serial port"
        % layout.hot)
    say()
    try:
        shown = args.only_measure or sandboxed(Config(qemu, guest, uffd, layout, work))
        shown = args.only_measure or (refused(Config(qemu, guest, uffd, layout, work))
                                      and shown)
        measured = args.reps <= 0 or side_by_side(
            Config(qemu, guest, uffd, layout, work, postcopy_bw=0), args.reps,
            memfd=args.memfd)
    finally:
        if args.keep:
            say("work directory: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.only_measure:
        pass
    elif shown:
        say("demo-qemu: in the sandbox, post-copy migration works with libuffd "
            "and is refused without it")
    else:
        say("demo-qemu: FAILED (see above)")
    return 0 if shown and measured else 1


if __name__ == "__main__":
    sys.exit(main())
