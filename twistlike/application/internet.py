"""Services that listen, connect, repeat a call, or keep a client connection alive.

Twisted: twisted.application.internet.

``SSLServer``/``SSLClient``/``UDPServer``/``UNIXDatagram*``/``MulticastServer`` call the
reactor's ``listenSSL``/``connectSSL``/``listenUDP``/...; they raise NotImplementedError at
start while the reactor lacks those methods. See docs/services.md.
"""

from twistlike.application._internet import (
    ClientService,
    CooperatorService,
    MulticastServer,
    SSLClient,
    SSLServer,
    StreamServerEndpointService,
    TCPClient,
    TCPServer,
    TimerService,
    UDPServer,
    UNIXClient,
    UNIXDatagramClient,
    UNIXDatagramServer,
    UNIXServer,
    backoffPolicy,
)

__all__ = [
    "ClientService",
    "CooperatorService",
    "MulticastServer",
    "SSLClient",
    "SSLServer",
    "StreamServerEndpointService",
    "TCPClient",
    "TCPServer",
    "TimerService",
    "UDPServer",
    "UNIXClient",
    "UNIXDatagramClient",
    "UNIXDatagramServer",
    "UNIXServer",
    "backoffPolicy",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.application._"):
        _obj.__module__ = __name__
del _name, _obj
