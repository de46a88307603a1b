"""The seed's first program: a Deferred with a callback and an errback, fired by hand.

Only the imports differ from the Twisted original (../shared/seed/). Run it with no argument
to fire the callback, or with ``call_error`` to fire the errback:

    python examples/seed/deferred_basics.py
    python examples/seed/deferred_basics.py call_error
"""

import sys

from twistlike import defer, failure

d = defer.Deferred()  # 定义defer实例


def printSquare(d):  # 正常处理函数
    print("Square of %d is %d" % (d, d * d))


def processError(f):  # 错误处理函数
    print("Error with process ")


d.addCallback(printSquare)  # 添加正常处理的回调函数
d.addErrback(processError)  # 添加错误处理回调函数
# 开始调用defer
if len(sys.argv) > 1 and sys.argv[1] == "call_error":
    f = failure.Failure(Exception("my Exception"))
    d.errback(f)  # 调用错误处理函数processError
else:
    d.callback(4)  # 调用正常处理函数printSquare(4)
