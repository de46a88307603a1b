"""Run a seed network program on a loopback port chosen by the test (port 0).

    python tests/porting/loopback_driver.py PROGRAM [args]                  # ported example
    python -m twistlike run tests/porting/loopback_driver.py PROGRAM [args] # Twisted original

The seed programs hard-code port 8007; the test suite listens on port 0 only. This driver
changes the environment, not the program: the reactor's ``listenTCP`` binds 127.0.0.1 port 0
and reports the port on stderr (``LISTENING <port>``), and ``connectTCP`` goes to the port
in ``$SEED_PORT``. Then it runs PROGRAM as ``__main__``, under the same import hook when it
was started by ``run``.
"""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any

from twistlike import reactor

_listen = reactor.listenTCP
_connect = reactor.connectTCP


def _listenTCP(port: int, factory: Any, backlog: int = 50, interface: str = "") -> Any:
    listening = _listen(0, factory, backlog, "127.0.0.1")
    print(f"LISTENING {listening.getHost().port}", file=sys.stderr, flush=True)
    return listening


def _connectTCP(host: str, port: int, factory: Any, *args: Any, **kwargs: Any) -> Any:
    return _connect("127.0.0.1", int(os.environ["SEED_PORT"]), factory, *args, **kwargs)


reactor.listenTCP = _listenTCP  # type: ignore[method-assign]
reactor.connectTCP = _connectTCP  # type: ignore[method-assign]
# Unbuffered output, so the test sees each line as the program prints it.
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
program = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(program, run_name="__main__")
