"""The Twisted original of examples/seed/broadcast_server.py.

The same program with Twisted's imports: `python -m twistlike run` runs it unmodified, and
tests/porting/test_porting_run.py compares its output with the ported example's.
"""

from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.internet.protocol import Factory, Protocol

clients = []  # 保存所有客户端连接


# Protocol的子类
class Spreader(Protocol):
    def __init__(self, factory):
        self.factory = factory

    def connectionMade(self):
        self.factory.numProtocols = self.factory.numProtocols + 1  # 对连接的客户端进行计数
        self.connect_id = self.factory.numProtocols  # fixed: connect_id was never set
        self.transport.write(
            ("欢迎来到Spread Site,您是第%d个客户端用户!\n" % (self.factory.numProtocols,)).encode(
                "utf8"
            )  # fixed: the seed called .encode on the tuple
        )
        print(f"new connect {self.factory.numProtocols}")
        clients.append(self)  # 将self保存到clients列表中

    def connectionLost(self, reason):
        clients.remove(self)  # fixed: the seed's remove() had no argument
        print(f"lost connect: {self.connect_id}")

    def dataReceived(self, data):
        if data == b"close":  # fixed: data is bytes
            self.transport.loseConnection()
            print(f"{self.connect_id} closed")
        else:
            print(f"spreading message from {self.connect_id, data}")  # fixed: self.data
            for client in clients:
                if client != self:
                    # 将收到的数据通过Protocol.transport.write()函数分发给除自己以外的所有客户端
                    client.transport.write(data)


# Factory的子类
class SpreadFactory(Factory):
    def __init__(self):
        self.numProtocols = 0  # 将客户端计数器置0

    def buildProtocol(self, addr):
        return Spreader(self)  # 建立Protocol子类的实例


endpoint = TCP4ServerEndpoint(reactor, 8007)  # 定义服务器监听端口
endpoint.listen(SpreadFactory())  # 指定子类实例
reactor.run()  # 挂起运行
