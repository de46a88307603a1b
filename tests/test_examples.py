"""The examples do what their docstrings say (loopback only, port 0, bounded waits)."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

from twistlike import reactor

EXAMPLES = Path(__file__).parent.parent / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def _readline(reader: asyncio.StreamReader) -> bytes:
    async with asyncio.timeout(5):
        return await reader.readline()


@pytest.mark.asyncio
async def test_chat_server_relays_lines_between_users() -> None:
    """Two users pick nicknames; each line one sends reaches the other as '<nick> text'."""
    chat = _load("chat_server")
    port = reactor.listenTCP(0, chat.ChatFactory(), interface="127.0.0.1")
    number = port.getHost().port
    try:
        r1, w1 = await asyncio.open_connection("127.0.0.1", number)
        r2, w2 = await asyncio.open_connection("127.0.0.1", number)
        assert (await _readline(r1)).startswith(b"Welcome")
        assert (await _readline(r2)).startswith(b"Welcome")
        w1.write(b"ann\n")
        assert (await _readline(r1)).startswith(b"Hello ann")
        w2.write(b"ann\n")
        assert b"taken" in await _readline(r2)
        w2.write(b"bob\n")
        assert (await _readline(r2)).startswith(b"Hello bob")
        assert await _readline(r1) == b"* bob joined\n"
        w1.write(b"hi bob\n")
        assert await _readline(r2) == b"<ann> hi bob\n"
        w2.write(b"/who\n")
        assert await _readline(r2) == b"Here: ann, bob\n"
        w2.write(b"/quit\n")
        assert await _readline(r2) == b"Bye!\n"
        assert await _readline(r2) == b""
        assert await _readline(r1) == b"* bob left\n"
        w1.write(b"x" * 2000 + b"\n")
        assert b"too long" in await _readline(r1)
        assert await _readline(r1) == b""
        for w in (w1, w2):
            w.close()
    finally:
        await port.stopListening()


def test_asyncio_app_serves_a_twistlike_protocol() -> None:
    """examples/asyncio_app.py answers in upper case and reports one served connection."""
    import subprocess

    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "asyncio_app.py")],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.splitlines() == ["HELLO", "ASYNCIO", "served 1 connection(s)"]


def test_demo_moves_to_a_free_port_when_the_seed_port_is_taken() -> None:
    """With the seed's port taken, the demo says so, uses a free port and its clients connect."""
    import subprocess

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(EXAMPLES / "demo.py"), "--seconds", "0.5", "--port", str(taken)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert f"port {taken} is taken by another program" in done.stdout
    assert done.stdout.count("new connect") == 3
    assert "Square of 4 is 16" in done.stdout
