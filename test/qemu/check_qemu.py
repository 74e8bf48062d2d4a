#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make check-qemu`: QEMU post-copy live migration on libuffd, leg by leg.

    check_qemu.py --build DIR [--legs NAME,...] [--keep]

Each leg migrates the test guest from a plain QEMU to a destination QEMU
run natively, under `uffd run`, or inside `uffd sandbox` (which refuses
the kernel's userfaultfd as a container's seccomp profile does), and
passes only when the migration completes and the guest's memory on the
destination is the source's (test/qemu/migration.py).  One line per leg,
then "N passed, N failed".  Exit status 0 when none failed, 77 when QEMU
or the build is missing.
"""
import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from migration import Config, Failure, Leg, exit_on_signals, locate, migrate  # noqa: E402
from vm import GuestLayout  # noqa: E402
from hugepool import HugePool, Skip  # noqa: E402

LEGS = [
    Leg("native", "native", engine="kernel"),
    Leg("emulated", "emulated", engine="emulated"),
    Leg("sandbox", "sandbox", engine="emulated"),
    Leg("sandbox-without-libuffd", "sandbox-alone"),
    Leg("memfd-native", "native", engine="kernel", memfd=True),
    Leg("memfd-emulated", "emulated", engine="emulated", memfd=True),
    Leg("dump-native", "native", engine="kernel", dump=True),
    Leg("dump-emulated", "emulated", engine="emulated", dump=True),
    Leg("hugetlb-native", "native", engine="kernel", hugetlb=True),
    Leg("hugetlb-emulated", "emulated", engine="emulated", hugetlb=True),
]

# hugetlb legs: 128 MiB of guest RAM (64 huge pages a VM, and a few for the
# emulated engine's presence probe); slower links, so that the switch to
# post-copy comes before pre-copy has sent everything.
HUGETLB_LAYOUT = dict(ram=128, base=16, hot=16, cold=64)
HUGETLB_PAGES = 2 * 64 + 4

DESCRIPTION = {
    "native": "destination natively (kernel engine)",
    "emulated": "destination under uffd run --engine=emulated",
    "sandbox": "destination in uffd sandbox, under uffd run --engine=auto",
    "sandbox-without-libuffd": "destination in uffd sandbox without libuffd: "
                               "post-copy refused",
    "memfd-native": "guest RAM on memory-backend-memfd,share=on, kernel engine",
    "memfd-emulated": "guest RAM on memory-backend-memfd,share=on, emulated engine",
    "dump-native": "dump-guest-memory during post-copy, kernel engine",
    "dump-emulated": "dump-guest-memory during post-copy, emulated engine",
    "hugetlb-native": "guest RAM on memory-backend-memfd,hugetlb=on, kernel engine",
    "hugetlb-emulated": "guest RAM on memory-backend-memfd,hugetlb=on, emulated engine",
}


def summary(leg, r):
    if leg.refused:
        return "QEMU refused post-copy as expected: \"%s\"" % r.refused
    text = ("%s engine, %.1f s total (post-copy %.1f s), %s page requests, "
            "downtime %s ms, %d MiB equal to the source, %d guest passes on the "
            "destination"
            % (r.engine, r.total_ms / 1000.0, r.postcopy_s, r.requests,
               r.downtime_ms, r.verified_mib, r.passes_after))
    if leg.dump:
        text += ", dump holds the same %d MiB" % r.dump_mib
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--legs", default=",".join(l.name for l in LEGS))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    exit_on_signals()
    qemu, guest, uffd = locate(args.build)
    wanted = args.legs.split(",")
    unknown = set(wanted) - set(l.name for l in LEGS)
    if unknown:
        ap.error("unknown legs: %s" % ", ".join(sorted(unknown)))
    work = tempfile.mkdtemp(prefix="libuffd-qemu-")
    passed = failed = skipped = 0
    try:
        for leg in [l for l in LEGS if l.name in wanted]:
            if leg.hugetlb:
                cfg = Config(qemu, guest, uffd, GuestLayout(**HUGETLB_LAYOUT), work,
                             precopy_bw=16, postcopy_bw=8)
            else:
                cfg = Config(qemu, guest, uffd, GuestLayout(), work)
            t0 = time.monotonic()
            try:
                with HugePool(HUGETLB_PAGES) if leg.hugetlb else contextlib.nullcontext():
                    r = migrate(leg, cfg)
                print("PASS %s: %s (%.0f s)" % (leg.name, summary(leg, r),
                                                time.monotonic() - t0), flush=True)
                passed += 1
            except Skip as e:
                print("SKIP %s: %s" % (leg.name, e), flush=True)
                skipped += 1
            except Failure as e:
                print("FAIL %s (%s): %s" % (leg.name, DESCRIPTION[leg.name], e),
                      flush=True)
                failed += 1
    finally:
        if args.keep:
            print("work directory: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed) +
          (", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
