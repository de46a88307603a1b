"""twistlike.application.service/internet against Twisted's: the same scenarios, the same
events, in the same order."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import twisted.application.internet as t_internet
import twisted.application.service as t_service
import twisted.internet.defer as t_defer
import twisted.internet.task as t_task
import twisted.python.failure as t_failure

import twistlike.defer as l_defer
import twistlike.failure as l_failure
import twistlike.task as l_task
from twistlike.application import internet as l_internet
from twistlike.application import service as l_service
from twistlike.protocol import ClientFactory
from twistlike.testing import MemoryReactor

TWISTED = SimpleNamespace(
    service=t_service, internet=t_internet, defer=t_defer, task=t_task, failure=t_failure
)
TWISTLIKE = SimpleNamespace(
    service=l_service, internet=l_internet, defer=l_defer, task=l_task, failure=l_failure
)


def _recorder(ns: Any, log: list[str]) -> Any:
    """A Service class that logs its calls and, when asked, stops with a pending Deferred."""

    class Recording(ns.service.Service):  # type: ignore[misc]
        def __init__(self, name: str, slow: bool = False) -> None:
            self.setName(name)
            self.slow = slow
            self.pending: Any = None

        def privilegedStartService(self) -> None:
            log.append(f"priv {self.name}")
            super().privilegedStartService()

        def startService(self) -> None:
            log.append(f"start {self.name}")
            super().startService()

        def stopService(self) -> Any:
            log.append(f"stop {self.name}")
            super().stopService()
            if self.slow:
                self.pending = ns.defer.Deferred()
                return self.pending
            return None

    return Recording


def _lifecycle(ns: Any) -> list[str]:
    """Start and stop a nested tree whose children stop slowly; log everything."""
    log: list[str] = []
    Recording = _recorder(ns, log)
    app = ns.service.Application("app")
    root = ns.service.IService(app)
    a = Recording("a", slow=True)
    a.setServiceParent(app)
    inner = ns.service.MultiService()
    inner.setName("inner")
    inner.setServiceParent(root)
    b = Recording("b", slow=True)
    b.setServiceParent(inner)
    c = Recording("c")
    c.setServiceParent(inner)
    root.privilegedStartService()
    root.startService()
    log.append(f"running {root.running} {a.running} {inner.running}")
    late = Recording("late")
    late.setServiceParent(root)
    d = root.stopService()
    d.addCallback(lambda result: log.append(f"stopped {result!r}"))
    log.append("after stop called")
    b.pending.callback("b done")
    log.append("b fired")
    a.pending.callback("a done")
    log.append(f"running {root.running} {a.running} {b.running}")
    return log


def test_start_stop_order_and_waiting_match_twisted() -> None:
    """Start in order, stop in reverse, and the stop Deferred waits for every child."""
    assert _lifecycle(TWISTLIKE) == _lifecycle(TWISTED)


def _adapters(ns: Any) -> list[Any]:
    app = ns.service.Application("web", uid=1000, gid=100)
    service = ns.service.IService(app)
    collection = ns.service.IServiceCollection(app)
    process = ns.service.IProcess(app)
    child = ns.service.Service()
    child.setName("child")
    child.setServiceParent(app)
    return [
        service.name,
        collection is service,
        type(service).__name__,
        process.uid,
        process.gid,
        process.processName,
        service.getServiceNamed("child") is child,
        child.parent is service,
        ns.service.IService(app) is service,
        ns.service.IService.providedBy(child),
        ns.service.IServiceCollection.providedBy(service),
    ]


def test_application_adapters_match_twisted() -> None:
    """IService/IServiceCollection/IProcess(application) give the same components."""
    assert _adapters(TWISTLIKE) == _adapters(TWISTED)


def _errors(ns: Any) -> list[str]:
    out: list[str] = []

    def attempt(action: Any) -> None:
        try:
            out.append(repr(action()))
        except Exception as e:
            out.append(f"{type(e).__name__}: {e}")

    parent = ns.service.MultiService()
    one = ns.service.Service()
    one.setName("x")
    one.setServiceParent(parent)
    two = ns.service.Service()
    two.setName("x")
    attempt(lambda: two.setServiceParent(parent))
    attempt(lambda: two.parent is parent)
    attempt(lambda: one.setName("y"))
    attempt(lambda: parent.getServiceNamed("nope"))
    third = ns.service.Service()
    attempt(lambda: parent.removeService(third))
    parent.startService()
    attempt(lambda: one.disownServiceParent())
    slow = ns.service.Service()
    slow.stopService = lambda: ns.defer.succeed("slow stop")
    slow.setServiceParent(parent)
    attempt(lambda: slow.running)
    attempt(lambda: slow.disownServiceParent().result)
    return out


def test_collection_errors_and_late_children_match_twisted() -> None:
    """Duplicate names, renames under a parent, and children added or removed while running."""
    assert _errors(TWISTLIKE) == _errors(TWISTED)


class _Endpoint:
    """A client endpoint that fails the first ``failures`` attempts, then connects."""

    def __init__(self, ns: Any, failures: int, log: list[str]) -> None:
        self.ns = ns
        self.failures = failures
        self.log = log
        self.attempts = 0

    def connect(self, factory: Any) -> Any:
        self.attempts += 1
        self.log.append(f"connect {self.attempts}")
        if self.attempts <= self.failures:
            return self.ns.defer.fail(ConnectionRefusedError(f"refused {self.attempts}"))
        protocol = factory.buildProtocol(None)
        transport = SimpleNamespace(loseConnection=lambda: self.lose(protocol))
        protocol.makeConnection(transport)
        return self.ns.defer.succeed(protocol)

    def lose(self, protocol: Any) -> None:
        self.log.append("loseConnection")
        protocol.connectionLost(self.ns.failure.Failure(ConnectionResetError("lost")))


class _Proto:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def makeConnection(self, transport: Any) -> None:
        self.transport = transport
        self.log.append("made")

    def connectionLost(self, reason: Any) -> None:
        self.log.append(f"lost {reason.value}")


def _client_timings(ns: Any, failures: int, failAfter: int | None) -> list[str]:
    log: list[str] = []
    clock = ns.task.Clock()
    endpoint = _Endpoint(ns, failures, log)
    factory = SimpleNamespace(buildProtocol=lambda addr: _Proto(log))
    policy = ns.internet.backoffPolicy(
        initialDelay=0.5, maxDelay=4.0, factor=2.0, jitter=lambda: 0.25
    )
    prepared: list[Any] = []
    service = ns.internet.ClientService(
        endpoint, factory, retryPolicy=policy, clock=clock, prepareConnection=prepared.append
    )
    early = service.whenConnected(failAfterFailures=failAfter)
    early.addBoth(
        lambda r: log.append(
            "early "
            + (
                f"failed {r.value} pending={len(clock.getDelayedCalls())}"
                if isinstance(r, ns.failure.Failure)
                else "ok"
            )
        )
    )
    service.startService()
    for _ in range(12):
        calls = clock.getDelayedCalls()
        log.append(f"t={clock.seconds()} pending={[c.getTime() for c in calls]}")
        if not calls:
            break
        clock.advance(calls[0].getTime() - clock.seconds())
    log.append(f"prepared {len(prepared)}")
    now = service.whenConnected()
    now.addCallback(lambda p: log.append(f"now {type(p).__name__}"))
    # Lose the connection: a retry is scheduled after the policy's first delay.
    if prepared:
        prepared[0].transport.loseConnection()
        log.append(f"after loss pending={[c.getTime() for c in clock.getDelayedCalls()]}")
    stopped = service.stopService()
    stopped.addCallback(lambda _: log.append("stopped"))
    after = service.whenConnected()
    after.addErrback(lambda f: log.append(f"after stop {type(f.value).__name__}"))
    log.append(f"end pending={len(clock.getDelayedCalls())}")
    return log


@pytest.mark.parametrize(("failures", "failAfter"), [(0, None), (3, None), (3, 2), (9, None)])
def test_client_service_retry_timing_matches_twisted(failures: int, failAfter: int | None) -> None:
    """ClientService retries at the policy's delays on a Clock, as Twisted's does."""
    assert _client_timings(TWISTLIKE, failures, failAfter) == _client_timings(
        TWISTED, failures, failAfter
    )


def _client_stop_while_connected(ns: Any) -> list[str]:
    log: list[str] = []
    clock = ns.task.Clock()
    endpoint = _Endpoint(ns, 0, log)
    factory = SimpleNamespace(buildProtocol=lambda addr: _Proto(log))
    service = ns.internet.ClientService(endpoint, factory, clock=clock)
    service.startService()
    service.whenConnected().addCallback(lambda p: log.append("connected"))
    service.stopService().addCallback(lambda _: log.append("stopped"))
    service.startService()
    log.append(f"pending={len(clock.getDelayedCalls())} attempts={endpoint.attempts}")
    return log


def test_client_service_stop_then_restart_matches_twisted() -> None:
    """Stopping while connected closes the connection; a restart reconnects."""
    assert _client_stop_while_connected(TWISTLIKE) == _client_stop_while_connected(TWISTED)


def _timer(ns: Any) -> list[str]:
    log: list[str] = []
    clock = ns.task.Clock()
    pending: list[Any] = []

    def tick() -> Any:
        log.append(f"tick {clock.seconds()}")
        if clock.seconds() >= 2:
            pending.append(ns.defer.Deferred())
            return pending[-1]
        return None

    timer = ns.internet.TimerService(1, tick)
    timer.clock = clock
    timer.startService()
    clock.advance(1)
    clock.advance(1)
    stopped = timer.stopService()
    stopped.addCallback(lambda _: log.append(f"stopped running={timer.running}"))
    log.append(f"waiting running={timer.running}")
    pending[0].callback(None)
    return log


def test_timer_service_matches_twisted() -> None:
    """TimerService calls at once and every step; its stop waits for a call in progress."""
    assert _timer(TWISTLIKE) == _timer(TWISTED)


def test_tcp_server_and_client_use_the_reactor() -> None:
    """TCPServer listens at privilegedStartService and stops; TCPClient connects and drops."""
    reactor = MemoryReactor()
    factory = ClientFactory()
    server = l_internet.TCPServer(8080, factory, interface="127.0.0.1", reactor=reactor)
    server.privilegedStartService()
    server.startService()
    assert reactor.tcpServers == [(8080, factory, 50, "127.0.0.1")]
    server.stopService()
    client = l_internet.TCPClient("127.0.0.1", 8080, factory, reactor=reactor)
    client.startService()
    assert reactor.tcpClients[0][:3] == ("127.0.0.1", 8080, factory)
    client.stopService()
    assert not client.running and not server.running


@pytest.mark.parametrize(
    ("cls", "feature"),
    [
        (l_internet.TCPServer, "TCP"),
        (l_internet.SSLServer, "TLS"),
        (l_internet.SSLClient, "TLS"),
        (l_internet.UDPServer, "UDP"),
        (l_internet.UNIXDatagramServer, "UNIX datagram"),
        (l_internet.UNIXDatagramClient, "UNIX datagram"),
        (l_internet.MulticastServer, "multicast"),
    ],
)
def test_missing_transports_fail_clearly(cls: Any, feature: str) -> None:
    """Services on a reactor without their transport raise an AttributeError (as Twisted
    does) that names the feature and its docs page."""
    reactor = SimpleNamespace()
    service = cls(0, object(), reactor=reactor)
    with pytest.raises(AttributeError, match=rf"{feature}.*docs/"):
        service.startService()


def test_cooperator_service_runs_iterators_while_running() -> None:
    """CooperatorService runs coiterated work once started and stops its cooperator."""
    clock = l_task.Clock()
    service = l_internet.CooperatorService()
    service.coop = l_task.Cooperator(scheduler=lambda f: clock.callLater(0, f), started=False)
    steps: list[int] = []

    def work() -> Iterator[None]:
        for i in range(3):
            steps.append(i)
            yield None

    done = service.coiterate(work())
    clock.advance(0)
    assert steps == []
    service.startService()
    for _ in range(5):
        clock.advance(0)
    assert steps == [0, 1, 2]
    assert done.called
    service.stopService()


def test_ssl_service_calls_listen_ssl_when_present() -> None:
    """SSLServer calls reactor.listenSSL with its arguments once the reactor has it."""
    calls: list[tuple[Any, ...]] = []

    def listenSSL(*args: Any) -> object:
        calls.append(args)
        return object()

    reactor = SimpleNamespace(listenSSL=listenSSL)
    service = l_internet.SSLServer(443, "factory", "context", reactor=reactor)
    service.startService()
    assert calls == [(443, "factory", "context")]


def test_load_application(tmp_path: Any) -> None:
    """loadApplication runs a .tac file and returns its application; other kinds fail."""
    tac = tmp_path / "app.tac"
    tac.write_text(
        "from twistlike.application import service\n"
        "application = service.Application('from-file')\n"
        "seen_name = __name__\n"
    )
    app = l_service.loadApplication(str(tac), "python")
    service: Any = l_service.IService(app)  # (an adapter: its attributes are the service's)
    assert service.name == "from-file"
    with pytest.raises(ValueError, match="pickle"):
        l_service.loadApplication(str(tac), "pickle")
    empty = tmp_path / "empty.tac"
    empty.write_text("x = 1\n")
    with pytest.raises(KeyError, match="application"):
        l_service.loadApplication(str(empty), "python")


def test_application_modules_have_complete_all() -> None:
    """Each public twistlike.application module lists every class and function it defines
    (tests/test_exports.py walks only the top level)."""
    import importlib
    import inspect
    import pkgutil

    import twistlike.application as package

    names = ["twistlike.application"] + [
        name
        for _, name, _ in pkgutil.iter_modules(package.__path__, "twistlike.application.")
        if not name.rsplit(".", 1)[1].startswith("_")
    ]
    assert "twistlike.application.service" in names
    for name in names:
        module = importlib.import_module(name)
        defined = {
            attr
            for attr, value in vars(module).items()
            if not attr.startswith("_")
            and (inspect.isclass(value) or inspect.isfunction(value))
            and getattr(value, "__module__", None) == name
        }
        assert defined - set(module.__all__) == set(), name
        assert [n for n in module.__all__ if not hasattr(module, n)] == [], name


def test_example_echo_tac_builds_a_tcp_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """examples/echo.tac loads as an application with a TCPServer on ECHO_PORT."""
    from pathlib import Path

    monkeypatch.setenv("ECHO_PORT", "9999")
    path = Path(__file__).resolve().parent.parent / "examples" / "echo.tac"
    app = l_service.loadApplication(str(path), "python")
    root: Any = l_service.IService(app)
    (server,) = list(root)
    assert isinstance(server, l_internet.TCPServer)
    assert server.args[0] == 9999
    assert server.kwargs == {"interface": "127.0.0.1"}


def _strports(ns: Any, reactorClass: Any, description: str) -> list[Any]:
    reactor = reactorClass()
    factory = ns.Factory()
    out: list[Any] = []
    try:
        svc = ns.strports.service(description, factory, reactor=reactor)
    except Exception as e:
        return [f"{type(e).__name__}"]
    out.append(type(svc).__name__)
    svc.privilegedStartService()
    svc.startService()
    servers = [(p, f is factory, b, i) for p, f, b, i in reactor.tcpServers]
    unix = [(a, f is factory, b, m, w) for a, f, b, m, w in reactor.unixServers]
    out += [servers, unix, svc.running]
    d = svc.stopService()
    out += [d.called, svc.running]
    return out


@pytest.mark.parametrize(
    "description",
    [
        "tcp:8080",
        "tcp:8080:interface=127.0.0.1:backlog=7",
        "tcp6:9000:interface=\\:\\:1",
        "unix:/tmp/app.sock:mode=600:lockfile=0",
        "nonsense:1",
        "tcp:notaport",
    ],
)
def test_strports_service_matches_twisted(description: str) -> None:
    """strports.service makes the same listen call on a MemoryReactor, and stops it."""
    import twisted.application.strports as t_strports
    import twisted.internet.protocol as t_protocol
    import twisted.internet.testing as t_testing

    import twistlike.application.strports as l_strports
    import twistlike.protocol as l_protocol

    twisted_side = SimpleNamespace(strports=t_strports, Factory=t_protocol.Factory)
    twistlike_side = SimpleNamespace(strports=l_strports, Factory=l_protocol.Factory)
    assert _strports(twistlike_side, MemoryReactor, description) == _strports(
        twisted_side, t_testing.MemoryReactor, description
    )


def _client_prepare_fails(ns: Any) -> list[str]:
    log: list[str] = []
    clock = ns.task.Clock()
    endpoint = _Endpoint(ns, 0, log)
    factory = SimpleNamespace(buildProtocol=lambda addr: _Proto(log))
    calls: list[int] = []

    def prepare(protocol: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            return ns.defer.fail(ValueError("not healthy"))
        return ns.defer.succeed("fine")

    policy = ns.internet.backoffPolicy(jitter=lambda: 0)
    service = ns.internet.ClientService(
        endpoint, factory, retryPolicy=policy, clock=clock, prepareConnection=prepare
    )
    first = service.whenConnected(failAfterFailures=1)
    first.addBoth(lambda r: log.append(f"first {type(r).__name__}"))
    later = service.whenConnected()
    later.addBoth(lambda r: log.append(f"later {type(r).__name__}"))
    service.startService()
    log.append(f"pending {[c.getTime() for c in clock.getDelayedCalls()]}")
    clock.advance(1.5)
    log.append(f"pending {[c.getTime() for c in clock.getDelayedCalls()]}")
    service.stopService().addCallback(lambda _: log.append("stopped"))
    return log


def test_client_service_rejected_preparation_matches_twisted() -> None:
    """A failing prepareConnection counts as a failed attempt: whenConnected(1) fails and a
    retry is scheduled, as in Twisted."""
    assert _client_prepare_fails(TWISTLIKE) == _client_prepare_fails(TWISTED)


@pytest.mark.parametrize(
    "twistedName",
    [
        "twisted.application.service",
        "twisted.application.internet",
        "twisted.application.strports",
        "twisted.application.app",
        "twisted.scripts.twistd",
        "twisted.python.usage",
    ],
)
def test_every_twisted_name_is_provided_or_listed_missing(twistedName: str) -> None:
    """Each public name of the mapped Twisted module exists in its twistlike home or is
    listed, with a reason, in twistlike._porting.missing."""
    import importlib
    import inspect

    from twistlike._porting.mapping import by_twisted_name
    from twistlike._porting.missing import MISSING_NAMES

    row = by_twisted_name(twistedName)
    assert row is not None and row.twistlike is not None
    twisted_module = importlib.import_module(twistedName)
    names = getattr(twisted_module, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(twisted_module).items()
            if not n.startswith("_")
            and (inspect.isclass(v) or inspect.isfunction(v))
            and v.__module__ == twistedName
        ]
    ours = importlib.import_module(row.twistlike)
    missing = MISSING_NAMES.get(twistedName, {})
    assert all(reason for reason in missing.values())
    assert [n for n in names if not hasattr(ours, n) and n not in missing] == []
