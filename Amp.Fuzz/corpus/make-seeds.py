#!/usr/bin/env python3
"""Writes the seed corpus of Amp.Fuzz (corpus/<target>/<name>). Run from anywhere; rewrites the seeds.

Each target reads a small header before its payload (see Amp.Fuzz/Targets/*.cs):
  boxes      [config][cut bytes][stream]   config: bits 0-2 limits, 3-6 number of cuts, 7 one byte per piece
  arguments  [decoder index][value]        indexes: ArgumentCases.All
  layers     [config][op]...               ops: LayerScript
The fuzzer adds its own finds in a scratch folder, not here; copy one here only on purpose.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def box(*pairs):
    out = b""
    for key, value in pairs:
        key = key.encode() if isinstance(key, str) else key
        value = value.encode() if isinstance(value, str) else value
        out += struct.pack("!H", len(key)) + key + struct.pack("!H", len(value)) + value
    return out + b"\x00\x00"


def sorted_box(**kw):
    return box(*sorted(kw.items(), key=lambda kv: kv[0].encode()))


def write(target, name, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def boxes():
    def seed(name, stream, limits=0, cuts=b"", one_byte=False):
        config = limits | (len(cuts) << 3) | (0x80 if one_byte else 0)
        write("boxes", name, bytes([config]) + cuts + stream)

    # TWISTED-AMP.md 1.1: what Twisted sends for callRemote(Sum, a=13, b=81).
    twisted_sum = box(("_ask", "1"), ("_command", "Sum"), ("a", "13"), ("b", "81"))
    seed("twisted-sum-call", twisted_sum, one_byte=True)
    seed("twisted-sum-call-cut", twisted_sum, cuts=bytes([1, 2, 3, 128, 254]))
    seed("twisted-foo-bar", b"\x00\x03foo\x00\x03bar\x00\x00", one_byte=True)
    seed("duplicate-keys-last-wins", b"\x00\x01k\x00\x011\x00\x01k\x00\x012\x00\x00", one_byte=True)
    seed("empty-box", b"\x00\x00")
    seed("empty-value", b"\x00\x01k\x00\x00\x00\x00", one_byte=True)
    seed("key-too-long-first", b"\x01\x00")
    seed("key-too-long-after-a-box", b"\x00\x01k\x00\x01v\x00\x00\x01\x00", cuts=bytes([100]))
    seed("key-too-long-http", b"GET / HTTP/1.1\r\n\r\n")
    seed("incomplete", b"\x00\x01k\x00\x01v", one_byte=True)
    seed("answer", sorted_box(_answer="1", total="94"), cuts=bytes([60]))
    seed("error", sorted_box(_error="1", _error_code="UNKNOWN", _error_description="Unknown Error"))
    seed("value-too-long-small-limits", box(("k", "x" * 40)), limits=1, cuts=bytes([10]))
    seed("too-many-keys-small-limits", box(*[(c, "v") for c in "abcde"]), limits=1, one_byte=True)
    seed("box-too-large", box(("k", "x" * 400)), limits=5, cuts=bytes([3, 200]))
    seed("two-boxes", twisted_sum + sorted_box(_answer="1", total="94"), cuts=bytes([90, 91, 180]))
    seed("key-255", box(("k" * 255, "v")), one_byte=True)
    # TWISTED-AMP.md 1.4: Twisted writes an empty key as is; the peer sees an empty box, then garbage.
    seed("twisted-empty-key", b"\x00\x00\x00\x01\x78\x00\x01\x6b\x00\x01\x76\x00\x00", one_byte=True)
    seed("starttls", box(("_ask", "1"), ("_command", "StartTLS")))
    # TWISTED-AMP.md 7.8: a switch box, then the raw protocol's bytes.
    seed("switch-then-raw", box(("_ask", "1"), ("_command", "Switch-Proto"), ("name", "test-proto")) + b"\x00\x00Hello, world!")
    seed("max-value-length-announced", b"\x00\x01k\xff\xffabc", one_byte=True)
    seed("one-key-limit", box(("a", ""), ("b", "")), limits=3)


def arguments():
    def seed(decoder, name, value):
        value = value.encode() if isinstance(value, str) else value
        write("arguments", f"{decoder:02d}-{name}", bytes([decoder]) + value)

    def list_of(*elements):
        out = b""
        for e in elements:
            e = e.encode() if isinstance(e, str) else e
            out += struct.pack("!H", len(e)) + e
        return out

    for name, v in [("13", "13"), ("negative", "-1"), ("python-lax", " +7 "), ("underscore", "1_000"), ("overflow", "2147483648"), ("min", "-2147483648"), ("hex-rejected", "0x10"), ("empty", "")]:
        seed(0, name, v)
    seed(1, "max", "9223372036854775807")
    seed(1, "min", "-9223372036854775808")
    seed(2, "max", "18446744073709551615")
    seed(2, "minus-zero", "-0")
    seed(3, "116-digits", "1" * 116)
    seed(3, "4300-digits", "9" * 4300)
    seed(3, "4301-digits", "9" * 4301)
    seed(4, "snowman", "☃")
    seed(4, "bom", "\ufeffx")
    seed(4, "invalid-utf8", b"\xc3\x28")
    seed(5, "bytes", b"\x00\xff\x10")
    seed(6, "bytes", b"\x00\x01")
    for v in ["True", "False", "true"]:
        seed(7, v, v)
    for name, v in [("1e16", "1e+16"), ("1e-07", "1e-07"), ("minus-zero", "-0.0"), ("inf", "inf"), ("nan", "nan"), ("minus-nan", "-nan"),
                    ("123456789", "123456789.0"), ("denormal", "5e-324"), ("underscore", "1_0.5"), ("spaces-exponent", "  1E+05 "),
                    ("minus-infinity", "-Infinity"), ("overflow", "1e400"), ("dot5", ".5"), ("10dot", "10."), ("hex-rejected", "0x1p3")]:
        seed(8, name, v)
    seed(9, "0.1", "0.1")
    seed(9, "max", "3.4028235e+38")
    seed(9, "overflow", "1e39")
    for name, v in [("1.10", "1.10"), ("minus-zero", "-0"), ("1E+3", "1E+3"), ("small", "0.0000001"), ("max", "79228162514264337593543950335"),
                    ("1E-28", "1E-28"), ("nan", "NaN"), ("too-precise", "1.0000000000000000000000000001"), ("huge-exponent", "1E+999999999999")]:
        seed(10, name, v)
    for name, v in [("nan-payload", "NaN123"), ("minus-snan", "-sNaN"), ("infinity", "Infinity"), ("0E+6", "0E+6"), ("1.5E+2", "1.5E+2"),
                    ("long", "123456789012345678901234567890.123"), ("spaces", "  .5  "), ("underscore", "1_000.5"), ("inf-lower", "-inf"),
                    ("huge-exponent", "1E+99999999999999999999")]:
        seed(11, name, v)
    for name, v in [("utc", "2010-12-25T00:00:00.000000-00:00"), ("twisted", "9876-01-23T12:34:56.054321-01:23"), ("plus-14", "2000-01-01T00:00:00.000000+14:00"),
                    ("year-1-east", "0001-01-01T00:00:00.000000+01:00")]:
        seed(12, name, v)
    for name, v in [("separators-unchecked", "2010x12x25 00:00:00x000000+01:00"), ("lax-year", " 201-01-01T00:00:00.000000+01:99"),
                    ("underscore-year", "2_10-01-01T00:00:00.000000-00:00"), ("max-offset", "0001-01-01T00:00:00.000000+23:59"),
                    ("zulu-rejected", "2010-12-25T00:00:00.000000Z00:00"), ("feb-29", "2000-02-29T23:59:59.999999-12:00")]:
        seed(13, name, v)
    seed(14, "empty", "")
    seed(14, "absolute", "/tmp/x")
    seed(14, "dots", "a/../b/./c")
    seed(14, "nul", "a\x00b")
    seed(15, "relative", "dir/file.txt")
    seed(16, "twisted", b"\x00\x011\x00\x0220\x00\x03500")
    seed(16, "trailing-dropped", b"\x00\x011\x00")
    seed(16, "empty-element", b"\x00\x00")
    seed(17, "twisted-116-digits", list_of("1" * 116, "-1"))
    seed(18, "twisted", b"\x00\x03\xe2\x98\x83\x00\x05Hello\x00\x05world")
    seed(19, "twisted", b"\x00\x03bar\x00\x03baz\x00\x04quux")
    seed(20, "both", list_of("True", "False"))
    seed(21, "floats", list_of("1.0", "nan", "-0.0", "1e+22"))
    seed(22, "twisted-decimals", b"\x00\x041.10\x00\x03NaN\x00\x02-0")
    seed(23, "twisted-datetimes", list_of("2010-12-25T00:00:00.000000-00:00", "2012-01-01T03:30:00.000000+03:30"))
    seed(24, "twisted-records", box(("n", "7"), ("name", "a")) + box(("n", "9")))
    seed(24, "nested", box(("children", box(("data", "x"), ("when", "2010-12-25T00:00:00.000000-00:00")) + box(("data", ""))),
                           ("decimals", list_of("1.5", "sNaN")), ("flag", "True"), ("n", "-3")))
    seed(24, "trailing-dropped", box(("n", "1")) + b"\x00\x01n\x00")
    seed(24, "missing-required", box(("name", "a")))
    seed(24, "key-too-long", b"\x01\x00")
    seed(25, "two", b"\x92\xa1a\xa1b")
    seed(26, "one", b"\x81\xa1a\x01")
    seed(27, "max", list_of("18446744073709551615", "0"))
    seed(28, "scales", list_of("1.10", "-0.000", "1E+2"))
    seed(29, "offsets", list_of("2010-12-25T00:00:00.000000+05:30", "2010-12-25T00:00:00.000000-14:00"))
    # BigString recipe inside AmpList elements: chunks in key order and not, gaps, keys never looked up,
    # a character cut by a chunk, a text over its MaxBytes (100).
    seed(30, "chunks", box(("data", "ab"), ("data.10", "j"), ("data.1x", "x"), ("data.2", "c"), ("data.3", "d"), ("data.4", "e"),
                           ("data.5", "f"), ("data.6", "g"), ("data.7", "h"), ("data.8", "i"), ("data.9", "i"))
         + box(("text", b"\xe2"), ("text.2", b"\x98\x83")))
    seed(30, "unordered-gap", box(("data.3", "c"), ("data", "a"), ("data.02", "x"), ("data.1", "y"), ("data.2", "b"), ("data.5", "e")))
    seed(30, "no-name", box(("data.2", "b")) + box())
    seed(30, "text-over-limit", box(("text", "x" * 90), ("text.2", "y" * 11)))


def layers():
    def seed(name, config, *ops):
        data = bytes([config])
        for op in ops:
            data += bytes(op)
        write("layers", name, data)

    raw = lambda data: [0, len(data)] + list(data)
    echo = lambda tag, value: [1, tag, value + 8]
    start = lambda tag, key: [2, tag, key]
    stop = lambda tag: [3, tag]
    push = lambda key: [4, key]
    pop = [5]
    answer = lambda tag, kind: [6, tag, kind]
    local = lambda kind, arg: [7, kind, arg]
    cancel = lambda i: [8, i]
    switch = lambda tag, drain: [9, tag, 1 if drain else 0]
    yield_ = [10]
    close = [11]
    empty = [12]

    seed("echo", 0, echo(1, 5), echo(0, 6), echo(2, -8))
    seed("echo-responder-failures", 0, echo(1, 13), echo(2, 14), echo(3, 15), echo(4, 16))
    seed("peer-starts-and-stops-frame", 0, start(1, 0x5A), echo(2, 10), stop(3), echo(4, 11))
    seed("peer-starts-frame-one-byte-reads", 1, start(1, 0x5A), echo(2, 10), stop(3), echo(4, 11))
    seed("peer-starts-frame-split", 2, start(1, 0x5A), start(3, 0x11), echo(2, 10), stop(5), stop(7), echo(4, 11))
    seed("refused-key-0", 0, start(2, 0), echo(4, 1))
    seed("stop-without-frame", 0, stop(2), echo(4, 1))
    seed("peer-switch-drain", 0, switch(1, True), raw(b"hello, raw world"))
    seed("peer-switch-refused", 0, switch(1, False), echo(2, 3))
    seed("local-start-frame-answered", 0, local(2, 0x33), answer(1, 1), push(0x33), echo(5, 9), local(0, 9))
    seed("local-stop-frame", 0, local(2, 0x33), answer(1, 1), push(0x33), local(3, 0), answer(2, 1), pop, echo(5, 9))
    seed("local-start-frame-refused", 0, local(2, 0x33), local(0, 1), answer(1, 3), answer(2, 0))
    seed("local-switch-answered", 0, local(4, 1), answer(1, 1), raw(b"after the switch"))
    seed("local-switch-refused", 0, local(4, 0), answer(1, 2), local(0, 1), answer(2, 0))
    seed("crossing-starts", 0, local(2, 0x21), start(1, 0x22), answer(1, 5), yield_)
    seed("crossing-switches", 0, local(4, 1), switch(1, True), answer(1, 1))
    seed("garbage", 0, raw(b"GET / HTTP/1.1\r\n"))
    seed("empty-box", 0, echo(1, 1), empty)
    seed("unknown-tag", 0, answer(9, 0))
    seed("malformed-answer", 0, local(0, 8), answer(1, 6), local(0, 8), answer(2, 1))
    seed("cancel-call", 0, local(0, 8), cancel(0), answer(1, 0))
    seed("cancel-start-frame", 0, local(2, 0x41), cancel(0), answer(1, 1), push(0x41), echo(2, 1))
    seed("close-during-change", 0, local(2, 0x41), close, answer(1, 1))
    seed("waiting-responder-at-limit-1", 0x04, echo(1, 16), echo(2, 1), echo(3, 2))
    seed("depth-limit-2", 0x20, start(1, 1), start(3, 2), start(5, 3), local(2, 4))
    seed("small-limits", 0x10, raw(box(("_ask", "1"), ("_command", "Echo"), ("value", "1" * 120))), echo(2, 1))
    seed("close-on-unknown-error", 0x40, raw(box(("_ask", "1"), ("_command", "Echo"), ("value", "x"))), echo(2, 1))
    seed("unknown-command-both-ways", 0x80, local(5, 0), raw(box(("_ask", "7"), ("_command", "Nope"))), answer(1, 4))
    seed("wrong-key-garbage", 0, start(1, 0x10), push(0x11), echo(2, 1))
    seed("frame-then-pop-twice", 0, start(1, 0x10), pop, pop, echo(2, 1))
    seed("send-only-and-box-table", 3, local(1, 9), [13, 3, 2, 10, 0, 6, 11, 14], yield_, [13, 2, 1, 14, 3, 14])


if __name__ == "__main__":
    boxes()
    arguments()
    layers()
