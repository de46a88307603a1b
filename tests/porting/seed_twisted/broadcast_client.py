"""The Twisted original of examples/seed/broadcast_client.py.

The same program with Twisted's imports: `python -m twistlike run` runs it unmodified, and
tests/porting/test_porting_run.py compares its output with the ported example's.
"""

import datetime
import sys

from twisted.internet import reactor
from twisted.internet.protocol import ClientFactory, Protocol


class Echo(Protocol):
    def connectionMade(self):
        print("connect to server!")

    def dataReceived(self, data):
        print("got message: ", data.decode("utf8"))
        reactor.callLater(5, self.say_hello)

    def connectionLost(self, reason):
        print("Disconnected from server!")

    def say_hello(self):
        if self.transport.connected:
            self.transport.write(
                ("hello, I'm %s %s" % (sys.argv[1], datetime.datetime.now())).encode("utf-8")
            )


class EchoClientFactory(ClientFactory):
    def __init__(self):
        self.protocol = None

    def startedConnecting(self, connector):
        print("Start to connect.")

    def buildProtocol(self, addr):
        self.protocol = Echo()
        return self.protocol

    def clientConnectionLost(self, connector, reason):
        print("Lost Connection. Reason:", reason)

    def clientConnectionFailed(self, connector, reason):
        print("Connection failed. Reason:", reason)


host = "127.0.0.1"
port = 8007
factory = EchoClientFactory()
reactor.connectTCP(host, port, factory)
reactor.run()
