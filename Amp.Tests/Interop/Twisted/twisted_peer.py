#!/usr/bin/python3
"""
Twisted peer for the Amp.NET interop test suite.

Run with a Python 3 that has Twisted (on the build machines that is
``/usr/bin/python3``; the ``python3`` first on PATH may lack Twisted).
Only the standard library and Twisted are used.

Roles
=====

``server --port 0 [--host 127.0.0.1] [--ignore-stdin] [--verbose]``
    Listen on TCP, print exactly one line ``PORT <n>`` to stdout (flushed)
    once listening, and serve any number of connections with the interop
    command set below.  Exits when stdin reaches EOF (the parent test process
    stops the server by closing our stdin) or on SIGTERM/SIGINT.
    ``--ignore-stdin`` disables the stdin watch (for manual runs).
    With the TLS options below, the StartTLS responder answers with that
    certificate and those authorities; without them it uses Twisted's default
    (a fresh self-signed ``CN=TEMPORARY CERTIFICATE``, no peer verification).

All roles log Twisted's warnings and errors (e.g. the traceback of a
responder that raised an undeclared exception) to stderr; ``--verbose`` logs
everything.  A parent process must drain or redirect stderr: a full pipe
blocks the peer.

``client --port N [--host 127.0.0.1] --scenario NAME[,NAME...] [--timeout S] [--verbose]``
``       [--tls-cert CERT.pem [--tls-key KEY.pem] --tls-ca CA.pem]``
    Connect to a server offering the same command set (normally the C#
    implementation), run the named scenarios (``all`` = every scenario, in
    the order of ``list``) and print one line per check::

        PASS <check>
        PASS <check> <detail>              (a few checks report what they saw)
        FAIL <check>: <detail>
        DONE <passed> <failed>

    Check names are ``<scenario>.<check>``, without spaces.  Each check has a
    timeout (default 10 s).  Each scenario uses its own connection(s); checks
    that may break a connection open a fresh one.  Exit status is 0 iff no
    check failed.  The client also answers the whole command set (the server's
    ``CallMeBack`` calls ``Sum`` back on it).

TLS options (``server`` and ``client``; PEM files)
    ``--tls-cert CERT.pem``  our certificate; the private key may follow it
                             in the same file (the first certificate is ours)
    ``--tls-key KEY.pem``    our private key, if not in CERT.pem
    ``--tls-ca CA.pem``      authorities (every certificate in the file) the
                             peer's certificate must chain to; the peer must
                             then present a certificate
    These become ``tls_localCertificate=PrivateCertificate.loadPEM(cert+key)``
    and ``tls_verifyAuthorities=[Certificate.loadPEM(ca), ...]``.  Twisted
    does no host name check.

TLS scenarios (need ``--tls-cert`` and ``--tls-ca``; not part of ``all``; a
scenario run without them prints ``FAIL <scenario>: needs TLS options ...``)
    ``starttls``  one connection: PeerInfo in plaintext (tls=False), StartTLS
        with a Sum issued before its answer (Twisted holds it back and sends
        it inside TLS), Sum, Echo with 60 KB of bytes, PeerInfo (tls=True,
        names our certificate: ``PASS starttls.peerinfo client=<CN>``), our
        view of the server certificate (``PASS starttls.peer-subject
        server=<CN> issuer=<CN>``), the negotiated version (``PASS
        starttls.version version=TLSv1.3 cipher=...``), CallMeBack inside TLS.
        We connected, so we are the TLS client.
    ``starttls-untrusted``  with a ``--tls-ca`` that did not sign the server's
        certificate (or a client certificate the server does not trust):
        StartTLS may be answered (Twisted) or fail (Amp.NET); a Sum issued
        with it must fail and the connection must end within the timeout.

``list``
    Print every scenario and its check names, one ``<scenario>.<check>`` per
    line.

``capture [--pretty]``
    Print the exact bytes Twisted writes for representative boxes, using an
    in-memory ``StringTransport`` (no network).  One line per item::

        BOX <name> <hex>                   bytes written to the transport
        VALUE <type> <hex> <description>   one encoded argument value (no
                                           framing); <hex> is "-" if empty

    ``--pretty`` prints a spaced hex dump with the decoded keys and values
    under each item instead (used for ``spec/amp-wire.md``).

``bigcapture [--pretty]``
    The same for BigEcho calls and answers with big values (``BOX`` lines
    only, up to 1.8 MB of hex each; not kept in a file): the chunk keys of
    ``data`` in Twisted's sorted order, interleaved with ``data-x`` and
    ``data.1x``.

Interop command set
===================

Wire names are exact; the C# side declares identical commands.

=================  ===========================================  ==========================
command            arguments                                    response / errors
=================  ===========================================  ==========================
Sum                a Integer, b Integer                         total Integer
Echo               all optional: int Integer, bytes String,     the same keys, all optional;
                   text Unicode, flag Boolean, float Float,     returns exactly what it got
                   decimal Decimal, when DateTime,              (absent stays absent, empty
                   ints ListOf(Integer), texts ListOf(Unicode), list stays empty list)
                   decimals ListOf(Decimal),
                   whens ListOf(DateTime),
                   items AmpList(name Unicode, n Integer opt),
                   path Path
Divide             numerator Integer, denominator Integer       quotient Float;
                                                                ZeroDivisionError -> ZERO_DIVISION
                                                                (description "division by zero")
Die                (none)                                       (empty); fatal DeathThreat -> DEAD,
                                                                raises DeathThreat("aieeeeeeeee")
Fail               (none)                                       raises ValueError("secret detail"),
                                                                undeclared -> UNKNOWN "Unknown Error"
                                                                (Twisted then closes the connection)
Notify             message Unicode; requiresAnswer = False      (no answer); records the message
GetNotifications   (none)                                       messages ListOf(Unicode): every
                                                                Notify of THIS connection, in order
Delay              ms Integer, value Integer                    value Integer, after ms milliseconds
CallMeBack         a Integer, b Integer                         total Integer: the responder calls
                                                                Sum(a, b) back on the caller over the
                                                                same connection and returns its total
Raw                payload String                               payload String (echo)
PeerInfo           (none)                                       tls Boolean: this connection's
                                                                transport is TLS now;
                                                                subject Unicode opt, issuer
                                                                Unicode opt: CNs of the peer's
                                                                certificate (absent if none)
BigEcho            all optional: data BigString, text           the same keys, all optional
                   BigUnicode, data-x String, data.1x String    (echo); BigString/BigUnicode
                                                                are the community recipe (see
                                                                BigString below): values of
                                                                any size, in 65535-byte chunks
                                                                under data, data.2, data.3, ...
StartTLS           (none on the wire)                           (empty); Twisted's own command
SwitchProtocol     protocol Unicode                             (empty); UnknownProtocol ->
                   (amp.ProtocolSwitchCommand: the caller       UNKNOWN_PROTOCOL, description
                   passes a client factory, not sent)           "no protocol named <name>"
=================  ===========================================  ==========================

Protocol switching (SwitchProtocol)
===================================

Both roles answer it.  ``protocol="raw-echo"``: the responder writes the bare
answer box ``00 07 _answer 00 01 <tag> 00 00`` and switches at once; its raw
protocol then writes the greeting ``RAW-ECHO READY\n`` (15 bytes, right after
the answer box, usually in the same TCP segment) and echoes every byte it
receives unchanged until the connection ends.  Any other name: the error
UNKNOWN_PROTOCOL and AMP goes on.  The caller switches when it parses the
answer (bytes after the answer in the same read belong to the raw protocol);
our raw-echo client then writes ``SWITCH_CHUNKS`` at once (``first chunk\n``,
64 KiB of xorshift32 bytes, ``\0\0looks like an AMP end marker\0\0``) and
expects exactly the greeting followed by the same bytes.

Big values (``bigvalues``, part of ``all``)
    BigEcho of big_bytes(n) and big_text(n) for n in BIG_SIZES (0, 1, 65535,
    65536, 200000, 700000: up to 11 chunks, so data.10 and data.11 sort before
    data.2), 4-byte characters cut by chunk boundaries, all four keys at once
    (``interleaved``), the answer's chunk keys through callRemoteString
    (``raw-keys``), and a value with a gap and keys the recipe never looks up
    (``raw-gap``: data, data.2, data.4, data.02, data.1, data.x echo as
    ``AB``).

Scenarios (part of ``all``; each check on a fresh connection unless noted)
    ``switch``  ``refused``: SwitchProtocol("nope") fails with UnknownProtocol
        ("no protocol named nope") and a Sum then works; ``refused-raw``: the
        same through callRemoteString (code UNKNOWN_PROTOCOL); ``raw-echo``:
        switch to raw-echo and check the echo (``PASS switch.raw-echo
        bytes=65580 greeting=with-answer|separate-read``, bytes = echoed bytes
        without the greeting; greeting says whether it came in the same read as
        the answer).
    ``switch-locked``  ``refused``: a Sum issued after SwitchProtocol("nope")
        and before its answer raises ProtocolSwitched synchronously (Twisted
        sends nothing); after the error answer Sum works.  ``raw-echo``: a
        Delay(150 ms) is issued, then SwitchProtocol("raw-echo"), then a Sum
        (raises ProtocolSwitched); the switch and echo must work and nothing
        else may arrive for 400 ms (the server must drop the Delay's answer:
        after its switch answer only raw bytes may follow).  ``pending`` (same
        connection): the Delay is still unanswered; we close the connection and
        it fails with a connection error.
"""

import argparse
import decimal
import itertools
import math
import os
import signal
import sys
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from twisted.internet import defer, endpoints, protocol, reactor
from twisted.internet.error import ConnectionClosed
from twisted.internet.interfaces import ISSLTransport
from twisted.logger import (
    FilteringLogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)
from twisted.protocols import amp
from twisted.python.filepath import FilePath
from twisted.python.failure import Failure

DEFAULT_TIMEOUT = 10.0

log = Logger(namespace="twisted_peer")


# ---------------------------------------------------------------------------
# Command set
# ---------------------------------------------------------------------------


class DeathThreat(Exception):
    """Declared as a fatal error of Die (code DEAD)."""


class Sum(amp.Command):
    commandName = b"Sum"
    arguments = [(b"a", amp.Integer()), (b"b", amp.Integer())]
    response = [(b"total", amp.Integer())]


