"""twistlike's main demo: the seed's broadcast server with three clients.

The server and the clients are the seed's Twisted programs with only their imports changed
(examples/seed/broadcast_server.py and broadcast_client.py). This starts the server and three
clients (alice, bob, carol) as separate processes, lets them talk for a few seconds (each
client says hello five seconds after each message it gets, and the server spreads it to the
others), then stops them with SIGINT, as a person would with Ctrl-C, and shows what each one
printed. The seed's Deferred programs run first.

    python examples/demo.py [--seconds N]
"""

from __future__ import annotations

import argparse
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

SEED = Path(__file__).parent / "seed"
PORT = 8007


def run_deferred_programs() -> None:
    for name, args in [
        ("deferred_basics.py", []),
        ("deferred_basics.py", ["call_error"]),
        ("deferred_chain.py", []),
        ("deferred_reactor.py", []),
    ]:
        print(f"--- {name} {' '.join(args)}".rstrip(), flush=True)
        saved = sys.argv
        sys.argv = [str(SEED / name), *args]
        try:
            runpy.run_path(str(SEED / name), run_name="__main__")
        finally:
            sys.argv = saved


def wait_for_port(port: int, deadline: float) -> None:
    """Wait until something listens on ``port``, without connecting to it.

    (A probe connection would count as the server's first client.) With SO_REUSEADDR on
    both sides (the server sets it too), binding the port succeeds until the server listens
    on it and never gets in the server's way.
    """
    while time.monotonic() < deadline:
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


def start(script: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, str(SEED / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=7.0, help="how long the clients talk")
    args = parser.parse_args()

    run_deferred_programs()

    print(f"--- broadcast server on port {PORT} with clients alice, bob, carol", flush=True)
    server = start("broadcast_server.py")
    clients: list[tuple[str, subprocess.Popen[str]]] = []
    try:
        wait_for_port(PORT, time.monotonic() + 10)
        for name in ("alice", "bob", "carol"):
            clients.append((name, start("broadcast_client.py", name)))
            time.sleep(0.3)  # a person starting clients one after another
        time.sleep(args.seconds)
    finally:
        outputs = [(name, stop(proc)) for name, proc in clients]
        time.sleep(0.5)  # let the server print the lost connections
        server_output = stop(server)
    for name, out in outputs:
        print(f"=== client {name}")
        print(out.rstrip())
    print("=== server")
    print(server_output.rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
