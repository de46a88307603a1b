"""Services that listen, connect, repeat a call, or keep a client connection alive.

Twisted: twisted.application.internet.

``SSLServer``/``SSLClient``/``UDPServer`` call ``reactor.listenSSL``/``connectSSL``/
``listenUDP``; they raise NotImplementedError at start while the reactor lacks them. See
docs/services.md.
"""

from twistlike.application._internet import (
    ClientService,
    SSLClient,
    SSLServer,
    StreamServerEndpointService,
    TCPClient,
    TCPServer,
    TimerService,
    UDPServer,
    UNIXClient,
    UNIXServer,
    backoffPolicy,
)

__all__ = [
    "ClientService",
    "SSLClient",
    "SSLServer",
    "StreamServerEndpointService",
    "TCPClient",
    "TCPServer",
    "TimerService",
    "UDPServer",
    "UNIXClient",
    "UNIXServer",
    "backoffPolicy",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.application._"):
        _obj.__module__ = __name__
del _name, _obj