def _echo_schema():
    return [
        (b"int", amp.Integer(optional=True)),
        (b"bytes", amp.String(optional=True)),
        (b"text", amp.Unicode(optional=True)),
        (b"flag", amp.Boolean(optional=True)),
        (b"float", amp.Float(optional=True)),
        (b"decimal", amp.Decimal(optional=True)),
        (b"when", amp.DateTime(optional=True)),
        (b"ints", amp.ListOf(amp.Integer(), optional=True)),
        (b"texts", amp.ListOf(amp.Unicode(), optional=True)),
        (b"decimals", amp.ListOf(amp.Decimal(), optional=True)),
        (b"whens", amp.ListOf(amp.DateTime(), optional=True)),
        (
            b"items",
            amp.AmpList(
                [(b"name", amp.Unicode()), (b"n", amp.Integer(optional=True))],
                optional=True,
            ),
        ),
        (b"path", amp.Path(optional=True)),
    ]


ECHO_KEYS = [name.decode("ascii") for name, _ in _echo_schema()]


class Echo(amp.Command):
    commandName = b"Echo"
    arguments = _echo_schema()
    response = _echo_schema()


class Divide(amp.Command):
    commandName = b"Divide"
    arguments = [(b"numerator", amp.Integer()), (b"denominator", amp.Integer())]
    response = [(b"quotient", amp.Float())]
    errors = {ZeroDivisionError: b"ZERO_DIVISION"}


class Die(amp.Command):
    commandName = b"Die"
    arguments = []
    response = []
    fatalErrors = {DeathThreat: b"DEAD"}


class Fail(amp.Command):
    commandName = b"Fail"
    arguments = []
    response = []


class Notify(amp.Command):
    commandName = b"Notify"
    arguments = [(b"message", amp.Unicode())]
    response = []
    requiresAnswer = False


class GetNotifications(amp.Command):
    commandName = b"GetNotifications"
    arguments = []
    response = [(b"messages", amp.ListOf(amp.Unicode()))]


class Delay(amp.Command):
    commandName = b"Delay"
    arguments = [(b"ms", amp.Integer()), (b"value", amp.Integer())]
    response = [(b"value", amp.Integer())]


class CallMeBack(amp.Command):
    commandName = b"CallMeBack"
    arguments = [(b"a", amp.Integer()), (b"b", amp.Integer())]
    response = [(b"total", amp.Integer())]


class Raw(amp.Command):
    commandName = b"Raw"
    arguments = [(b"payload", amp.String())]
    response = [(b"payload", amp.String())]


class PeerInfo(amp.Command):
    commandName = b"PeerInfo"
    arguments = []
    response = [(b"tls", amp.Boolean()),
                (b"subject", amp.Unicode(optional=True)),
                (b"issuer", amp.Unicode(optional=True))]


# Twisted's BigString recipe (glyph's amphacks, quoted on amp-protocol.net), for
# Python 3 and with Twisted's optional-argument handling: a value's first
# CHUNK_MAX bytes go under the argument's name, the n-th chunk (n >= 2) under
# b"name.%d" % n; the reader takes name, name.2, name.3, ... up to the first
# missing index.  Written from the recipe's description, not copied.
CHUNK_MAX = 0xFFFF


class BigString(amp.Argument):
    """A byte string of any size, in chunks of at most CHUNK_MAX bytes."""

    def buildvalue(self, data):
        return data

    def fromvalue(self, value):
        return value

    def fromBox(self, name, strings, objects, proto):
        pyname = amp._wireNameToPythonIdentifier(name)
        first = strings.get(name)
        if first is None:
            if not self.optional:
                raise KeyError(name)
            objects[pyname] = None
            return
        chunks = [first]
        for index in itertools.count(2):
            chunk = strings.get(b"%s.%d" % (name, index))
            if chunk is None:
                break
            chunks.append(chunk)
        objects[pyname] = self.buildvalue(b"".join(chunks))

    def toBox(self, name, strings, objects, proto):
        value = self.retrieve(objects, amp._wireNameToPythonIdentifier(name), proto)
        if self.optional and value is None:
            return
        data = self.fromvalue(value)
        strings[name] = data[:CHUNK_MAX]  # the empty value too: the name with an empty value
        for index, start in enumerate(range(CHUNK_MAX, len(data), CHUNK_MAX), 2):
            strings[b"%s.%d" % (name, index)] = data[start:start + CHUNK_MAX]


class BigUnicode(BigString):
    """Text of any size: UTF-8, then chunked as BigString (a chunk may end inside a character)."""

    def buildvalue(self, data):
        return data.decode("utf-8")

    def fromvalue(self, value):
        return value.encode("utf-8")


def _big_echo_schema():
    # data-x sorts between data and data.10, data.1x between data.19 and data.2.
    return [
        (b"data", BigString(optional=True)),
        (b"text", BigUnicode(optional=True)),
        (b"data-x", amp.String(optional=True)),
        (b"data.1x", amp.String(optional=True)),
    ]


BIG_ECHO_KEYS = ["data", "text", "data_x", "data.1x"]


class BigEcho(amp.Command):
    commandName = b"BigEcho"
    arguments = _big_echo_schema()
    response = _big_echo_schema()


class UnknownProtocol(Exception):
    """Declared error of SwitchProtocol (code UNKNOWN_PROTOCOL): no such protocol."""


class SwitchProtocol(amp.ProtocolSwitchCommand):
    """Switch the connection from AMP to the named protocol (Twisted's
    ProtocolSwitchCommand).  The caller passes a client factory as the first
    positional argument of callRemote (not sent); the responder returns a
    protocol instance, so the answer box holds only ``_answer``."""
    commandName = b"SwitchProtocol"
    arguments = [(b"protocol", amp.Unicode())]
    response = []
    errors = {UnknownProtocol: b"UNKNOWN_PROTOCOL"}


# The raw-echo protocol (after a SwitchProtocol(protocol="raw-echo")):
# the responder's side writes RAW_ECHO_GREETING as soon as it is connected
# (right after the AMP answer box, often in the same TCP segment), then echoes
# every byte it receives unchanged.  The caller's side writes SWITCH_CHUNKS as
# soon as it is connected and expects RAW_ECHO_GREETING + b"".join(SWITCH_CHUNKS).
RAW_ECHO_GREETING = b"RAW-ECHO READY\n"


def xorshift32_bytes(n, seed=0x2545F491):
    """n pseudo-random bytes: xorshift32 (x ^= x << 13; x ^= x >> 17;
    x ^= x << 5; all mod 2**32) from seed, one byte (x & 0xFF) per step."""
    x = seed
    out = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


SWITCH_CHUNKS = [
    b"first chunk\n",
    xorshift32_bytes(64 * 1024),
    b"\x00\x00looks like an AMP end marker\x00\x00",
]


class RawEcho(protocol.Protocol):
    """The responder's side of raw-echo: greeting, then echo everything."""

    def connectionMade(self):
        self.transport.write(RAW_ECHO_GREETING)

    def dataReceived(self, data):
        self.transport.write(data)


# ---------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------


def _pem_blocks(data, kind):
    """Every '-----BEGIN <kind>-----' block of PEM data (bytes), in order."""
    begin = b"-----BEGIN " + kind + b"-----"
    end = b"-----END " + kind + b"-----"
    blocks = []
    i = data.find(begin)
    while i >= 0:
        j = data.find(end, i)
        if j < 0:
            break
        blocks.append(data[i:j + len(end)] + b"\n")
        i = data.find(begin, j)
    return blocks


def _cn(name):
    """The commonName of a DistinguishedName as text, or None."""
    cn = name.commonName
    if cn is None:
        return None
    return cn.decode("utf-8", "replace") if isinstance(cn, bytes) else str(cn)


class TLSOptions:
    """Local certificate and trusted authorities for StartTLS (either may be None).

    With authorities, Twisted verifies the peer and requires a peer certificate
    (``PrivateCertificate.options(*authorities)`` sets a trust root); without,
    it accepts any peer.  There is no host name check in either case.
    """

    def __init__(self, cert, authorities):
        self.cert = cert                 # twisted.internet.ssl.PrivateCertificate or None
        self.authorities = authorities   # list of twisted.internet.ssl.Certificate or None

    @classmethod
    def load(cls, cert_path, key_path, ca_path):
        from twisted.internet import ssl
        cert = None
        if cert_path:
            with open(cert_path, "rb") as f:
                pem = f.read()
            if key_path:
                with open(key_path, "rb") as f:
                    pem = pem + b"\n" + f.read()
            certs = _pem_blocks(pem, b"CERTIFICATE")
            if not certs:
                raise ValueError(f"no certificate in {cert_path}")
            # The first certificate is ours (a chain file may hold more).
            cert = ssl.PrivateCertificate.loadPEM(certs[0] + pem)
        authorities = None
        if ca_path:
            with open(ca_path, "rb") as f:
                blocks = _pem_blocks(f.read(), b"CERTIFICATE")
            if not blocks:
                raise ValueError(f"no certificate in {ca_path}")
            authorities = [ssl.Certificate.loadPEM(b) for b in blocks]
        return cls(cert, authorities)

    def kwargs(self):
        """StartTLS keyword arguments / responder answer for these options."""
        kw = {}
        if self.cert is not None:
            kw["tls_localCertificate"] = self.cert
        if self.authorities is not None:
            kw["tls_verifyAuthorities"] = list(self.authorities)
        return kw

    def subject(self):
        return _cn(self.cert.getSubject()) if self.cert is not None else None

    def issuer(self):
        return _cn(self.cert.getIssuer()) if self.cert is not None else None


def tls_state(proto):
    """(tls, subject CN, issuer CN) of proto's connection, as Twisted sees it."""
    t = proto.transport
    if t is None or not ISSLTransport.providedBy(t):
        return False, None, None
    try:
        cert = proto.peerCertificate  # raises CertificateError without a peer certificate
    except Exception:
        cert = None
    if cert is None:
        return True, None, None
    return True, _cn(cert.getSubject()), _cn(cert.getIssuer())


def tls_version(proto):
    """'<protocol version> <cipher>' negotiated on proto's TLS connection, or None."""
    t = proto.transport
    if t is None or not ISSLTransport.providedBy(t):
        return None
    try:
        conn = t.getHandle()  # the pyOpenSSL Connection once TLS is started
        return f"{conn.get_protocol_version_name()} {conn.get_cipher_name()}"
    except Exception:
        return None


