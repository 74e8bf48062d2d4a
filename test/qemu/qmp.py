# SPDX-License-Identifier: MIT
"""A minimal QMP client: JSON commands over QEMU's UNIX socket.

Standard library only.  Every call is bounded: connecting waits at most
the given time for QEMU to create its socket, and every reply at most
the socket timeout.  Asynchronous events are collected, not interpreted.
"""
import json
import socket
import time


class QmpError(Exception):
    """QEMU answered a command with an error (its "desc" is the text)."""


class Qmp:
    def __init__(self, path, timeout=30.0, wait=30.0):
        deadline = time.monotonic() + wait
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() >= deadline:
                    raise TimeoutError("no QMP socket at %s after %.0f s" % (path, wait))
                time.sleep(0.1)
        self.buf = b""
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise QmpError("not a QMP greeting: %r" % greeting)
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        """Run @name with @args; its "return" value, or QmpError."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
            elif "error" in reply:
                raise QmpError(reply["error"].get("desc", str(reply["error"])))
            elif "return" in reply:
                return reply["return"]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
