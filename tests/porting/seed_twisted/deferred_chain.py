"""The Twisted original of examples/seed/deferred_chain.py.

The same program with Twisted's imports: `python -m twistlike run` runs it unmodified, and
tests/porting/test_porting_run.py compares its output with the ported example's.
"""

from twisted.internet import defer

d = defer.Deferred()


def printSquare(d):
    print("Square of %d is %d", (d, d * d))
    return d


def processError(f):
    print("error with process")


def printTwice(d):
    print("Twice of %d is %d", (2 * d))
    return d


d.addCallback(printSquare)
d.addErrback(processError)
d.addCallback(printTwice)
d.callback(5)