class PeerAMP(amp.AMP):
    """AMP with responders for the whole interop command set (both roles)."""

    def __init__(self, *a, tls_options=None, **kw):
        amp.AMP.__init__(self, *a, **kw)
        self.tls_options = tls_options  # TLSOptions or None (Twisted's defaults)
        self.notifications = []
        self.sum_calls = 0
        self.reads = 0  # dataReceived calls so far (to see what arrived in one read)
        self.lost = defer.Deferred()  # fires with the exception that ended the connection

    def dataReceived(self, data):
        self.reads += 1
        amp.AMP.dataReceived(self, data)

    def connectionLost(self, reason):
        amp.AMP.connectionLost(self, reason)
        if not self.lost.called:
            self.lost.callback(reason.value)

    @Sum.responder
    def sum(self, a, b):
        self.sum_calls += 1
        return {"total": a + b}

    @Echo.responder
    def echo(self, **kw):
        # Absent optional arguments arrive as None and None is not sent back.
        return kw

    @Divide.responder
    def divide(self, numerator, denominator):
        if denominator == 0:
            raise ZeroDivisionError("division by zero")
        return {"quotient": numerator / denominator}

    @Die.responder
    def die(self):
        raise DeathThreat("aieeeeeeeee")

    @Fail.responder
    def fail(self):
        raise ValueError("secret detail")

    @Notify.responder
    def notify(self, message):
        self.notifications.append(message)
        return {}

    @GetNotifications.responder
    def get_notifications(self):
        return {"messages": list(self.notifications)}

    @Delay.responder
    def delay(self, ms, value):
        d = defer.Deferred()
        reactor.callLater(ms / 1000.0, d.callback, {"value": value})
        return d

    @CallMeBack.responder
    def call_me_back(self, a, b):
        d = self.callRemote(Sum, a=a, b=b)
        d.addCallback(lambda r: {"total": r["total"]})
        return d

    @Raw.responder
    def raw(self, payload):
        return {"payload": payload}

    @BigEcho.responder
    def big_echo(self, **kw):
        return kw

    @amp.StartTLS.responder
    def start_tls(self):
        # {} is Twisted's default: a fresh self-signed "TEMPORARY CERTIFICATE"
        # and no verification of the peer.
        if self.tls_options is None:
            return {}
        return self.tls_options.kwargs()

    @SwitchProtocol.responder
    def switch_protocol(self, protocol):
        # A protocol instance (not a dict): Twisted answers with a bare
        # _answer box, then hands the connection to it.
        if protocol == "raw-echo":
            log.info("SwitchProtocol: switching to raw-echo")
            return RawEcho()
        raise UnknownProtocol(f"no protocol named {protocol}")

    @PeerInfo.responder
    def peer_info(self):
        tls, subject, issuer = tls_state(self)
        if tls:
            log.info("PeerInfo on TLS ({version}): peer subject={subject} issuer={issuer}",
                     version=tls_version(self), subject=subject, issuer=issuer)
        answer = {"tls": tls}
        if subject is not None:
            answer["subject"] = subject
        if issuer is not None:
            answer["issuer"] = issuer
        return answer


# ---------------------------------------------------------------------------
# Edge values
# ---------------------------------------------------------------------------


def tz(minutes):
    return timezone(timedelta(minutes=minutes))


BIG_INTS = [0, 1, -1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1,
            2**64, -(2**70), 2**100, -(10**200)]

FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 100.0, 1e16, 1e-5, 1e22,
          1.2345678901234568e17, 9007199254740992.0, 5e-324,
          1.7976931348623157e308, 2.2250738585072014e-308,
          math.inf, -math.inf, math.nan]

DECIMALS = ["0", "1", "1.10", "-0", "1E+3", "0E-8", "0E+6", "1.5E+2", "0.000001",
            "1E-7", "123456789012345678901234567890.123", "-1.23E+30",
            "NaN", "-NaN", "sNaN", "-sNaN", "NaN123", "Infinity", "-Infinity"]

DATETIMES = [
    datetime(2010, 12, 25, 0, 0, 0, 0, tzinfo=timezone.utc),
    datetime(9876, 1, 23, 12, 34, 56, 54321, tzinfo=tz(-83)),
    datetime(2000, 2, 29, 23, 59, 59, 999999, tzinfo=tz(60)),
    datetime(2024, 6, 30, 5, 6, 7, 1, tzinfo=tz(5 * 60 + 45)),
    datetime(1969, 7, 20, 20, 17, 40, 0, tzinfo=tz(-5 * 60)),
    datetime(1, 1, 1, 0, 0, 0, 0, tzinfo=tz(14 * 60)),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=tz(-12 * 60)),
]

TEXTS = ["", "hello", "snow \u2603 \U0001D11E \U0001F600", "nul\x00byte",
         "\ufeffbom", "caf\u00e9 \u4e2d\u6587"]

ALL_BYTES = bytes(range(256))

# Big values (BigEcho): empty, one byte, one full chunk, one byte more, 4 and 11 chunks.
BIG_SIZES = [0, 1, 65535, 65536, 200000, 700000]
_BIG_BYTES = []


def big_bytes(n):
    """The first n bytes of xorshift32_bytes (C#: BigPayloads.Bytes)."""
    if not _BIG_BYTES or len(_BIG_BYTES[0]) < n:
        _BIG_BYTES[:] = [xorshift32_bytes(max(n, 700000))]
    return _BIG_BYTES[0][:n]


