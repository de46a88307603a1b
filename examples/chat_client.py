"""A small client for examples/chat_server.py: lines typed on stdin go to the server.

    python examples/chat_client.py NICK [PORT]

Reading stdin happens in a thread (twistlike.threads), so the loop stays free.
"""

from __future__ import annotations

import sys

from twistlike import reactor
from twistlike.basic import LineReceiver
from twistlike.failure import Failure
from twistlike.protocol import ClientFactory


class ChatClient(LineReceiver):
    delimiter = b"\n"

    def __init__(self, nick: str) -> None:
        self.nick = nick

    def connectionMade(self) -> None:
        self.sendLine(self.nick.encode())
        reactor.callInThread(self.readStdin)

    def lineReceived(self, line: bytes) -> None:
        print(line.decode("utf-8", errors="replace"))

    def readStdin(self) -> None:
        for line in sys.stdin:
            reactor.callFromThread(self.sendLine, line.rstrip("\n").encode())
        reactor.callFromThread(self.sendLine, b"/quit")

    def connectionLost(self, reason: Failure | None = None) -> None:
        print("disconnected")
        if reactor.running:
            reactor.stop()


class ChatClientFactory(ClientFactory[ChatClient]):
    def __init__(self, nick: str) -> None:
        self.nick = nick

    def buildProtocol(self, addr: object) -> ChatClient:
        return ChatClient(self.nick)

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        print("connection failed:", reason.getErrorMessage())
        reactor.stop()


def main() -> None:
    nick = sys.argv[1] if len(sys.argv) > 1 else "guest"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8008
    reactor.connectTCP("127.0.0.1", port, ChatClientFactory(nick))
    reactor.run()


if __name__ == "__main__":
    main()
