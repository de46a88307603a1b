"""``python -m twistlike run``: unmodified Twisted programs on twistlike, and clear refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from twistlike._porting.importhook import UnsupportedTwisted, installed

ROOT = Path(__file__).parent.parent.parent
SEED = Path(__file__).parent / "seed_twisted"


def _python(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=30, cwd=cwd
    )


@pytest.mark.parametrize(
    ("program", "args"),
    [
        ("deferred_basics", []),
        ("deferred_basics", ["call_error"]),
        ("deferred_chain", []),
        ("deferred_reactor", []),
    ],
)
def test_seed_originals_run_like_the_ported_examples(program: str, args: list[str]) -> None:
    """The seed's Twisted original under `run` prints what the ported example prints."""
    original = _python("-m", "twistlike", "run", str(SEED / f"{program}.py"), *args)
    ported = _python(str(ROOT / "examples" / "seed" / f"{program}.py"), *args)
    assert original.returncode == ported.returncode == 0, original.stderr
    assert original.stdout == ported.stdout
    assert original.stdout.strip()


def test_run_module_and_arguments(tmp_path: Path) -> None:
    """`run -m module args` runs the module as __main__ with its own arguments."""
    (tmp_path / "prog.py").write_text(
        "import sys\n"
        "from twisted.internet import reactor, defer\n"
        "import twisted.internet.defer as d\n"
        "print(__name__, sys.argv[1:], d.Deferred is defer.Deferred, type(reactor).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "twistlike", "run", "-m", "prog", "a", "-b"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "__main__ ['a', '-b'] True AsyncioReactor\n"


def test_served_modules_are_twistlike() -> None:
    """Under the hook, twisted.* names hold twistlike's objects; the reactor is twistlike's."""
    import twistlike
    import twistlike.defer
    import twistlike.testing

    with installed():
        from twisted.internet import defer, reactor
        from twisted.test import proto_helpers

        # (mypy sees real Twisted's types here; at run time these are twistlike's objects)
        served: object = defer.Deferred
        transport: object = proto_helpers.StringTransport
        assert served is twistlike.defer.Deferred
        assert reactor is twistlike.reactor
        assert transport is twistlike.testing.StringTransport
        assert sys.modules["twisted.internet.reactor"] is twistlike.reactor


def test_hook_leaves_real_twisted_as_it_was() -> None:
    """After the block, real Twisted's modules are back in sys.modules."""
    import twisted.internet.defer as real

    with installed():
        import twisted.internet.defer as shim

        assert shim is not real
    import twisted.internet.defer as again

    assert again is real


def test_unsupported_module_fails_at_import_with_reason_and_docs() -> None:
    """An unsupported module fails at import, naming the feature, alternative and docs."""
    with installed(), pytest.raises(UnsupportedTwisted) as caught:
        import twisted.names.client  # noqa: F401
    message = str(caught.value)
    assert "twisted.names is not supported by twistlike" in message
    assert "dnspython" in message
    assert "docs/porting.md#not-supported" in message


def test_missing_name_fails_at_import() -> None:
    """`from twisted.internet.defer import X` for a name twistlike lacks names it clearly."""
    with installed(), pytest.raises(ImportError, match=r"twisted.internet.defer.NoSuchName"):
        from twisted.internet.defer import NoSuchName  # type: ignore[attr-defined]  # noqa: F401


def test_missing_name_as_attribute_is_an_attribute_error() -> None:
    """Reading a missing name as an attribute raises AttributeError with the same text."""
    with installed():
        from twisted.internet import defer

        assert not hasattr(defer, "NoSuchName")
        with pytest.raises(AttributeError, match=r"twisted.internet.defer.NoSuchName is not"):
            defer.NoSuchName  # type: ignore[attr-defined]


def test_names_provided_elsewhere_are_served() -> None:
    """An unsupported module's names that live on elsewhere are served; the rest fail."""
    import twistlike.threads

    with installed():
        from twisted.python.threadpool import ThreadPool

        served: object = ThreadPool
        assert served is twistlike.threads.ThreadPool
        with pytest.raises(
            ImportError, match=r"threadpool.other is not supported by twistlike: the module"
        ):
            from twisted.python.threadpool import other  # type: ignore[attr-defined]  # noqa: F401


def test_unmapped_module_refused_with_allow_twisted_hint() -> None:
    """With real Twisted installed, an unmapped module is refused and --allow-twisted named."""
    with installed(), pytest.raises(UnsupportedTwisted, match="--allow-twisted"):
        import twisted.internet.nosuchmodule  # type: ignore[import-not-found]  # noqa: F401


def test_allow_twisted_loads_from_the_installed_twisted() -> None:
    """With allow_twisted, a module twistlike lacks comes from the installed Twisted."""
    with installed(allow_twisted=True):
        import twisted.python.compat as compat

        assert compat.__file__ is not None and "site-packages" in compat.__file__


def test_run_reports_unsupported_import_as_an_error(tmp_path: Path) -> None:
    """A program importing an unsupported module ends with the clear message on stderr."""
    script = tmp_path / "p.py"
    script.write_text("from twisted.conch.ssh import transport\n")
    result = _python("-m", "twistlike", "run", str(script))
    assert result.returncode == 1
    assert "twisted.conch is not supported by twistlike" in result.stderr
    assert "asyncssh" in result.stderr


def test_run_without_a_program_is_a_usage_error() -> None:
    """`run` with nothing to run exits 2 with a usage message."""
    result = _python("-m", "twistlike", "run")
    assert result.returncode == 2
    assert "script or -m module" in result.stderr


async def _start(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


async def _stop(process: asyncio.subprocess.Process) -> str:
    """SIGINT (Ctrl-C, as the demo stops them), then the program's whole stdout."""
    try:
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(10):
            out, _ = await process.communicate()
        return out.decode("utf-8")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _seed_commands(name: str) -> list[tuple[str, ...]]:
    """The Twisted original under `run`, then the ported example, both through the driver."""
    driver = str(Path(__file__).parent / "loopback_driver.py")
    return [
        ("-m", "twistlike", "run", driver, str(SEED / name)),
        (driver, str(ROOT / "examples" / "seed" / name)),
    ]


async def _server_transcript(command: tuple[str, ...]) -> str:
    server = await _start(*command)
    try:
        assert server.stderr is not None
        async with asyncio.timeout(10):
            line = (await server.stderr.readline()).decode()
        assert line.startswith("LISTENING "), line
        port = int(line.split()[1])
        async with asyncio.timeout(10):
            r1, w1 = await asyncio.open_connection("127.0.0.1", port)
            assert "第1个" in (await r1.readline()).decode("utf8")
            r2, w2 = await asyncio.open_connection("127.0.0.1", port)
            assert "第2个" in (await r2.readline()).decode("utf8")
            w1.write(b"hello from one")
            assert await r2.readexactly(len(b"hello from one")) == b"hello from one"
            w2.write(b"close")
            assert await r2.read() == b""  # the server closed the connection
            w1.close()
            w2.close()
            await w1.wait_closed()
            assert server.stdout is not None
            # Wait until the server has seen the last disconnection before stopping it.
            seen = b""
            while b"lost connect: 1" not in seen:
                seen += await server.stdout.readline()
    finally:
        rest = await _stop(server)
    return seen.decode("utf-8") + rest


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_broadcast_server_original_runs_like_the_port() -> None:
    """The seed's broadcast server under `run` prints and relays what the port does."""
    original, ported = [await _server_transcript(c) for c in _seed_commands("broadcast_server.py")]
    assert original == ported
    assert "spreading message from (1, b'hello from one')" in original


async def _client_transcript(command: tuple[str, ...]) -> str:
    done = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write("欢迎\n".encode())
        await writer.drain()
        writer.close()
        done.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = await _start(*command, "tester", env={"SEED_PORT": str(port)})
    try:
        assert client.stdout is not None
        seen = b""
        async with asyncio.timeout(10):
            await done.wait()
            while b"Lost Connection" not in seen:
                seen += await client.stdout.readline()
    finally:
        rest = await _stop(client)
        server.close()
        await server.wait_closed()
    return seen.decode("utf-8") + rest


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_broadcast_client_original_runs_like_the_port() -> None:
    """The seed's broadcast client under `run` prints what the port prints."""
    original, ported = [await _client_transcript(c) for c in _seed_commands("broadcast_client.py")]
    assert original == ported
    assert original.startswith("Start to connect.\nconnect to server!\ngot message:  欢迎\n")
