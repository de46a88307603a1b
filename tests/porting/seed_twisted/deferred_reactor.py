"""The Twisted original of examples/seed/deferred_reactor.py.

The same program with Twisted's imports: `python -m twistlike run` runs it unmodified, and
tests/porting/test_porting_run.py compares its output with the ported example's.
"""

from twisted.internet import defer, reactor


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
