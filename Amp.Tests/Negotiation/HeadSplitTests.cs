using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Negotiation.Blocks;
using Amp.Negotiation.Http;
using Amp.Negotiation.Phases;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Negotiation;

/// <summary>
/// Every head of the negotiation (the request, each answer, the Hello and Decision blocks) arriving in any pieces:
/// cut at every byte, one byte per segment, random splits with a printed seed (AMP_NEGOTIATION_SEED replays one),
/// and one byte per read through a pipe. An incomplete head is never complete; the bytes after a head are never taken.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class HeadSplitTests
{
    // Bytes that follow the head on the wire: a TLS record header, or an AMP box.
    private static readonly byte[] s_after = [0x16, 0x03, 0x01, 0x00, 0x05, 0x00, 0x04, (byte)'_', (byte)'a', (byte)'s', (byte)'k'];

    public static IEnumerable<TestCaseData> Heads()
    {
        yield return Case("request", "GET /amp/calc HTTP/1.1\r\nHost: localhost:5000\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n",
            head => Describe(HttpRequestHead.Parse(head)), "GET /amp/calc HTTP/1.1 hosts=1 upgrade=True body=False");
        yield return Case("101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n",
            head => Describe(HttpResponseHead.Parse(head)), "101 Switching Protocols amp=True location= length=-1");
        yield return Case("303", "HTTP/1.1 303 See Other\r\nLocation: http://localhost:5001/amp/calc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            head => Describe(HttpResponseHead.Parse(head)), "303 See Other amp=False location=http://localhost:5001/amp/calc length=0");
        yield return Case("hello", "Versions: 1 1\r\nId: alice\r\nExtensions: streams/1 cancel/1 keepalive/1 goaway/1\r\nIncarnation: 0123abcd\r\nApp-nick: al ice\r\n\r\n",
            head => Describe(HelloBlock.Read(NegotiationBlock.Parse(head))), "alice 1-1 Default 0123abcd  nick=al ice");
        yield return Case("decision", "Decision: accept\r\nVersion: 1\r\nConnection-Id: 0123456789abcdef0123456789abcdef\r\nExtensions: streams/1\r\n\r\n",
            head => Describe(DecisionBlock.Read(NegotiationBlock.Parse(head), out _, out _, out _)!), "1 Streams 0123456789abcdef0123456789abcdef");
        yield return Case("refusal", "Decision: refuse\r\nReason: duplicate-connection\r\nMessage: this side already has a connection with bob\r\n\r\n",
            head => DecisionBlock.Read(NegotiationBlock.Parse(head), out var failure, out string message, out _) is null ? $"{failure} {message}" : "accepted",
            "DuplicateConnection duplicate-connection: this side already has a connection with bob");
        yield return Case("empty block", "\r\n", head => NegotiationBlock.Parse(head).Entries.Count.ToString(), "0");
    }

    [TestCaseSource(nameof(Heads))]
    public void Found_and_parsed_whatever_the_cut_and_the_bytes_after_it_left_alone(string text, Func<byte[], string> parse, string expected)
    {
        byte[] head = Encoding.UTF8.GetBytes(text);
        byte[] bytes = [.. head, .. s_after];
        Assert.That(parse(head), Is.EqualTo(expected), "the head itself");
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.That(ScanWhole(Segments.Split(bytes, Segments.CutAt(bytes.Length, cut))), Is.EqualTo(head.Length), $"cut at {cut}");
        }

        Assert.That(ScanWhole(Segments.Split(bytes, Segments.OneBytePerSegment(bytes.Length))), Is.EqualTo(head.Length), "one byte per segment");
        int seed = Seed();
        var random = new Random(seed);
        for (int round = 0; round < 50; round++)
        {
            Assert.That(ScanWhole(Segments.Split(bytes, Segments.Random(bytes.Length, random))), Is.EqualTo(head.Length), $"seed {seed}, round {round}");
        }
    }

    [TestCaseSource(nameof(Heads))]
    public void Arriving_one_byte_at_a_time_it_is_incomplete_until_its_last_byte(string text, Func<byte[], string> parse, string expected)
    {
        byte[] head = Encoding.UTF8.GetBytes(text);
        var resumed = new HeadScanner(4096, 64);
        for (int length = 0; length < head.Length; length++)
        {
            var prefix = Segments.Split(head[..length], Segments.OneBytePerSegment(length));
            Assert.That(new HeadScanner(4096, 64).Scan(prefix, out _), Is.EqualTo(HeadScan.Incomplete), $"a fresh scan of {length} bytes");
            Assert.That(resumed.Scan(prefix, out _), Is.EqualTo(HeadScan.Incomplete), $"the resumed scan at {length} bytes");
        }

        Assert.That(resumed.Scan(new ReadOnlySequence<byte>([.. head, .. s_after]), out long found), Is.EqualTo(HeadScan.Complete));
        Assert.That(found, Is.EqualTo(head.Length));
        Assert.That(parse(head), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Heads))]
    public async Task Read_from_a_pipe_one_byte_per_flush_it_consumes_exactly_the_head(string text, Func<byte[], string> parse, string expected, CancellationToken cancellationToken)
    {
        byte[] head = Encoding.UTF8.GetBytes(text);
        var pipe = new Pipe();
        Task<(byte[]? Head, HeadScan Status, long Received)> reading = HeadReader.ReadAsync(pipe.Reader, 4096, 64, cancellationToken).AsTask();
        foreach (byte b in (byte[])[.. head, .. s_after])
        {
            await pipe.Writer.WriteAsync(new[] { b }, cancellationToken);
        }

        (byte[]? read, HeadScan status, _) = await reading;
        Assert.That(status, Is.EqualTo(HeadScan.Complete));
        Assert.That(read, Is.EqualTo(head));
        Assert.That(parse(read!), Is.EqualTo(expected));
        ReadResult rest = await pipe.Reader.ReadAsync(cancellationToken);
        Assert.That(rest.Buffer.ToArray(), Is.EqualTo(s_after), "the bytes after the head are still in the pipe, for the next layer");
    }

    [Test]
    public void A_bare_LF_anywhere_is_malformed_and_found_before_the_end()
    {
        byte[] head = "GET /amp/x HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray();
        for (int i = 0; i < head.Length; i++)
        {
            if (head[i] != (byte)'\n')
            {
                continue;
            }

            byte[] bare = [.. head[..(i - 1)], .. head[i..]];
            Assert.That(new HeadScanner(4096, 64).Scan(new ReadOnlySequence<byte>(bare[..i]), out _), Is.EqualTo(HeadScan.Malformed), $"LF at {i}");
        }

        Assert.That(new HeadScanner(4096, 64).Scan(new ReadOnlySequence<byte>("\n"u8.ToArray()), out _), Is.EqualTo(HeadScan.Malformed));
    }

    [Test]
    public void The_byte_and_line_limits_hold_at_their_exact_boundaries()
    {
        byte[] head = "GET /amp/x HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n"u8.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(new HeadScanner(head.Length, 3).Scan(new ReadOnlySequence<byte>(head), out _), Is.EqualTo(HeadScan.Complete), "exactly the byte limit");
            Assert.That(new HeadScanner(head.Length - 1, 3).Scan(new ReadOnlySequence<byte>(head), out _), Is.EqualTo(HeadScan.TooLarge), "one byte over");
            Assert.That(new HeadScanner(head.Length, 2).Scan(new ReadOnlySequence<byte>(head), out _), Is.EqualTo(HeadScan.TooLarge), "one line over");

            // Too large is known as soon as the limit is reached without an end, not when more arrives.
            Assert.That(new HeadScanner(16, 64).Scan(new ReadOnlySequence<byte>(new byte[16]), out _), Is.EqualTo(HeadScan.TooLarge));
            Assert.That(new HeadScanner(16, 64).Scan(new ReadOnlySequence<byte>(new byte[15]), out _), Is.EqualTo(HeadScan.Incomplete));
        });
    }

    private static long ScanWhole(ReadOnlySequence<byte> bytes)
    {
        var scanner = new HeadScanner(4096, 64);
        Assert.That(scanner.Scan(bytes, out long length), Is.EqualTo(HeadScan.Complete));
        return length;
    }

    private static int Seed()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_NEGOTIATION_SEED"), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (AMP_NEGOTIATION_SEED={seed} replays it)");
        return seed;
    }

    private static TestCaseData Case(string name, string text, Func<byte[], string> parse, string expected) =>
        new TestCaseData(text, parse, expected).SetArgDisplayNames(name);

    private static string Describe(HttpRequestHead r) => $"{r.Method} {r.Target} {r.Version} hosts={r.HostCount} upgrade={r.IsAmpUpgrade} body={r.HasBody}";

    private static string Describe(HttpResponseHead r) => $"{r.StatusCode} {r.Reason} amp={r.UpgradeToAmp} location={r.Location} length={r.ContentLength}";

    private static string Describe(Amp.Negotiation.NegotiationOffer o) =>
        $"{o.Id} {o.MinVersion}-{o.MaxVersion} {o.Extensions} {o.Incarnation} {o.LastConnection} {string.Join(",", o.Parameters.Select(p => p.Key + "=" + p.Value))}";

    private static string Describe(Amp.Negotiation.NegotiationDecision d) => $"{d.Version} {d.Extensions} {d.ConnectionId}";
}
