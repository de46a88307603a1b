"""TLS over in-memory buffers (``ssl.MemoryBIO``), for the iosim pump of twistlike.testing.

Twisted: the role twisted.protocols.tls plays when tests run TLS over iosim. OpenSSL (the
standard library's ``ssl.SSLObject``) runs the protocol; this only moves bytes between it
and the fake transport. No I/O, no event loop.
"""

from __future__ import annotations

import ssl

__all__ = ["MemoryTLS"]


class MemoryTLS:
    """One side of a TLS session whose records travel through memory.

    ``start()``, ``write()``, ``receive()`` and ``flushPending()`` return the TLS records to
    send to the peer. Application data written before the handshake completes is kept and
    encrypted once it has (after the caller has told the protocol, as Twisted's order is).
    """

    def __init__(self, context: ssl.SSLContext, serverSide: bool, hostname: str | None) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self.sslobj = context.wrap_bio(
            self._incoming, self._outgoing, server_side=serverSide, server_hostname=hostname
        )
        self.handshakeDone = False
        self.closed = False  # the peer sent close_notify
        self._pending: list[bytes] = []

    def _handshake(self) -> bool:
        """Advance the handshake; True when it has just completed.

        Raises:
            ssl.SSLError: the handshake failed (verification, protocol ...).
        """
        try:
            self.sslobj.do_handshake()
        except ssl.SSLWantReadError:
            return False
        self.handshakeDone = True
        return True

    def start(self) -> bytes:
        """Begin the handshake (a client's ClientHello)."""
        self._handshake()
        return self._outgoing.read()

    def write(self, data: bytes) -> bytes:
        """Encrypt ``data`` (or keep it until the handshake completes)."""
        if not self.handshakeDone:
            self._pending.append(data)
            return b""
        self.sslobj.write(data)
        return self._outgoing.read()

    def flushPending(self) -> bytes:
        """Encrypt what was written during the handshake."""
        pending, self._pending = self._pending, []
        for data in pending:
            self.sslobj.write(data)
        return self._outgoing.read()

    def outgoing(self) -> bytes:
        """Whatever records are waiting (an alert after a failure, say)."""
        return self._outgoing.read()

    def receive(self, data: bytes) -> tuple[list[bytes], bool]:
        """Take records from the peer: the plaintext they carry, and whether the handshake
        completed just now. Call :meth:`outgoing` afterwards for the replies.

        Raises:
            ssl.SSLError: the handshake or the session failed.
        """
        self._incoming.write(data)
        completed = False
        if not self.handshakeDone:
            completed = self._handshake()
            if not completed:
                return [], False
        chunks = []
        while True:
            try:
                chunk = self.sslobj.read(1 << 16)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            chunks.append(chunk)
        return chunks, completed
