"""The seed's third program: a Deferred fired by ``reactor.callLater`` before ``run()``.

Only the imports differ from the Twisted original (../shared/seed/), plus the seed's own
suggestion, ``reactor.callLater(4, reactor.stop)``, so that it ends by itself:

    Square of 5 is 25
    Twice of %d is %d 10
"""

from twistlike import defer, reactor


def printSquare(d):
    print("Square of %d is %d" % (d, d * d))
    return d


def printTwice(d):
    print("Twice of %d is %d", (2 * d))
    return d


def makeDefer():
    d = defer.Deferred()
    d.addCallback(printSquare)
    d.addCallback(printTwice)
    reactor.callLater(2, d.callback, 5)  # 配置延时2s调用


makeDefer()
reactor.callLater(4, reactor.stop)  # 4秒后调用函数reactor.stop()
reactor.run()
