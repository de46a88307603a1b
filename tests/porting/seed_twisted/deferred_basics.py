"""The Twisted original of examples/seed/deferred_basics.py.

The same program with Twisted's imports: `python -m twistlike run` runs it unmodified, and
tests/porting/test_porting_run.py compares its output with the ported example's.
"""

import sys

from twisted.internet import defer
from twisted.python import failure

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