def big_text(n):
    """Text of at most n UTF-8 bytes (C#: BigPayloads.Text): "x", then snowmen
    (3 bytes each), so every chunk boundary (a multiple of 65535, itself a
    multiple of 3) falls inside a snowman."""
    return "" if n == 0 else "x" + "\u2603" * ((n - 1) // 3)

# Values sent with callRemoteString(b"Echo", key=raw) that must come back
# byte-for-byte: Twisted re-encodes them to the same bytes, so must Amp.NET.
RAW_ECHO = {
    "int": [b"0", b"-1", b"9223372036854775808", b"-1180591620717411303424",
            b"1267650600228229401496703205376"],
    "float": [b"0.0", b"-0.0", b"1.0", b"0.1", b"1e+16", b"1e-05", b"1e+22",
              b"123456789.0", b"1000000000000000.0", b"0.3333333333333333",
              b"5e-324", b"1.7976931348623157e+308", b"1.2345678901234568e+17",
              b"inf", b"-inf", b"nan"],
    "decimal": [d.encode("ascii") for d in DECIMALS],
    "when": [b"2010-12-25T00:00:00.000000-00:00",
             b"9876-01-23T12:34:56.054321-01:23",
             b"2000-02-29T23:59:59.999999+01:00",
             b"0001-01-01T00:00:00.000000+14:00"],
    "flag": [b"True", b"False"],
    "text": ["snow \u2603 \U0001D11E \U0001F600".encode("utf-8"), b""],
    "bytes": [b"", ALL_BYTES, b"\x00\x00", b"\x00\x01k\x00\x00"],
    "ints": [b"", b"\x00\x010\x00\x02-1\x00\x1f1267650600228229401496703205376"],
    "decimals": [b"", b"\x00\x041.10\x00\x03NaN\x00\x04sNaN\x00\x02-0"],
    "whens": [b"", b"\x00\x202010-12-25T00:00:00.000000-00:00"],
    "texts": [b"", b"\x00\x00\x00\x03\xe2\x98\x83"],
    "items": [b"", b"\x00\x01n\x00\x011\x00\x04name\x00\x01a\x00\x00"
                   b"\x00\x04name\x00\x00\x00\x00"],
}


# ---------------------------------------------------------------------------
# Comparison helpers
# ---------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


def same_float(a, b):
    if not isinstance(a, float) or not isinstance(b, float):
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def same_decimal(a, b):
    return (isinstance(a, Decimal) and isinstance(b, Decimal)
            and a.compare_total(b) == 0 and str(a) == str(b))


def same_datetime(a, b):
    return (isinstance(a, datetime) and isinstance(b, datetime)
            and a.replace(tzinfo=None) == b.replace(tzinfo=None)
            and a.utcoffset() == b.utcoffset())


def same_value(key, a, b):
    if a is None or b is None:
        return a is None and b is None
    if key == "float":
        return same_float(a, b)
    if key == "decimal":
        return same_decimal(a, b)
    if key == "when":
        return same_datetime(a, b)
    if key == "decimals":
        return len(a) == len(b) and all(map(same_decimal, a, b))
    if key == "whens":
        return len(a) == len(b) and all(map(same_datetime, a, b))
    if key == "path":
        return isinstance(b, FilePath) and a.path == b.path
    if key in ("int", "ints", "bytes", "text", "texts", "items"):
        return type(a) is type(b) and a == b
    if key == "flag":
        return a is b
    return a == b


def is_connection_closed(failure_or_exc):
    exc = failure_or_exc.value if isinstance(failure_or_exc, Failure) else failure_or_exc
    return isinstance(exc, ConnectionClosed)


# ---------------------------------------------------------------------------
# Client: connections, checks and scenarios
# ---------------------------------------------------------------------------


class Context:
    """Connections used by one scenario."""

    def __init__(self, host, port, timeout, tls=None):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tls = tls  # TLSOptions or None
        self.conns = []
        self._shared = None

    async def connect(self):
        ep = endpoints.TCP4ClientEndpoint(reactor, self.host, self.port, timeout=self.timeout)
        proto = await endpoints.connectProtocol(ep, PeerAMP(tls_options=self.tls))
        self.conns.append(proto)
        return proto

    async def shared(self):
        """The scenario's shared connection (opened on first use)."""
        if self._shared is None:
            self._shared = await self.connect()
        return self._shared

    async def fresh(self):
        """A new connection, for checks that may break their connection."""
        return await self.connect()

    async def close(self):
        for proto in self.conns:
            if proto.transport is not None:
                proto.transport.loseConnection()
        for proto in self.conns:
            try:
                await with_timeout(proto.lost, 2.0)
            except Exception:
                pass


def with_timeout(d, seconds):
    d = defer.Deferred.fromCoroutine(d) if not isinstance(d, defer.Deferred) else d
    return d.addTimeout(seconds, reactor)


def sleep(seconds):
    d = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d


async def expect_error(d, exc_type, what):
    """Await d and return the exception, which must be an exc_type."""
    try:
        result = await d
    except exc_type as e:
        if isinstance(e, defer.CancelledError):
            raise  # the check timed out
        return e
    except defer.CancelledError:
        raise  # the check timed out
    except Exception as e:
        raise CheckFailed(f"{what}: expected {exc_type.__name__}, got {type(e).__name__}: {e!r}")
    raise CheckFailed(f"{what}: expected {exc_type.__name__}, got result {result!r}")


async def expect_closed_or_working(proto, ctx):
    """After an UNKNOWN error: Twisted closes, Amp.NET may keep the connection.

    Either the connection is lost within a short while, or a Sum still works.
    """
    if proto.transport is None:
        return "closed"
    try:
        r = await with_timeout(proto.callRemote(Sum, a=2, b=3), ctx.timeout)
    except Exception as e:
        expect(is_connection_closed(e), f"after error: Sum failed with {e!r}")
        return "closed"
    expect(r["total"] == 5, f"after error: Sum gave {r!r}")
    return "open"


def echo_kw_check(kwargs):
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemote(Echo, **kwargs)
        for key in ECHO_KEYS:
            sent = kwargs.get(key)
            got = r.get(key)
            expect(same_value(key, sent, got), f"{key}: sent {sent!r}, got {got!r}")
    return check


def echo_raw_check(key, raw):
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemoteString(b"Echo", **{key: raw})
        keys = sorted(k for k in r if k != b"_answer")
        expect(keys == [key.encode("ascii")], f"answer keys {keys!r}, expected [{key!r}]")
        expect(r[key.encode("ascii")] == raw, f"sent {raw!r}, got {r[key.encode('ascii')]!r}")
    return check


def raw_canonical_check(command, kwargs, answer_key, expected):
    """callRemoteString(command, **kwargs) must answer answer_key == expected."""
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemoteString(command, **kwargs)
        got = r.get(answer_key)
        expect(got == expected, f"sent {kwargs!r}, got {got!r}, expected {expected!r}")
    return check


# --- scenario: sum ---------------------------------------------------------

async def sum_basic(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Sum, a=13, b=81)
    expect(r == {"total": 94}, f"got {r!r}")


async def sum_negative(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Sum, a=-5, b=3)
    expect(r["total"] == -2, f"got {r!r}")


async def sum_zero(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Sum, a=0, b=0)
    expect(r["total"] == 0, f"got {r!r}")


async def sum_raw(ctx):
    proto = await ctx.shared()
    r = await proto.callRemoteString(b"Sum", a=b"13", b=b"81")
    expect(set(r) == {b"_answer", b"total"}, f"answer keys {sorted(r)!r}")
    expect(r[b"total"] == b"94", f"total {r[b'total']!r}")


async def sum_sequential(ctx):
    proto = await ctx.shared()
    for i in range(50):
        r = await proto.callRemote(Sum, a=i, b=i * 1000)
        expect(r["total"] == i * 1001, f"call {i}: got {r!r}")


# --- scenario: bigint --------------------------------------------------------

def bigint_check(a, b):
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemote(Sum, a=a, b=b)
        expect(r["total"] == a + b, f"{a} + {b}: got {r['total']!r}")
    return check


async def bigint_raw(ctx):
    proto = await ctx.shared()
    a, b = -(2**70), 2**100
    r = await proto.callRemoteString(b"Sum", a=b"%d" % a, b=b"%d" % b)
    expect(r[b"total"] == b"%d" % (a + b), f"total {r[b'total']!r}")


# --- scenario: echo ----------------------------------------------------------

async def echo_empty(ctx):
    proto = await ctx.shared()
    r = await proto.callRemoteString(b"Echo")
    expect(set(r) == {b"_answer"}, f"answer keys {sorted(r)!r}")
    t = await proto.callRemote(Echo)
    expect(all(t[k] is None for k in ECHO_KEYS), f"got {t!r}")


async def echo_absent(ctx):
    proto = await ctx.shared()
    r = await proto.callRemoteString(b"Echo", int=b"7")
    expect(set(r) == {b"_answer", b"int"}, f"answer keys {sorted(r)!r}")


async def echo_empty_lists(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Echo, ints=[], texts=[], decimals=[], whens=[], items=[])
    for key in ("ints", "texts", "decimals", "whens", "items"):
        expect(r[key] == [], f"{key}: got {r[key]!r} (empty list must stay present)")
    raw = await proto.callRemoteString(b"Echo", ints=b"", items=b"")
    expect(raw.get(b"ints") == b"" and raw.get(b"items") == b"", f"raw answer {raw!r}")


async def echo_all(ctx):
    kwargs = {
        "int": -(2**70), "bytes": ALL_BYTES, "text": TEXTS[2], "flag": False,
        "float": -0.0, "decimal": Decimal("1.10"), "when": DATETIMES[1],
        "ints": [2**100, -1, 0], "texts": TEXTS, "decimals": [Decimal(d) for d in DECIMALS],
        "whens": DATETIMES, "items": [{"name": "a", "n": 1}, {"name": "\u2603", "n": None}],
        "path": FilePath("/tmp/amp interop/\u2603/file.txt"),
    }
    await echo_kw_check(kwargs)(ctx)


def echo_checks():
    checks = [("empty", echo_empty), ("absent", echo_absent),
              ("empty-lists", echo_empty_lists), ("all", echo_all)]
    for i, v in enumerate(BIG_INTS):
        checks.append((f"int-{i}", echo_kw_check({"int": v})))
    checks.append(("bytes-empty", echo_kw_check({"bytes": b""})))
    checks.append(("bytes-all256", echo_kw_check({"bytes": ALL_BYTES})))
    for i, v in enumerate(TEXTS):
        checks.append((f"text-{i}", echo_kw_check({"text": v})))
    checks.append(("flag-true", echo_kw_check({"flag": True})))
    checks.append(("flag-false", echo_kw_check({"flag": False})))
    for i, v in enumerate(FLOATS):
        checks.append((f"float-{i}", echo_kw_check({"float": v})))
    for i, v in enumerate(DECIMALS):
        checks.append((f"decimal-{i}", echo_kw_check({"decimal": Decimal(v)})))
    for i, v in enumerate(DATETIMES):
        checks.append((f"when-{i}", echo_kw_check({"when": v})))
    checks.append(("ints", echo_kw_check({"ints": BIG_INTS})))
    checks.append(("texts", echo_kw_check({"texts": TEXTS})))
    checks.append(("decimals", echo_kw_check({"decimals": [Decimal(d) for d in DECIMALS]})))
    checks.append(("whens", echo_kw_check({"whens": DATETIMES})))
    checks.append(("items", echo_kw_check(
        {"items": [{"name": "a", "n": 1}, {"name": "\u00fc\U0001F600", "n": None},
                   {"name": "", "n": -(2**70)}]})))
    checks.append(("items-noopt", echo_kw_check({"items": [{"name": "x", "n": None}]})))
    checks.append(("path", echo_kw_check({"path": FilePath("/tmp/amp-interop/x.txt")})))
    checks.append(("path-unicode", echo_kw_check(
        {"path": FilePath("/tmp/amp interop/\u2603 \U0001F600/f")})))
    return checks


# --- scenario: echo-raw (byte-exact) ----------------------------------------

def echo_raw_checks():
    checks = []
    for key, values in RAW_ECHO.items():
        for i, raw in enumerate(values):
            checks.append((f"{key}-{i}", echo_raw_check(key, raw)))
    return checks


# --- scenario: canonical (lax input, canonical output) -----------------------

def canonical_checks():
    c = raw_canonical_check
    return [
        ("int-plus", c(b"Sum", {"a": b"+7", "b": b"0"}, b"total", b"7")),
        ("int-leading-zeros", c(b"Sum", {"a": b"007", "b": b"0"}, b"total", b"7")),
        ("int-space", c(b"Sum", {"a": b" 7 ", "b": b"0"}, b"total", b"7")),
        ("int-underscore", c(b"Sum", {"a": b"1_000", "b": b"0"}, b"total", b"1000")),
        ("float-upper-e", c(b"Echo", {"float": b"1E+16"}, b"float", b"1e+16")),
        ("float-trailing-zero", c(b"Echo", {"float": b"0.50"}, b"float", b"0.5")),
        ("float-integral", c(b"Echo", {"float": b"3"}, b"float", b"3.0")),
        ("float-short-exp", c(b"Echo", {"float": b"1e-7"}, b"float", b"1e-07")),
        ("decimal-lower-e", c(b"Echo", {"decimal": b"1e3"}, b"decimal", b"1E+3")),
        ("decimal-small", c(b"Echo", {"decimal": b"1E-1"}, b"decimal", b"0.1")),
        ("when-plus-zero", c(b"Echo", {"when": b"2010-12-25T00:00:00.000000+00:00"},
                             b"when", b"2010-12-25T00:00:00.000000-00:00")),
    ]


# --- scenario: raw ------------------------------------------------------------

def raw_check(payload):
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemote(Raw, payload=payload)
        expect(r["payload"] == payload,
               f"sent {len(payload)} bytes, got {len(r['payload'])} bytes (differs)")
    return check


def raw_checks():
    return [
        ("empty", raw_check(b"")),
        ("all256", raw_check(ALL_BYTES)),
        ("box-like", raw_check(b"\x00\x00\x00\x04_ask\x00\x011\x00\x00")),
        ("max-65535", raw_check(bytes(i % 251 for i in range(65535)))),
    ]


# --- scenario: errors ------------------------------------------------------------

async def errors_divide_ok(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Divide, numerator=7, denominator=2)
    expect(same_float(r["quotient"], 3.5), f"got {r!r}")


async def errors_divide_zero(ctx):
    proto = await ctx.shared()
    e = await expect_error(proto.callRemote(Divide, numerator=1, denominator=0),
                           ZeroDivisionError, "Divide(1, 0)")
    expect(str(e) == "division by zero", f"description {str(e)!r}")


async def errors_divide_zero_raw(ctx):
    proto = await ctx.shared()
    e = await expect_error(proto.callRemoteString(b"Divide", numerator=b"1", denominator=b"0"),
                           amp.RemoteAmpError, "raw Divide(1, 0)")
    expect(e.errorCode == b"ZERO_DIVISION", f"code {e.errorCode!r}")
    expect(e.description == "division by zero", f"description {e.description!r}")


async def errors_after(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Sum, a=1, b=2)
    expect(r["total"] == 3, f"got {r!r}")


# --- scenario: unhandled -----------------------------------------------------

async def unhandled_unknown(ctx):
    proto = await ctx.shared()
    e = await expect_error(proto.callRemoteString(b"NoSuchCommand"),
                           amp.UnhandledCommand, "NoSuchCommand")
    expect(e.args[0] == b"UNHANDLED", f"code {e.args[0]!r}")
    expect(e.args[1] == "Unhandled Command: b'NoSuchCommand'", f"description {e.args[1]!r}")


async def unhandled_case(ctx):
    proto = await ctx.shared()
    await expect_error(proto.callRemoteString(b"sum", a=b"1", b=b"2"),
                       amp.UnhandledCommand, "sum (lower case)")


async def unhandled_after(ctx):
    proto = await ctx.shared()
    r = await proto.callRemote(Sum, a=40, b=2)
    expect(r["total"] == 42, f"got {r!r}")


# --- scenario: noanswer --------------------------------------------------------

async def noanswer_returns_none(ctx):
    proto = await ctx.shared()
    r = proto.callRemote(Notify, message="zero")
    expect(r is None, f"callRemote(Notify) returned {r!r}")


async def noanswer_order(ctx):
    proto = await ctx.fresh()
    msgs = ["one", "two \u2603", "three \U0001F600"]
    for m in msgs:
        proto.callRemote(Notify, message=m)
    r = await proto.callRemote(GetNotifications)
    expect(r["messages"] == msgs, f"got {r['messages']!r}")


async def noanswer_per_connection(ctx):
    proto = await ctx.fresh()
    r = await proto.callRemote(GetNotifications)
    expect(r["messages"] == [], f"fresh connection has {r['messages']!r}")


# --- scenario: inflight --------------------------------------------------------

async def inflight_sum1000(ctx):
    proto = await ctx.shared()
    ds = [proto.callRemote(Sum, a=i, b=2**64 + i) for i in range(1000)]
    results = await defer.DeferredList(ds, consumeErrors=True)
    bad = [(i, r) for i, (ok, r) in enumerate(results)
           if not ok or r["total"] != 2**64 + 2 * i]
    expect(not bad, f"{len(bad)} wrong, first: {bad[0]!r}" if bad else "")


async def inflight_delay(ctx):
    proto = await ctx.shared()
    order = []
    ds = []
    for i, ms in enumerate([400, 300, 200, 100, 0]):
        d = proto.callRemote(Delay, ms=ms, value=i)
        d.addCallback(lambda r: order.append(r["value"]) or r)
        ds.append(d)
    results = await defer.DeferredList(ds, consumeErrors=True)
    for i, (ok, r) in enumerate(results):
        expect(ok and r["value"] == i, f"call {i}: {r!r}")
    expect(order == [4, 3, 2, 1, 0], f"completion order {order!r}, expected [4, 3, 2, 1, 0]")


async def inflight_mixed(ctx):
    proto = await ctx.shared()
    slow = proto.callRemote(Delay, ms=300, value=99)
    fast = [proto.callRemote(Sum, a=i, b=1) for i in range(10)]
    results = await defer.gatherResults(fast)
    expect([r["total"] for r in results] == list(range(1, 11)), f"got {results!r}")
    expect(not slow.called, "Delay(300 ms) answered before 10 Sums")
    r = await slow
    expect(r["value"] == 99, f"Delay gave {r!r}")


# --- scenario: callback -------------------------------------------------------

async def callback_single(ctx):
    proto = await ctx.fresh()
    r = await proto.callRemote(CallMeBack, a=20, b=22)
    expect(r["total"] == 42, f"got {r!r}")
    expect(proto.sum_calls == 1, f"our Sum responder ran {proto.sum_calls} times, expected 1")


async def callback_concurrent(ctx):
    proto = await ctx.fresh()
    ds = [proto.callRemote(CallMeBack, a=i, b=2**70) for i in range(20)]
    ds += [proto.callRemote(Sum, a=i, b=-i) for i in range(20)]
    results = await defer.gatherResults(ds)
    for i in range(20):
        expect(results[i]["total"] == i + 2**70, f"CallMeBack {i}: {results[i]!r}")
        expect(results[20 + i]["total"] == 0, f"Sum {i}: {results[20 + i]!r}")
    expect(proto.sum_calls == 20, f"our Sum responder ran {proto.sum_calls} times, expected 20")


# --- scenario: fatal ------------------------------------------------------------

async def fatal_die(ctx):
    proto = await ctx.fresh()
    e = await expect_error(proto.callRemote(Die), DeathThreat, "Die")
    expect(str(e) == "aieeeeeeeee", f"description {str(e)!r}")
    reason = await with_timeout(proto.lost, ctx.timeout)
    expect(is_connection_closed(reason), f"connection lost with {reason!r}")
    try:
        r = await proto.callRemote(Sum, a=1, b=1)
    except Exception as e2:
        expect(is_connection_closed(e2), f"call after Die failed with {e2!r}")
    else:
        raise CheckFailed(f"call after Die succeeded: {r!r}")


async def fatal_pending(ctx):
    """A call pending when the peer dies fails with a connection error."""
    proto = await ctx.fresh()
    pending = proto.callRemote(Delay, ms=5000, value=1)
    await expect_error(proto.callRemote(Die), DeathThreat, "Die")
    e = await expect_error(with_timeout(pending, ctx.timeout), Exception, "pending Delay")
    expect(is_connection_closed(e), f"pending call failed with {e!r}")


# --- scenario: undeclared --------------------------------------------------------

async def undeclared_fail(ctx):
    proto = await ctx.fresh()
    e = await expect_error(proto.callRemote(Fail), amp.UnknownRemoteError, "Fail")
    expect(e.description == "Unknown Error", f"description {e.description!r}")
    expect("secret" not in str(e), f"exception detail leaked: {str(e)!r}")
    await expect_closed_or_working(proto, ctx)


async def undeclared_fail_raw(ctx):
    proto = await ctx.fresh()
    e = await expect_error(proto.callRemoteString(b"Fail"), amp.RemoteAmpError, "raw Fail")
    expect(e.errorCode == b"UNKNOWN", f"code {e.errorCode!r}")
    expect(e.description == "Unknown Error", f"description {e.description!r}")
    await expect_closed_or_working(proto, ctx)


# --- scenario: bigvalues (BigString / BigUnicode recipe) -----------------------

def describe_big(value):
    if value is None or len(value) <= 16:
        return repr(value)
    return f"{type(value).__name__} of {len(value)}"


def big_check(kwargs):
    async def check(ctx):
        proto = await ctx.shared()
        r = await proto.callRemote(BigEcho, **kwargs)
        for key in BIG_ECHO_KEYS:
            sent, got = kwargs.get(key), r.get(key)
            if sent != got and sent is not None and got is not None:
                common = next((i for i, (a, b) in enumerate(zip(sent, got)) if a != b), min(len(sent), len(got)))
                raise CheckFailed(f"{key}: sent {describe_big(sent)}, got {describe_big(got)}, first difference at {common}")
            expect(sent == got, f"{key}: sent {describe_big(sent)}, got {describe_big(got)}")
    return check


async def big_raw_keys(ctx):
    # Our server writes a 700000-byte value as the recipe does: data, data.2 ... data.11.
    proto = await ctx.shared()
    data = big_bytes(700000)
    strings = {}
    BigString().toBox(b"data", strings, {"data": data}, proto)
    r = await proto.callRemoteString(b"BigEcho", **{k.decode("ascii"): v for k, v in strings.items()})
    want = {b"_answer", b"data"} | {b"data.%d" % i for i in range(2, 12)}
    expect(set(r) == want, f"answer keys {sorted(r)!r}")
    expect(all(len(r[k]) == (65535 if k not in (b"_answer", b"data.11") else len(r[k])) for k in r),
           "every chunk but the last is 65535 bytes")
    expect(b"".join([r[b"data"]] + [r[b"data.%d" % i] for i in range(2, 12)]) == data, "chunks joined")


async def big_raw_gap(ctx):
    # The reader stops at the first missing index and ignores keys it never looks up.
    proto = await ctx.shared()
    r = await proto.callRemoteString(b"BigEcho", **{"data": b"A", "data.2": b"B", "data.4": b"D",
                                                    "data.02": b"x", "data.1": b"y", "data.x": b"z"})
    expect(set(r) == {b"_answer", b"data"} and r[b"data"] == b"AB", f"answer {r!r}")


def big_checks():
    checks = []
    for n in BIG_SIZES:
        checks.append((f"bytes-{n}", big_check({"data": big_bytes(n)})))
    for n in BIG_SIZES:
        checks.append((f"text-{n}", big_check({"text": big_text(n)})))
    checks.append(("text-emoji", big_check({"text": "ab" + "\U0001F600" * 40000})))
    checks.append(("interleaved", big_check({"data": big_bytes(700000), "text": big_text(200000),
                                             "data_x": b"x", "data.1x": b"1x"})))
    checks.append(("raw-keys", big_raw_keys))
    checks.append(("raw-gap", big_raw_gap))
    return checks


# --- scenario: badarg ------------------------------------------------------------

def badarg_check(command, kwargs):
    async def check(ctx):
        proto = await ctx.fresh()
        e = await expect_error(proto.callRemoteString(command, **kwargs),
                               amp.RemoteAmpError, f"{command.decode()} {kwargs!r}")
        expect(e.errorCode == b"UNKNOWN", f"code {e.errorCode!r}")
        expect(e.description == "Unknown Error", f"description {e.description!r}")
        await expect_closed_or_working(proto, ctx)
    return check


def badarg_checks():
    return [
        ("missing", badarg_check(b"Sum", {"a": b"1"})),
        ("int-junk", badarg_check(b"Sum", {"a": b"1x", "b": b"2"})),
        ("int-empty", badarg_check(b"Sum", {"a": b"", "b": b"2"})),
        ("int-float", badarg_check(b"Sum", {"a": b"1.0", "b": b"2"})),
        ("bool-lower", badarg_check(b"Echo", {"flag": b"true"})),
        ("utf8-invalid", badarg_check(b"Echo", {"text": b"\xff\xfe"})),
        ("when-short", badarg_check(b"Echo", {"when": b"2010-12-25T00:00:00Z"})),
        ("when-sign", badarg_check(b"Echo", {"when": b"2010-12-25T00:00:00.000000Z00:00"})),
    ]


async def extra_keys(ctx):
    """Unknown keys in a command box are ignored."""
    proto = await ctx.shared()
    r = await proto.callRemoteString(b"Sum", a=b"1", b=b"2", bonus=b"ignored")
    expect(r.get(b"total") == b"3", f"got {r!r}")


# --- scenario: starttls (needs TLS options; not part of "all") -------------------
#
# One connection: PeerInfo in plaintext, StartTLS, then everything inside TLS.
# This side connected, so it is the TLS client (Twisted takes the TLS role from
# the TCP role); the server answers StartTLS in plaintext and starts TLS as
# the TLS server right after writing the answer.

async def starttls_plain_peerinfo(ctx):
    proto = ctx.tls_proto = await ctx.fresh()
    r = await proto.callRemote(PeerInfo)
    expect(r.get("tls") is False, f"before StartTLS the server says tls={r.get('tls')!r}")
    expect(r.get("subject") is None and r.get("issuer") is None,
           f"before StartTLS the server names a peer certificate: {r!r}")


async def starttls_call(ctx):
    proto = ctx.tls_proto
    d = proto.callRemote(amp.StartTLS, **ctx.tls.kwargs())
    # Issued before the answer: Twisted holds it back and sends it inside TLS.
    ctx.tls_buffered = proto.callRemote(Sum, a=40, b=2)
    await d
    expect(ISSLTransport.providedBy(proto.transport),
           "StartTLS answered but our transport is not TLS")


async def starttls_buffered_sum(ctx):
    r = await ctx.tls_buffered
    expect(r == {"total": 42}, f"Sum issued before the StartTLS answer gave {r!r}")


async def starttls_sum(ctx):
    proto = ctx.tls_proto
    for i in range(20):
        r = await proto.callRemote(Sum, a=i, b=-(2**70))
        expect(r["total"] == i - 2**70, f"call {i}: got {r!r}")
    ds = [proto.callRemote(Sum, a=i, b=i) for i in range(200)]
    results = await defer.gatherResults(ds)
    for i, r in enumerate(results):
        expect(r["total"] == 2 * i, f"concurrent call {i}: got {r!r}")


async def starttls_echo_60k(ctx):
    proto = ctx.tls_proto
    payload = bytes(i % 251 for i in range(60 * 1024))
    text = "snow \u2603 " * 1000
    r = await proto.callRemote(Echo, bytes=payload, text=text, int=-(2**100))
    expect(r.get("bytes") == payload, f"60 KB bytes came back as {len(r.get('bytes') or b'')} bytes"
           f"{' (different)' if r.get('bytes') and len(r['bytes']) == len(payload) else ''}")
    expect(r.get("text") == text, "text came back different")
    expect(r.get("int") == -(2**100), f"int came back as {r.get('int')!r}")


async def starttls_peerinfo(ctx):
    proto = ctx.tls_proto
    r = await proto.callRemote(PeerInfo)
    expect(r.get("tls") is True, f"after StartTLS the server says tls={r.get('tls')!r}")
    want = ctx.tls.subject()
    expect(r.get("subject") == want,
           f"the server sees our certificate subject as {r.get('subject')!r}, expected {want!r}")
    want = ctx.tls.issuer()
    expect(r.get("issuer") == want,
           f"the server sees our certificate issuer as {r.get('issuer')!r}, expected {want!r}")
    return f"client={r.get('subject')}"


async def starttls_peer_subject(ctx):
    proto = ctx.tls_proto
    tls, subject, issuer = tls_state(proto)
    expect(tls, "our transport is not TLS")
    expect(subject is not None, "we see no server certificate")
    return f"server={subject} issuer={issuer}"


async def starttls_version(ctx):
    v = tls_version(ctx.tls_proto)
    expect(v is not None, "cannot read the negotiated TLS version")
    version, cipher = v.split(" ", 1)
    expect(cipher != "None", f"no cipher negotiated (handshake not finished?), version {version}")
    return f"version={version} cipher={cipher}"


async def starttls_callmeback(ctx):
    proto = ctx.tls_proto
    before = proto.sum_calls
    r = await proto.callRemote(CallMeBack, a=20, b=22)
    expect(r["total"] == 42, f"got {r!r}")
    expect(proto.sum_calls == before + 1,
           f"our Sum responder ran {proto.sum_calls - before} times, expected 1")
    expect(ISSLTransport.providedBy(proto.transport), "the connection is no longer TLS")


# --- scenario: starttls-untrusted (needs a --tls-ca that did not sign the server) ---
#
# Twisted's StartTLS call succeeds on the plaintext answer; the handshake
# failure shows later (calls fail, the connection is lost).  Amp.NET may fail
# the StartTLS call itself.  Either is accepted.

async def untrusted_call(ctx):
    proto = ctx.tls_proto = await ctx.fresh()
    d = proto.callRemote(amp.StartTLS, **ctx.tls.kwargs())
    ctx.tls_buffered = proto.callRemote(Sum, a=1, b=2)
    ctx.tls_buffered.addErrback(lambda f: f.value)  # inspected in "rejected"
    try:
        await d
    except defer.CancelledError:
        raise
    except Exception as e:
        ctx.tls_call_error = e
        return f"StartTLS failed: {describe_error(e)}"
    ctx.tls_call_error = None
    return "StartTLS answered (plaintext answer)"


async def untrusted_rejected(ctx):
    proto = ctx.tls_proto
    details = []
    if ctx.tls_call_error is not None:
        details.append(f"call={describe_error(ctx.tls_call_error)}")
    r = await ctx.tls_buffered
    if isinstance(r, Exception):
        details.append(f"sum={describe_error(r)}")
    else:
        raise CheckFailed(f"Sum inside the untrusted TLS connection succeeded: {r!r}")
    reason = await with_timeout(proto.lost, ctx.timeout)
    details.append(f"lost={describe_error(reason)}")
    return " ".join(details)


def describe_error(e):
    """Short one-line description of an exception (type and message)."""
    text = " ".join(str(e).split())[:160]
    return f"{type(e).__module__}.{type(e).__name__}({text})"


def tls_scenarios():
    """Scenarios that need --tls-cert/--tls-ca; never part of "all"."""
    return [
        ("starttls", [("plain-peerinfo", starttls_plain_peerinfo), ("call", starttls_call),
                      ("buffered-sum", starttls_buffered_sum), ("sum", starttls_sum),
                      ("echo-60k", starttls_echo_60k), ("peerinfo", starttls_peerinfo),
                      ("peer-subject", starttls_peer_subject), ("version", starttls_version),
                      ("callmeback", starttls_callmeback)]),
        ("starttls-untrusted", [("call", untrusted_call), ("rejected", untrusted_rejected)]),
    ]


# --- scenarios: switch, switch-locked ---------------------------------------------
#
# SwitchProtocol(protocol=...) with Twisted's ProtocolSwitchCommand semantics.
# The server switches right after writing its (bare _answer) answer box; we
# switch when we parse that answer, and any bytes after it in the same read go
# to our raw protocol.


class RawEchoClient(protocol.Protocol):
    """The caller's side of raw-echo: write SWITCH_CHUNKS at once, collect what
    comes back until the greeting and the echo of every chunk are in."""

    def __init__(self, amp_proto, chunks):
        self.amp_proto = amp_proto
        self.chunks = chunks
        self.expected = RAW_ECHO_GREETING + b"".join(chunks)
        self.received = bytearray()
        self.complete = defer.Deferred()  # fires once len(received) >= len(expected)
        self.made_in_read = None   # the AMP read that carried the switch answer
        self.first_in_read = None  # the AMP read that carried our first bytes
        self.lost_reason = None

    def connectionMade(self):
        self.made_in_read = self.amp_proto.reads
        for chunk in self.chunks:
            self.transport.write(chunk)

    def dataReceived(self, data):
        if self.first_in_read is None:
            self.first_in_read = self.amp_proto.reads
        self.received += data
        if len(self.received) >= len(self.expected) and not self.complete.called:
            self.complete.callback(None)

    def connectionLost(self, reason):
        self.lost_reason = reason.value
        if not self.complete.called:
            self.complete.errback(reason)

    def same_read(self):
        """The greeting arrived in the same read as the AMP answer."""
        return self.first_in_read is not None and self.first_in_read == self.made_in_read


class SwitchFactory(protocol.ClientFactory):
    """The client factory passed to callRemote(SwitchProtocol, factory, ...).

    Twisted calls buildProtocol on a successful answer, clientConnectionFailed
    (with CONNECTION_LOST) on an error answer, and clientConnectionLost when the
    switched connection ends."""

    def __init__(self, amp_proto, chunks=SWITCH_CHUNKS):
        self.amp_proto = amp_proto
        self.chunks = chunks
        self.proto = None
        self.failed = []
        self.lost = []

    def buildProtocol(self, addr):
        self.proto = RawEchoClient(self.amp_proto, self.chunks)
        self.proto.factory = self
        return self.proto

    def clientConnectionFailed(self, connector, reason):
        self.failed.append(reason)

    def clientConnectionLost(self, connector, reason):
        self.lost.append(reason)


def describe_bytes_mismatch(got, want):
    got = bytes(got)
    if got == want:
        return None
    n = min(len(got), len(want))
    i = next((k for k in range(n) if got[k] != want[k]), n)
    return (f"received {len(got)} bytes, expected {len(want)}; first difference at offset {i}"
            f" (greeting is {len(RAW_ECHO_GREETING)} bytes): got {got[i:i + 24]!r},"
            f" expected {want[i:i + 24]!r}")


async def raw_echo_exchange(ctx, proto, factory, settle=0.2):
    """After a successful switch: wait for greeting + echo, then a little more
    (nothing else may arrive), and compare.  Returns the detail string."""
    expect(factory.proto is not None, "switch answered but the factory built no protocol")
    raw = factory.proto
    await with_timeout(raw.complete, ctx.timeout)
    await sleep(settle)
    problem = describe_bytes_mismatch(raw.received, raw.expected)
    expect(problem is None, problem)
    expect(proto.transport is not None and raw.lost_reason is None,
           f"connection lost after the echo: {raw.lost_reason!r}")
    greeting = "with-answer" if raw.same_read() else "separate-read"
    return f"bytes={len(raw.expected) - len(RAW_ECHO_GREETING)} greeting={greeting}"


async def switch_refused(ctx):
    proto = await ctx.fresh()
    factory = SwitchFactory(proto)
    e = await expect_error(proto.callRemote(SwitchProtocol, factory, protocol="nope"),
                           UnknownProtocol, "SwitchProtocol(nope)")
    expect(str(e) == "no protocol named nope", f"description {str(e)!r}")
    expect(factory.proto is None, "the factory built a protocol for a refused switch")
    r = await proto.callRemote(Sum, a=40, b=2)
    expect(r == {"total": 42}, f"Sum after the refused switch gave {r!r}")


async def switch_refused_raw(ctx):
    """The error box on the wire: code UNKNOWN_PROTOCOL, description as raised."""
    proto = await ctx.fresh()
    e = await expect_error(proto.callRemoteString(b"SwitchProtocol", protocol=b"nope"),
                           amp.RemoteAmpError, "raw SwitchProtocol(nope)")
    expect(e.errorCode == b"UNKNOWN_PROTOCOL", f"code {e.errorCode!r}")
    expect(e.description == "no protocol named nope", f"description {e.description!r}")
    r = await proto.callRemote(Sum, a=1, b=2)
    expect(r == {"total": 3}, f"Sum after the refused switch gave {r!r}")


async def switch_raw_echo(ctx):
    proto = await ctx.fresh()
    factory = SwitchFactory(proto)
    r = await proto.callRemote(SwitchProtocol, factory, protocol="raw-echo")
    expect(r == {}, f"switch answer parsed as {r!r}, expected {{}}")
    return await raw_echo_exchange(ctx, proto, factory)


async def locked_refused(ctx):
    """Between sending SwitchProtocol and its answer, Twisted refuses to send
    boxes: callRemote raises ProtocolSwitched synchronously.  An error answer
    unlocks the connection."""
    proto = await ctx.fresh()
    factory = SwitchFactory(proto)
    d = proto.callRemote(SwitchProtocol, factory, protocol="nope")
    try:
        proto.callRemote(Sum, a=1, b=1)
    except amp.ProtocolSwitched as e:
        message = str(e)
    else:
        raise CheckFailed("callRemote(Sum) after SwitchProtocol did not raise ProtocolSwitched")
    await expect_error(d, UnknownProtocol, "SwitchProtocol(nope)")
    r = await proto.callRemote(Sum, a=2, b=3)
    expect(r == {"total": 5}, f"Sum after the refused switch gave {r!r}")
    return f"raised={describe_error(amp.ProtocolSwitched(message))}"


async def locked_raw_echo(ctx):
    """A call pending when the server switches is never answered (the server
    drops its answer: nothing but raw bytes may follow its switch answer); a
    Sum issued while the switch is pending raises ProtocolSwitched; the raw
    protocol works."""
    proto = ctx.locked_proto = await ctx.fresh()
    ctx.locked_pending = proto.callRemote(Delay, ms=150, value=7)
    ctx.locked_pending.addErrback(lambda f: f.value)  # inspected in "pending"
    factory = ctx.locked_factory = SwitchFactory(proto)
    d = proto.callRemote(SwitchProtocol, factory, protocol="raw-echo")
    try:
        proto.callRemote(Sum, a=1, b=1)
    except amp.ProtocolSwitched:
        pass
    else:
        raise CheckFailed("callRemote(Sum) after SwitchProtocol did not raise ProtocolSwitched")
    r = await d
    expect(r == {}, f"switch answer parsed as {r!r}, expected {{}}")
    # Wait past the Delay's 150 ms: an answer sent after the switch would
    # show up in the raw stream and break the comparison.
    detail = await raw_echo_exchange(ctx, proto, factory, settle=0.4)
    try:
        proto.callRemote(Sum, a=1, b=1)
    except amp.ProtocolSwitched:
        pass
    else:
        raise CheckFailed("callRemote(Sum) after the switch did not raise ProtocolSwitched")
    return detail


async def locked_pending(ctx):
    """The call pending at the switch fails only when the connection ends."""
    proto = ctx.locked_proto
    if ctx.locked_pending.called:
        raise CheckFailed(f"Delay issued before the switch completed with "
                          f"{getattr(ctx.locked_pending, 'result', None)!r}")
    proto.transport.loseConnection()
    r = await with_timeout(ctx.locked_pending, ctx.timeout)
    expect(isinstance(r, Exception) and is_connection_closed(r),
           f"pending Delay ended with {r!r}, expected a connection error")
    expect(len(ctx.locked_factory.lost) == 1,
           f"clientConnectionLost called {len(ctx.locked_factory.lost)} times")
    return f"error={describe_error(r)}"


def switch_scenarios():
    return [
        ("switch", [("refused", switch_refused), ("refused-raw", switch_refused_raw),
                    ("raw-echo", switch_raw_echo)]),
        ("switch-locked", [("refused", locked_refused), ("raw-echo", locked_raw_echo),
                           ("pending", locked_pending)]),
    ]


# --- registry --------------------------------------------------------------------

def scenarios():
    return [
        ("sum", [("basic", sum_basic), ("negative", sum_negative), ("zero", sum_zero),
                 ("raw", sum_raw), ("sequential", sum_sequential), ("extra-keys", extra_keys)]),
        ("bigint", [("2^100-2^70", bigint_check(2**100, -(2**70))),
                    ("neg-neg", bigint_check(-(2**64), -1)),
                    ("int64-overflow", bigint_check(2**63 - 1, 1)),
                    ("300-digits", bigint_check(10**300, 1)),
                    ("raw", bigint_raw)]),
        ("echo", echo_checks()),
        ("echo-raw", echo_raw_checks()),
        ("canonical", canonical_checks()),
        ("raw", raw_checks()),
        ("errors", [("divide", errors_divide_ok), ("zero", errors_divide_zero),
                    ("zero-raw", errors_divide_zero_raw), ("after", errors_after)]),
        ("unhandled", [("unknown", unhandled_unknown), ("case", unhandled_case),
                       ("after", unhandled_after)]),
        ("noanswer", [("none", noanswer_returns_none), ("order", noanswer_order),
                      ("per-connection", noanswer_per_connection)]),
        ("inflight", [("sum1000", inflight_sum1000), ("delay-order", inflight_delay),
                      ("mixed", inflight_mixed)]),
        ("callback", [("single", callback_single), ("concurrent", callback_concurrent)]),
        ("fatal", [("die", fatal_die), ("pending", fatal_pending)]),
        ("undeclared", [("fail", undeclared_fail), ("fail-raw", undeclared_fail_raw)]),
        ("badarg", badarg_checks()),
        ("bigvalues", big_checks()),
    ] + switch_scenarios()


class Reporter:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def line(self, text):
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def ok(self, name, detail=None):
        self.passed += 1
        if detail:
            detail = " ".join(str(detail).split())  # one line
            self.line(f"PASS {name} {detail}")
        else:
            self.line(f"PASS {name}")

    def fail(self, name, detail):
        self.failed += 1
        detail = " ".join(str(detail).split())  # one line
        self.line(f"FAIL {name}: {detail}")


async def run_client(host, port, names, timeout, tls=None):
    reporter = Reporter()
    tls_names = {n for n, _ in tls_scenarios()}
    table = dict(scenarios() + tls_scenarios())
    selected = []
    for name in names:
        if name == "all":
            selected.extend(n for n, _ in scenarios())
        elif name in table:
            selected.append(name)
        else:
            reporter.fail(f"{name}", "unknown scenario")
    for sname in selected:
        if sname in tls_names and (tls is None or tls.cert is None or tls.authorities is None):
            reporter.fail(sname, "needs TLS options: --tls-cert CERT.pem [--tls-key KEY.pem] "
                                 "--tls-ca CA.pem")
            continue
        ctx = Context(host, port, timeout, tls)
        for cname, fn in table[sname]:
            full = f"{sname}.{cname}"
            try:
                detail = await with_timeout(defer.ensureDeferred(fn(ctx)), timeout)
            except CheckFailed as e:
                reporter.fail(full, e)
            except defer.TimeoutError:
                reporter.fail(full, f"timed out after {timeout} s")
            except Exception as e:
                reporter.fail(full, f"{type(e).__name__}: {e!r}")
            else:
                reporter.ok(full, detail)
        await ctx.close()
    reporter.line(f"DONE {reporter.passed} {reporter.failed}")
    return 0 if reporter.failed == 0 and reporter.passed > 0 else 1


# ---------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------


def run_server(host, port, watch_stdin, tls=None):
    factory = protocol.Factory.forProtocol(lambda: PeerAMP(tls_options=tls))
    listening = reactor.listenTCP(port, factory, interface=host)

    def announce():
        # Only once the reactor runs: its SIGTERM handler is installed by then.
        sys.stdout.write(f"PORT {listening.getHost().port}\n")
        sys.stdout.flush()

    reactor.callWhenRunning(announce)

    if watch_stdin:
        def wait_for_eof():
            # os.read, not sys.stdin: a daemon thread blocked in a buffered
            # read would hold its lock and abort the interpreter at exit.
            try:
                while os.read(0, 4096):
                    pass
            except Exception:
                pass
            reactor.callFromThread(reactor.stop)

        threading.Thread(target=wait_for_eof, name="stdin-eof", daemon=True).start()
    reactor.run()
    return 0


# ---------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------


def _transport():
    from twisted.internet.testing import StringTransport

    class T(StringTransport):
        tls_started = False

        def startTLS(self, *a, **kw):
            self.tls_started = True

    return T()


def _connected():
    proto = PeerAMP()
    t = _transport()
    proto.makeConnection(t)
    return proto, t


def _take(t):
    data = t.value()
    t.clear()
    return data


def _answer_to(request_bytes, prepare=None):
    """Feed request_bytes to a fresh responder; return what it writes."""
    proto, t = _connected()
    if prepare:
        prepare(proto)
    proto.dataReceived(request_bytes)
    return _take(t)


def _call(fn):
    """Bytes written by fn(proto) on a fresh connection (first tag is 1)."""
    proto, t = _connected()
    d = fn(proto)
    if isinstance(d, defer.Deferred):
        d.addErrback(lambda f: None)
    return _take(t)


def capture_items():
    items = []

    def box(name, data):
        items.append(("BOX", name, data))

    def value(typ, name, data):
        items.append(("VALUE", f"{typ} {name}", data))

    # Requests and answers.
    req = _call(lambda p: p.callRemote(Sum, a=13, b=81))
    box("sum-call", req)
    box("sum-answer", _answer_to(req))
    req = _call(lambda p: p.callRemote(Sum, a=-(2**70), b=2**100))
    box("sum-bigint-call", req)
    box("sum-bigint-answer", _answer_to(req))
    req = _call(lambda p: p.callRemote(Echo))
    box("echo-empty-call", req)
    box("echo-empty-answer", _answer_to(req))
    req = _call(lambda p: p.callRemote(
        Echo, int=-1, bytes=b"\x00\xff", text="\u2603", flag=True, float=-0.0,
        decimal=Decimal("1.10"), when=DATETIMES[1], ints=[1, 20], texts=["a", ""],
        decimals=[Decimal("NaN")], whens=[DATETIMES[0]],
        items=[{"name": "a", "n": 7}, {"name": "b"}], path=FilePath("/tmp/x")))
    box("echo-all-call", req)
    box("echo-all-answer", _answer_to(req))
    req = _call(lambda p: p.callRemote(Echo, ints=[], texts=[], items=[]))
    box("echo-empty-lists-call", req)
    req = _call(lambda p: p.callRemote(Raw, payload=b""))
    box("raw-empty-call", req)
    box("raw-empty-answer", _answer_to(req))

    # Errors.
    req = _call(lambda p: p.callRemote(Divide, numerator=1, denominator=0))
    box("divide-zero-call", req)
    box("divide-zero-error", _answer_to(req))
    req = _call(lambda p: p.callRemote(Die))
    box("die-call", req)
    box("die-error", _answer_to(req))
    req = _call(lambda p: p.callRemote(Fail))
    box("fail-call", req)
    box("fail-error", _answer_to(req))
    req = _call(lambda p: p.callRemoteString(b"NoSuchCommand"))
    box("unhandled-call", req)
    box("unhandled-error", _answer_to(req))
    req = _call(lambda p: p.callRemoteString(b"Sum", a=b"x", b=b"1"))
    box("badarg-call", req)
    box("badarg-error", _answer_to(req))

    # No-answer command: no _ask, but the tag is used up.
    proto, t = _connected()
    proto.callRemote(Notify, message="hi")
    box("notify-call", _take(t))
    proto.callRemote(Sum, a=1, b=2).addErrback(lambda f: None)
    box("sum-after-notify-call", _take(t))

    # Tag sequence: 17 calls on one connection.
    proto, t = _connected()
    for i in range(17):
        proto.callRemote(Sum, a=i, b=0).addErrback(lambda f: None)
        box(f"tag-{i + 1}", _take(t))

    # Key order.
    box("key-order", _call(lambda p: p.callRemoteString(
        b"K", b=b"1", A=b"2", Z=b"3", **{"0": b"4", "a": b"5", "_x": b"6"})))

    # CallMeBack: the responder's own Sum request uses its own tag space.
    req = _call(lambda p: p.callRemote(CallMeBack, a=20, b=22))
    box("callmeback-call", req)
    proto, t = _connected()
    proto.dataReceived(req)
    back = _take(t)
    box("callmeback-sum-callback", back)
    caller_answer = _answer_to(back)
    box("callmeback-sum-callback-answer", caller_answer)
    proto.dataReceived(caller_answer)
    box("callmeback-answer", _take(t))

    # StartTLS request and answer.
    proto, t = _connected()
    proto.callRemote(amp.StartTLS).addErrback(lambda f: None)
    req = _take(t)
    box("starttls-call", req)
    responder, rt = _connected()
    responder.dataReceived(req)
    box("starttls-answer", _take(rt))

    # Protocol switch (capture only: not part of the interop command set).
    class SwitchTo(amp.ProtocolSwitchCommand):
        commandName = b"SwitchTo"
        arguments = [(b"name", amp.Unicode())]
        response = []

    proto, t = _connected()
    proto.callRemote(SwitchTo, protocol.ClientFactory.forProtocol(protocol.Protocol),
                     name="raw").addErrback(lambda f: None)
    req = _take(t)
    box("switch-call", req)

    class Switcher(PeerAMP):
        @SwitchTo.responder
        def switch(self, name):
            return protocol.Protocol()

    sw = Switcher()
    st = _transport()
    sw.makeConnection(st)
    sw.dataReceived(req)
    box("switch-answer", _take(st))

    # Argument values.
    for v in BIG_INTS:
        value("Integer", str(v), amp.Integer().toString(v))
    for v in [b"", b"\x00\xff"]:
        value("String", repr(v), amp.String().toString(v))
    for v in TEXTS:
        value("Unicode", repr(v), amp.Unicode().toString(v))
    for v in [True, False]:
        value("Boolean", repr(v), amp.Boolean().toString(v))
    for v in FLOATS:
        value("Float", repr(v), amp.Float().toString(v))
    for v in DECIMALS:
        value("Decimal", v, amp.Decimal().toString(Decimal(v)))
    for v in DATETIMES:
        value("DateTime", v.isoformat(), amp.DateTime().toString(v))
    value("DateTime", "amp.utc", amp.DateTime().toString(datetime(2010, 12, 25, tzinfo=amp.utc)))
    value("ListOf(Integer)", "[]", amp.ListOf(amp.Integer()).toString([]))
    value("ListOf(Integer)", "[1, 20, 500]", amp.ListOf(amp.Integer()).toString([1, 20, 500]))
    value("ListOf(Unicode)", "['\u2603', '', 'Hello']",
          amp.ListOf(amp.Unicode()).toString(["\u2603", "", "Hello"]))
    value("ListOf(Decimal)", "[1.10, NaN, -0]",
          amp.ListOf(amp.Decimal()).toString([Decimal("1.10"), Decimal("NaN"), Decimal("-0")]))
    value("ListOf(DateTime)", "[2010-12-25 UTC]",
          amp.ListOf(amp.DateTime()).toString([DATETIMES[0]]))
    items_arg = amp.AmpList([(b"name", amp.Unicode()), (b"n", amp.Integer(optional=True))])
    value("AmpList", "[]", items_arg.toStringProto([], None))
    value("AmpList", "[{name: a, n: 7}, {name: b}]",
          items_arg.toStringProto([{"name": "a", "n": 7}, {"name": "b"}], None))
    value("Path", "/tmp/\u2603", amp.Path().toString(FilePath("/tmp/\u2603")))
    return items


def big_capture_items():
    """BigEcho calls and answers as Twisted writes them (the chunk keys of data
    interleave with data-x and data.1x): for Amp.NET's byte-for-byte tests."""
    cases = [
        ("bigecho-empty", {"data": b"", "text": ""}),
        ("bigecho-65535", {"data": big_bytes(65535)}),
        ("bigecho-65536", {"data": big_bytes(65536), "text": big_text(65536)}),
        ("bigecho-700000", {"data": big_bytes(700000), "text": big_text(200000),
                            "data_x": b"x", "data.1x": b"1x"}),
    ]
    items = []
    for name, kw in cases:
        req = _call(lambda p: p.callRemote(BigEcho, **kw))
        items.append(("BOX", f"{name}-call", req))
        items.append(("BOX", f"{name}-answer", _answer_to(req)))
    return items


def _pretty_box(data):
    """Annotated hex dump of a byte string holding boxes."""
    out = []
    i = 0
    while i + 2 <= len(data):
        klen = int.from_bytes(data[i:i + 2], "big")
        if klen == 0:
            out.append(f"    {data[i:i+2].hex(' ')}{'':40}end of box")
            i += 2
            continue
        key = data[i + 2:i + 2 + klen]
        i += 2 + klen
        vlen = int.from_bytes(data[i:i + 2], "big")
        val = data[i + 2:i + 2 + vlen]
        head = (klen.to_bytes(2, "big") + key + vlen.to_bytes(2, "big")).hex(" ")
        out.append(f"    {head}  {key.decode('latin-1')} =")
        shown = val if len(val) <= 48 else val[:48]
        more = "" if len(val) <= 48 else f" ... ({len(val)} bytes)"
        out.append(f"        {shown.hex(' ')}{more}  {shown!r}{more}")
        i += 2 + vlen
    return "\n".join(out)


def run_capture(pretty, items):
    for kind, name, data in items:
        if not pretty:
            if kind == "BOX":
                sys.stdout.write(f"BOX {name} {data.hex()}\n")
            else:
                typ, desc = name.split(" ", 1)
                sys.stdout.write(f"VALUE {typ} {data.hex() or '-'} {desc}\n")
        elif kind == "BOX":
            sys.stdout.write(f"== {name} ({len(data)} bytes)\n{data.hex(' ')}\n"
                             f"{_pretty_box(data)}\n\n")
        else:
            sys.stdout.write(f"== {name}\n{data.hex(' ')}    {data!r}\n\n")
    sys.stdout.flush()
    return 0


def run_list():
    for sname, checks in scenarios() + tls_scenarios():
        for cname, _ in checks:
            sys.stdout.write(f"{sname}.{cname}\n")
    return 0


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def add_tls_arguments(p):
    g = p.add_argument_group("StartTLS (PEM files)")
    g.add_argument("--tls-cert", metavar="CERT.pem",
                   help="our certificate (the private key may follow it in the same file)")
    g.add_argument("--tls-key", metavar="KEY.pem", help="our private key, if not in --tls-cert")
    g.add_argument("--tls-ca", metavar="CA.pem",
                   help="authorities the peer's certificate must chain to (all certificates "
                        "in the file); the peer must then present a certificate")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="role", required=True)
    s = sub.add_parser("server", help="serve the interop command set")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--ignore-stdin", action="store_true",
                   help="do not exit at EOF on stdin (manual runs)")
    s.add_argument("--verbose", action="store_true", help="log everything to stderr")
    add_tls_arguments(s)
    c = sub.add_parser("client", help="run scenarios against a server")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--scenario", default="all",
                   help="scenario name, comma-separated names, or 'all'")
    c.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="seconds per check (default %(default)s)")
    c.add_argument("--verbose", action="store_true", help="log everything to stderr")
    add_tls_arguments(c)
    p = sub.add_parser("capture", help="print the bytes Twisted writes for sample boxes")
    p.add_argument("--pretty", action="store_true")
    b = sub.add_parser("bigcapture", help="print the bytes Twisted writes for BigEcho boxes (megabytes)")
    b.add_argument("--pretty", action="store_true")
    sub.add_parser("list", help="print all check names")
    args = parser.parse_args(argv)
    tls = None
    if args.role in ("server", "client"):
        if args.tls_key and not args.tls_cert:
            parser.error("--tls-key needs --tls-cert")
        if args.tls_cert or args.tls_ca:
            try:
                tls = TLSOptions.load(args.tls_cert, args.tls_key, args.tls_ca)
            except Exception as e:
                parser.error(f"cannot load the TLS options: {type(e).__name__}: {e}")

    # Twisted's log goes to stderr; stdout carries only the protocol above.
    # Warnings and errors only (tracebacks of failing responders) unless --verbose.
    if args.role in ("server", "client"):
        observer = textFileLogObserver(sys.stderr)
        if not args.verbose:
            observer = FilteringLogObserver(
                observer, [LogLevelFilterPredicate(defaultLogLevel=LogLevel.warn)])
        globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)
    else:
        # capture runs responders that fail on purpose: keep their logs quiet.
        globalLogBeginner.beginLoggingTo([lambda event: None], redirectStandardIO=False)

    if args.role == "capture":
        return run_capture(args.pretty, capture_items())
    if args.role == "bigcapture":
        return run_capture(args.pretty, big_capture_items())
    if args.role == "list":
        return run_list()
    if args.role == "server":
        return run_server(args.host, args.port, not args.ignore_stdin, tls)

    exit_code = [1]

    def done(result):
        if isinstance(result, Failure):
            sys.stdout.write(f"FAIL client: {result.getErrorMessage()}\nDONE 0 1\n")
            sys.stdout.flush()
        else:
            exit_code[0] = result
        reactor.stop()

    names = [n.strip() for n in args.scenario.split(",") if n.strip()]
    reactor.callWhenRunning(
        lambda: defer.ensureDeferred(
            run_client(args.host, args.port, names, args.timeout, tls)).addBoth(done))
    reactor.run()
    return exit_code[0]


if __name__ == "__main__":
    sys.exit(main())
