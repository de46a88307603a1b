"""An echo server as a twistd application (a .tac file), run by twistlike's twistd.

Run it in the foreground, logging to stdout::

    python -m twistlike twistd -n -y examples/echo.tac

As a daemon, with a pidfile and a log file (stop it with ``kill $(cat echo.pid)``)::

    python -m twistlike twistd -y examples/echo.tac --pidfile echo.pid -l echo.log

On every core (here two worker processes share the listening port; the supervisor
restarts a worker that dies, and SIGTERM stops them all)::

    python -m twistlike twistd -n -y examples/echo.tac --workers 2

The port comes from the ECHO_PORT environment variable (default 8007). The only change from
the Twisted version of this file is the imports.
"""

import os

from twistlike.application import internet, service
from twistlike.protocol import Factory, Protocol


class Echo(Protocol):
    """Sends back every byte it receives."""

    def dataReceived(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)


port = int(os.environ.get("ECHO_PORT", "8007"))
application = service.Application("echo")
echoService = internet.TCPServer(port, Factory.forProtocol(Echo), interface="127.0.0.1")
echoService.setServiceParent(application)
