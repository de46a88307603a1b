"""The seed's second program: several callbacks and an errback on one Deferred.

Only the imports differ from the Twisted original (../shared/seed/); its print calls pass a
tuple, so the output shows the format string and the tuple, exactly as on Twisted:

    Square of %d is %d (5, 25)
    Twice of %d is %d 10
"""

from twistlike import defer

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
