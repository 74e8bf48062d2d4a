# SPDX-License-Identifier: MIT
"""A pool of free 2 MiB huge pages for the hugetlb legs of check-qemu.

    with HugePool(130):
        ...

raises vm.nr_hugepages so that the pool has that many free pages, and puts
the old value back afterwards if nobody changed it meanwhile (other
programs may share the pool).  Skip, with the reason, when the pool cannot
be had.
"""
import os

SYSCTL = "/proc/sys/vm/nr_hugepages"


class Skip(Exception):
    """The leg cannot run here (the text says why)."""


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


class HugePool:
    def __init__(self, pages):
        self.pages = pages
        self.saved = self.set = None

    def __enter__(self):
        if meminfo("Hugepagesize") != 2048:
            raise Skip("the default huge page size is not 2 MiB")
        free = meminfo("HugePages_Free")
        if free >= self.pages:
            return self
        try:
            with open(SYSCTL) as f:
                self.saved = int(f.read())
            self.set = self.saved + self.pages - free
            with open(SYSCTL, "w") as f:
                f.write("%d\n" % self.set)
        except OSError as e:
            self.set = None
            raise Skip("cannot raise %s: %s" % (SYSCTL, e.strerror))
        if meminfo("HugePages_Free") < self.pages:
            self.__exit__()
            raise Skip("only %d free 2 MiB pages, %d needed"
                       % (meminfo("HugePages_Free"), self.pages))
        return self

    def __exit__(self, *exc):
        if self.set is None:
            return
        try:
            with open(SYSCTL) as f:
                if int(f.read()) == self.set:
                    with open(SYSCTL, "w") as g:
                        g.write("%d\n" % self.saved)
        except OSError:
            pass
        self.set = None
