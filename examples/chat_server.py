"""A line-based chat server: the seed's broadcast idea, on LineReceiver.

Each client first sends a nickname line; after that every line it sends is relayed to the
others as "<nick> text". "/quit" leaves; "/who" lists who is here. Lines longer than
MAX_LENGTH are refused by LineReceiver and the client is disconnected.

    python examples/chat_server.py [PORT]          # default 8008
    python examples/chat_client.py NICK [PORT]     # in other terminals
"""

from __future__ import annotations

import sys

from twistlike import reactor
from twistlike.basic import LineReceiver
from twistlike.failure import Failure
from twistlike.protocol import Factory


class ChatProtocol(LineReceiver):
    delimiter = b"\n"
    MAX_LENGTH = 1024

    def __init__(self, factory: ChatFactory) -> None:
        self.chat = factory
        self.nick: str | None = None

    def connectionMade(self) -> None:
        self.sendLine(b"Welcome! Your nickname?")

    def lineReceived(self, line: bytes) -> None:
        text = line.rstrip(b"\r").decode("utf-8", errors="replace")
        if self.nick is None:
            nick = text.strip()
            if not nick or nick in self.chat.users:
                self.sendLine(f"Nickname {nick!r} is taken or empty; another?".encode())
                return
            self.nick = nick
            self.chat.users[nick] = self
            self.sendLine(f"Hello {nick}; /who lists users, /quit leaves.".encode())
            self.chat.broadcast(f"* {nick} joined", exclude=self)
        elif text == "/quit":
            self.sendLine(b"Bye!")
            self.transport.loseConnection()
        elif text == "/who":
            self.sendLine(("Here: " + ", ".join(sorted(self.chat.users))).encode())
        else:
            self.chat.broadcast(f"<{self.nick}> {text}", exclude=self)

    def lineLengthExceeded(self, line: bytes) -> None:
        self.sendLine(f"Line too long (max {self.MAX_LENGTH} bytes); goodbye.".encode())
        self.transport.loseConnection()

    def connectionLost(self, reason: Failure | None = None) -> None:
        if self.nick is not None and self.chat.users.get(self.nick) is self:
            del self.chat.users[self.nick]
            self.chat.broadcast(f"* {self.nick} left")


class ChatFactory(Factory[ChatProtocol]):
    def __init__(self) -> None:
        self.users: dict[str, ChatProtocol] = {}

    def buildProtocol(self, addr: object) -> ChatProtocol:
        return ChatProtocol(self)

    def broadcast(self, text: str, exclude: ChatProtocol | None = None) -> None:
        for user in self.users.values():
            if user is not exclude:
                user.sendLine(text.encode())


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8008
    listening = reactor.listenTCP(port, ChatFactory())
    print(f"chat server on port {listening.getHost().port}")
    reactor.run()


if __name__ == "__main__":
    main()
