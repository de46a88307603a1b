"""An asyncio application that serves a Twisted-style protocol on its own terms.

The application owns the loop (``asyncio.run``) and its server (``loop.create_server``);
twistlike only supplies the protocol side: ``asyncio_protocol_factory`` turns a twistlike
Factory into a ``protocol_factory``. The app then talks to its own server with asyncio
streams, and awaits a Deferred the protocol fires.

    python examples/asyncio_app.py
"""

from __future__ import annotations

import asyncio

from twistlike.basic import LineReceiver
from twistlike.defer import Deferred
from twistlike.endpoints import asyncio_protocol_factory
from twistlike.protocol import Factory


class Upper(LineReceiver):
    """Answers each line in upper case; 'bye' ends the connection."""

    delimiter = b"\n"

    def lineReceived(self, line: bytes) -> None:
        if line == b"bye":
            self.transport.loseConnection()
            return
        self.sendLine(line.upper())

    def connectionLost(self, reason: object = None) -> None:
        self.factory.closed.callback(self.factory.served)


class UpperFactory(Factory[Upper]):
    protocol = Upper

    def __init__(self) -> None:
        self.closed: Deferred[int] = Deferred()
        self.served = 0

    def buildProtocol(self, addr: object) -> Upper | None:
        self.served += 1
        return super().buildProtocol(addr)


async def main() -> None:
    loop = asyncio.get_running_loop()
    factory = UpperFactory()
    server = await loop.create_server(asyncio_protocol_factory(factory), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for word in (b"hello", b"asyncio"):
        writer.write(word + b"\n")
        print((await reader.readline()).decode().strip())
    writer.write(b"bye\n")
    served = await factory.closed  # a Deferred, awaited in an asyncio task
    print(f"served {served} connection(s)")
    writer.close()
    server.close()
    await server.wait_closed()
    factory.doStop()


if __name__ == "__main__":
    asyncio.run(main())
