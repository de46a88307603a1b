"""twistlike's main demo: the seed's broadcast server with three clients.

The server and the clients are the seed's Twisted programs with only their imports changed
(examples/seed/broadcast_server.py and broadcast_client.py). This starts the server and three
clients (alice, bob, carol) as separate processes, lets them talk for a few seconds (each
client says hello five seconds after each message it gets, and the server spreads it to the
others), then stops them with SIGINT, as a person would with Ctrl-C, and shows what each one
printed. The seed's Deferred programs run first.

The seed's programs use port 8007. When something else already listens there, the demo runs
them on a free port instead (only that number changed) and says so; if the server cannot
start or no client reaches it, the demo exits with status 1.

    python examples/demo.py [--seconds N] [--port N]
"""

from __future__ import annotations

import argparse
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

SEED = Path(__file__).parent / "seed"
SEED_PORT = 8007

# Runs a seed program with its port number replaced: argv = [script, port, *args].
_RUN_ON_PORT = """
import sys
script, port = sys.argv[1], sys.argv[2]
source = open(script, encoding="utf-8").read().replace("8007", port)
sys.argv = [script, *sys.argv[3:]]
exec(compile(source, script, "exec"), {"__name__": "__main__", "__file__": script})
"""


_DEFERRED_PROGRAMS = [
    ("deferred_basics.py", [], "a Deferred fired by hand runs its callback"),
    ("deferred_basics.py", ["call_error"], "the same Deferred failed by hand runs its errback"),
    (
        "deferred_chain.py",
        [],
        "a chain of callbacks; the seed's print() calls pass a tuple, so the format "
        "string shows unfilled, exactly as on Twisted (kept on purpose)",
    ),
    (
        "deferred_reactor.py",
        [],
        "reactor.callLater fires a Deferred after 2 s, the reactor stops after 4 s",
    ),
]


def run_deferred_programs() -> None:
    for name, args, what in _DEFERRED_PROGRAMS:
        print(f"--- {name} {' '.join(args)}".rstrip(), flush=True)
        print(f"    ({what})", flush=True)
        saved = sys.argv
        sys.argv = [str(SEED / name), *args]
        try:
            runpy.run_path(str(SEED / name), run_name="__main__")
        finally:
            sys.argv = saved


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` (checked by connecting to it on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, deadline: float, server: subprocess.Popen[str]) -> None:
    """Wait until something listens on ``port``, without connecting to it.

    (A probe connection would count as the server's first client.) With SO_REUSEADDR on
    both sides (the server sets it too), binding the port succeeds until the server listens
    on it and never gets in the server's way.
    """
    while time.monotonic() < deadline:
        if server.poll() is not None:
            out, _ = server.communicate()
            print(out.rstrip())
            raise SystemExit(f"the broadcast server exited before listening on port {port}")
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return
        finally:
            probe.close()
        time.sleep(0.05)
    raise SystemExit(f"the broadcast server did not start listening on port {port}")


class Program:
    """A seed program in a child process; a thread collects what it prints, line by line."""

    def __init__(self, script: str, port: int, *args: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if port == SEED_PORT:
            command = [sys.executable, str(SEED / script), *args]
        else:
            command = [sys.executable, "-c", _RUN_ON_PORT, str(SEED / script), str(port), *args]
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def count(self, text: str) -> int:
        with self._changed:
            return sum(text in line for line in self.lines)

    def wait_for(self, text: str, times: int = 1, timeout: float = 10) -> bool:
        """Wait (at most ``timeout`` seconds) until ``text`` was printed ``times`` times."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(text in line for line in self.lines) < times:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return False
                self._changed.wait(min(remaining, 0.2))
            return True

    def stop(self) -> str:
        """Stop it as Ctrl-C would (SIGINT) and return everything it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=10)
        with self._changed:
            return "".join(self.lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=7.0, help="how long the clients talk")
    parser.add_argument(
        "--port", type=int, default=SEED_PORT, help="the port to try first (the seed's: 8007)"
    )
    args = parser.parse_args()

    run_deferred_programs()

    port = args.port
    if not port_is_free(port):
        taken, port = port, free_port()
        print(
            f"--- port {taken} is taken by another program: the seed's server and "
            f"clients run on free port {port} instead (only that number changed)",
            flush=True,
        )
    print(f"--- broadcast server on port {port} with clients alice, bob, carol", flush=True)
    print(
        f"    (for {args.seconds:g} s each client says hello 5 s after every message it gets and"
        " the server spreads it to the others; then each is stopped with SIGINT as with"
        " Ctrl-C, so the clients print 'Lost Connection' and the server 'lost connect')",
        flush=True,
    )
    server = Program("broadcast_server.py", port)
    clients: list[tuple[str, Program]] = []
    try:
        wait_for_port(port, time.monotonic() + 10, server.proc)
        for name in ("alice", "bob", "carol"):
            client = Program("broadcast_client.py", port, name)
            clients.append((name, client))
            # One after another, as a person would: each is connected before the next starts.
            client.wait_for("connect to server!")
        time.sleep(args.seconds)  # let them talk
    finally:
        outputs = [(name, client.stop()) for name, client in clients]
        # The server prints a "lost connect" line for each client that went away.
        server.wait_for("lost connect", times=server.count("new connect"), timeout=5)
        server_output = server.stop()
    for name, out in outputs:
        print(f"=== client {name}")
        print(out.rstrip())
    print("=== server")
    print(server_output.rstrip())
    connected = server_output.count("new connect")
    if connected != len(clients):
        print(
            f"demo failed: {len(clients)} clients started but the server saw {connected}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
