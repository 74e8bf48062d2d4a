# SPDX-License-Identifier: MIT
"""What the test scripts share: registration, skipping, the command line.

    python3 test_X.py list
    python3 test_X.py run TEST ENGINE      # exit 0 pass, 77 skip, else fail

bindings/run.sh runs every test of every tests/test_*.py on both engines,
one process each.
"""
import errno
import sys

TESTS = {}


def test(fn):
    TESTS[fn.__name__] = fn
    return fn


class Skip(Exception):
    pass


def kernel_unavailable(engine, e):
    """Raises Skip when `e` says the kernel's userfaultfd cannot be used
    here."""
    if engine == "kernel" and e.errno in (errno.EPERM, errno.EACCES, errno.ENOENT, errno.ENOSYS):
        raise Skip("kernel userfaultfd unavailable: %s" % e)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if argv[1:2] == ["list"]:
        print("\n".join(TESTS))
        return 0
    name, engine = argv[2], argv[3]
    try:
        TESTS[name](engine)
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    print("ok %s [%s]" % (name, engine))
    return 0
