"""Tests for the pure part of twistlike.protocol: protocols, factories, adapters."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from twisted.internet import protocol as tprotocol
from zope.interface.verify import (  # type: ignore[import-untyped, unused-ignore]
    verifyClass,
    verifyObject,
)

from twistlike import error, protocol
from twistlike.failure import Failure
from twistlike.interfaces import (
    IConsumer,
    ILoggingContext,
    IProtocol,
    IProtocolFactory,
)
from twistlike.protocol import (
    BaseProtocol,
    ClientFactory,
    ConsumerToProtocolAdapter,
    Factory,
    Protocol,
    ProtocolToConsumerAdapter,
    ServerFactory,
    connectionDone,
)
from twistlike.testing import StringTransport


class _Recording(Protocol):
    def __init__(self) -> None:
        self.events: list[object] = []

    def connectionMade(self) -> None:
        self.events.append(("made", self.connected, self.transport))

    def dataReceived(self, data: bytes) -> None:
        self.events.append(("data", data))

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.events.append(("lost", reason))


def test_make_connection_sets_transport_then_calls_connection_made() -> None:
    """makeConnection sets connected and transport before calling connectionMade."""
    proto = _Recording()
    assert (proto.connected, proto.transport) == (0, None)
    transport = StringTransport()
    proto.makeConnection(transport)
    assert proto.events == [("made", 1, transport)]


def test_connection_done_is_a_clean_failure() -> None:
    """connectionDone is a Failure of ConnectionDone without a traceback."""
    assert isinstance(connectionDone, Failure)
    assert connectionDone.check(error.ConnectionDone) is error.ConnectionDone
    assert connectionDone.tb is None
    assert connectionDone.getErrorMessage() == "Connection was closed cleanly."


def test_protocol_defaults() -> None:
    """Protocol's callbacks do nothing, connectionLost defaults to connectionDone, and
    logPrefix is the class name."""
    proto = _Recording()
    proto.connectionLost()
    assert proto.events == [("lost", connectionDone)]
    plain = Protocol()
    plain.dataReceived(b"ignored")
    plain.connectionLost()
    assert plain.logPrefix() == "Protocol"
    assert _Recording().logPrefix() == "_Recording"
    assert plain.factory is None


def test_protocol_provides_interfaces() -> None:
    """Protocol provides IProtocol and ILoggingContext; Factory IProtocolFactory."""
    assert verifyObject(IProtocol, Protocol())
    assert verifyObject(ILoggingContext, Protocol())
    assert verifyClass(IProtocolFactory, Factory)
    assert verifyObject(ILoggingContext, Factory())
    assert not IProtocol.providedBy(BaseProtocol())


def test_build_protocol_sets_factory() -> None:
    """buildProtocol makes an instance of ``protocol`` and sets its factory."""
    factory: Factory[_Recording] = Factory()
    factory.protocol = _Recording
    proto = factory.buildProtocol(None)
    assert isinstance(proto, _Recording)
    assert proto.factory is factory


def test_for_protocol() -> None:
    """forProtocol builds a factory of the class it is called on, passing the arguments."""

    class Configured(ServerFactory[_Recording]):
        def __init__(self, name: str, *, port: int) -> None:
            self.name = name
            self.port = port

    factory = Configured.forProtocol(_Recording, "srv", port=8)
    assert isinstance(factory, Configured)
    assert (factory.name, factory.port, factory.protocol) == ("srv", 8, _Recording)
    built = factory.buildProtocol(None)
    assert isinstance(built, _Recording)


class _Counting(Factory[Protocol]):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def startFactory(self) -> None:
        self.calls.append("start")

    def stopFactory(self) -> None:
        self.calls.append("stop")


class _TheirCounting(tprotocol.Factory):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def startFactory(self) -> None:
        self.calls.append("start")

    def stopFactory(self) -> None:
        self.calls.append("stop")


@pytest.mark.parametrize(
    "sequence",
    [
        ["doStart", "doStop"],
        ["doStart", "doStart", "doStop", "doStop"],
        ["doStop"],
        ["doStart", "doStop", "doStop", "doStart"],
    ],
)
def test_start_and_stop_are_counted_like_twisted(sequence: list[str]) -> None:
    """startFactory runs for the first user and stopFactory after the last, as in Twisted;
    an unbalanced doStop is ignored."""
    ours, theirs = _Counting(), _TheirCounting()
    ours.noisy = theirs.noisy = False
    for call in sequence:
        getattr(ours, call)()
        getattr(theirs, call)()
        assert ours.numPorts == theirs.numPorts
    assert ours.calls == theirs.calls


def test_noisy_factory_logs_start_and_stop(caplog: pytest.LogCaptureFixture) -> None:
    """A noisy factory emits Twisted's "Starting/Stopping factory" events (with the factory
    key), which stdlib logging sees at INFO on the factory's namespace."""
    from twisted import logger as tlogger
    from twisted.internet import protocol as tprotocol

    from twistlike.logger import globalLogPublisher

    def summary(events: list[dict[str, Any]], factory: object) -> list[tuple[Any, ...]]:
        return [
            (e["log_format"], e["factory"] is factory, e["log_level"].name, e["log_namespace"])
            for e in events
            if "factory" in e
        ]

    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    factory = _Counting()
    theirFactory: Any = tprotocol.Factory()
    theirPublisher: Any = tlogger.globalLogPublisher
    globalLogPublisher.addObserver(ours.append)
    theirPublisher.addObserver(theirs.append)
    try:
        with caplog.at_level(logging.INFO):
            factory.doStart()
            factory.doStop()
        theirFactory.doStart()
        theirFactory.doStop()
    finally:
        globalLogPublisher.removeObserver(ours.append)
        theirPublisher.removeObserver(theirs.append)
    namespace = f"{__name__}._Counting"
    assert summary(ours, factory) == [
        ("Starting factory {factory!r}", True, "info", namespace),
        ("Stopping factory {factory!r}", True, "info", namespace),
    ]
    assert [e[:3] for e in summary(theirs, theirFactory)] == [e[:3] for e in summary(ours, factory)]
    messages = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert messages == [
        (namespace, logging.INFO, f"Starting factory {factory!r}"),
        (namespace, logging.INFO, f"Stopping factory {factory!r}"),
    ]


