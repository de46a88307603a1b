"""A protocol over this process's own stdin and stdout.

Twisted: twisted.internet.stdio.

Example::

    from twistlike import reactor, stdio
    from twistlike.basic import LineReceiver

    class Echo(LineReceiver):
        delimiter = b"\\n"

        def lineReceived(self, line):
            self.sendLine(line)

    stdio.StandardIO(Echo())
    reactor.run()
"""

from twistlike._aio.pipes import PipeAddress, StandardIO

__all__ = ["PipeAddress", "StandardIO"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj
