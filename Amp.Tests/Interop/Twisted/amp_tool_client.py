#!/usr/bin/python3
"""
A Twisted AMP client for the amp tool's tests: calls ``amp listen`` (run with a
script answering Sum and Divide) and prints one line per result.

    amp_tool_client.py PORT

Prints ``SUM <total>``, ``ECHO <x>`` (Echo answered by echo), ``DIVIDE
<exception class> <message>`` (the declared error), ``UNHANDLED <exception
class>`` for a command the script leaves out, then ``DONE``.  Only the
standard library and Twisted are used.
"""

import sys

from twisted.internet import defer, endpoints, reactor, task
from twisted.protocols import amp


class Sum(amp.Command):
    commandName = b"Sum"
    arguments = [(b"a", amp.Integer()), (b"b", amp.Integer())]
    response = [(b"total", amp.Integer())]


class Echo(amp.Command):
    commandName = b"Echo"
    arguments = [(b"x", amp.Unicode())]
    response = [(b"x", amp.Unicode())]


class Divide(amp.Command):
    commandName = b"Divide"
    arguments = [(b"numerator", amp.Integer()), (b"denominator", amp.Integer())]
    response = [(b"quotient", amp.Float())]
    errors = {ZeroDivisionError: b"ZERO_DIVISION"}


class Nope(amp.Command):
    commandName = b"Nope"


async def main(reactor, port):
    endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", int(port))
    proto = await endpoints.connectProtocol(endpoint, amp.AMP())
    result = await proto.callRemote(Sum, a=13, b=81)
    print("SUM", result["total"], flush=True)
    result = await proto.callRemote(Echo, x="snow \u2603")
    print("ECHO", result["x"], flush=True)
    try:
        await proto.callRemote(Divide, numerator=1, denominator=0)
        print("DIVIDE no error", flush=True)
    except ZeroDivisionError as e:
        print("DIVIDE", type(e).__name__, e, flush=True)
    try:
        await proto.callRemote(Nope)
        print("UNHANDLED no error", flush=True)
    except amp.UnhandledCommand as e:
        print("UNHANDLED", type(e).__name__, flush=True)
    proto.transport.loseConnection()
    print("DONE", flush=True)


if __name__ == "__main__":
    task.react(lambda r: defer.ensureDeferred(main(r, sys.argv[1])))