def test_quiet_factory_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """A factory with noisy = False logs nothing."""
    factory = _Counting()
    factory.noisy = False
    with caplog.at_level(logging.DEBUG):
        factory.doStart()
        factory.doStop()
    assert caplog.records == []
    assert factory.calls == ["start", "stop"]


def test_client_factory_hooks_do_nothing() -> None:
    """ClientFactory's connection hooks exist and do nothing by default."""
    factory: ClientFactory[Protocol] = ClientFactory()
    reason = Failure(error.ConnectionRefusedError())
    factory.startedConnecting(None)
    factory.clientConnectionFailed(None, reason)
    factory.clientConnectionLost(None, reason)
    assert isinstance(factory, Factory)


def test_protocol_adapts_to_consumer() -> None:
    """IConsumer(protocol) writes into the protocol's dataReceived."""
    proto = _Recording()
    # Interfaces are opaque to mypy: what adaptation returns is used untyped.
    consumer: Any = IConsumer(proto)
    assert isinstance(consumer, ProtocolToConsumerAdapter)
    consumer.registerProducer(object(), True)
    consumer.write(b"abc")
    consumer.unregisterProducer()
    assert proto.events == [("data", b"abc")]


def test_consumer_adapts_to_protocol() -> None:
    """IProtocol(consumer) writes what it receives into the consumer."""
    transport = StringTransport()
    adapted: Any = IProtocol(transport)
    assert isinstance(adapted, ConsumerToProtocolAdapter)
    adapted.makeConnection(None)
    adapted.connectionMade()
    adapted.dataReceived(b"xyz")
    adapted.connectionLost(connectionDone)
    assert transport.value() == b"xyz"


def test_protocol_all_is_complete() -> None:
    """__all__ lists the public names the module defines."""
    assert set(protocol.__all__) == {
        "AbstractDatagramProtocol",
        "ConnectedDatagramProtocol",
        "DatagramProtocol",
        "ProcessProtocol",
        "BaseProtocol",
        "ClientCreator",
        "ClientFactory",
        "ConsumerToProtocolAdapter",
        "Factory",
        "FileWrapper",
        "Protocol",
        "ProtocolToConsumerAdapter",
        "ReconnectingClientFactory",
        "ServerFactory",
        "connectionDone",
    }


def test_interfaces_declare_what_twisteds_declare() -> None:
    """Every interface in twistlike.interfaces has the same bases, attributes and method
    signatures as Twisted's interface of the same name."""
    from twisted.internet import interfaces as tinterfaces

    from twistlike import interfaces

    for name in interfaces.__all__:
        ours = getattr(interfaces, name)
        theirs = getattr(tinterfaces, name)
        assert [b.__name__ for b in ours.__bases__] == [b.__name__ for b in theirs.__bases__]
        assert set(ours.names(all=True)) == set(theirs.names(all=True)), name
        for attribute in ours.names(all=True):
            ourSpec: object = getattr(ours[attribute], "getSignatureInfo", dict)()
            theirSpec: object = getattr(theirs[attribute], "getSignatureInfo", dict)()
            assert ourSpec == theirSpec, (name, attribute)
