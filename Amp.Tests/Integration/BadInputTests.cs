using System.Numerics;
using System.Text;
using Amp.Boxes;
using Amp.Tests.Interop;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Integration;

/// <summary>
/// What each kind of bad input gets (spec/amp-wire.md §13, "Bad input: what each side does"), checked against a
/// scripted raw peer that writes exact bytes and reads exact bytes back.
/// </summary>
[CancelAfter(10000)]
public sealed class BadInputTests
{
    // The call our side makes before the bad bytes arrive: Sum a=1 b=2, tag 1.
    private static readonly byte[] s_sumCall = Box("_ask", "1", "_command", "Sum", "a", "1", "b", "2");

    public static IEnumerable<TestCaseData> FatalInputs()
    {
        yield return new TestCaseData(Wire.Bytes("01 00"), AmpLimits.Default, AmpProtocolError.KeyTooLong).SetName("KeyLengthPrefix0100");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), AmpLimits.Default, AmpProtocolError.KeyTooLong).SetName("HttpGetLine");
        yield return new TestCaseData(Wire.Bytes("FF FF"), AmpLimits.Default, AmpProtocolError.KeyTooLong).SetName("KeyLengthPrefixFFFF");

        // Only the key and the value's length prefix: the limit must be seen before the value is awaited.
        yield return new TestCaseData(Wire.Bytes("00 01 \"a\" 00 65"), new AmpLimits { MaxValueLength = 100 }, AmpProtocolError.ValueTooLong).SetName("ValueLengthAboveLimitFromThePrefixAlone");
        yield return new TestCaseData(Wire.Bytes("00 04 \"_ask\" 00 01 \"1\" 00 01 \"a\" FF FF"), new AmpLimits { MaxValueLength = 100 }, AmpProtocolError.ValueTooLong).SetName("ValueLengthFFFFAboveLimit");

        // Five 10-byte entries reach 50 bytes before the end marker; the limit is 40.
        byte[] entries = [.. Enumerable.Range(0, 5).SelectMany(i => Wire.Bytes($"00 01 \"{(char)('a' + i)}\" 00 05 \"vvvvv\""))];
        yield return new TestCaseData(entries, new AmpLimits { MaxBoxBytes = 40 }, AmpProtocolError.BoxTooLarge).SetName("BoxBiggerThanMaxBoxBytes");

        // A value whose prefix alone says the box will not fit.
        yield return new TestCaseData(Wire.Bytes("00 01 \"a\" 01 00"), new AmpLimits { MaxBoxBytes = 200 }, AmpProtocolError.BoxTooLarge).SetName("BoxTooLargeFromTheValuePrefixAlone");

        yield return new TestCaseData(Wire.Bytes("00 01 \"a\" 00 00 00 01 \"b\" 00 00 00 01 \"c\" 00 00 00 01 \"d\" 00 00 00 00"), new AmpLimits { MaxKeysPerBox = 3 }, AmpProtocolError.TooManyKeys).SetName("MoreKeysThanMaxKeysPerBox");
        yield return new TestCaseData(Wire.Bytes("00 00"), AmpLimits.Default, AmpProtocolError.EmptyBox).SetName("EmptyBox");
        yield return new TestCaseData(Box("x", "y"), AmpLimits.Default, AmpProtocolError.EmptyBox).SetName("BoxWithNoReservedKey");
        yield return new TestCaseData(Box("_answer", "99", "total", "3"), AmpLimits.Default, AmpProtocolError.UnknownTag).SetName("AnswerForATagNobodyAsked");
        yield return new TestCaseData(Box("_error", "99", "_error_code", "X", "_error_description", "y"), AmpLimits.Default, AmpProtocolError.UnknownTag).SetName("ErrorForATagNobodyAsked");
        yield return new TestCaseData(Box("_answer", "01", "total", "3"), AmpLimits.Default, AmpProtocolError.UnknownTag).SetName("AnswerWithANonCanonicalTag");
        yield return new TestCaseData(Box("_error", "1", "_error_description", "no code"), AmpLimits.Default, AmpProtocolError.MalformedError).SetName("ErrorMissingErrorCode");
        yield return new TestCaseData(Box("_error", "1", "_error_code", "X"), AmpLimits.Default, AmpProtocolError.MalformedError).SetName("ErrorMissingErrorDescription");
    }

    [TestCaseSource(nameof(FatalInputs))]
    public async Task FatalInputEndsTheConnectionAndFailsPendingCallsWithTheSameReason(byte[] bad, AmpLimits limits, AmpProtocolError expected, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Limits = limits, Responders = InteropResponders.Create() });
        Task<SumResult> pending = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_sumCall));

        await peer.WriteAsync(bad, cancellationToken);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
            Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>());
            Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(expected));
            Assert.That(peer.Connection.IsConnected, Is.False);
        });
        var failed = Assert.ThrowsAsync<AmpConnectionLostException>(() => pending.WaitAsync(cancellationToken));
        Assert.That(failed, Is.SameAs(lost));

        // The transport was closed: the raw peer's input completes, with nothing more written to it.
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty);

        // A later call fails at once with the same reason.
        var next = Assert.ThrowsAsync<AmpConnectionLostException>(() => peer.Connection.CallRemoteAsync(new Sum(), cancellationToken).WaitAsync(cancellationToken));
        Assert.That(next, Is.SameAs(lost));
    }

    [Test]
    public async Task ValueLengthLimitIsCheckedWithoutWaitingForTheValue(CancellationToken cancellationToken)
    {
        // The peer sends a whole valid command first, then only a key and a too-long value prefix and
        // nothing more: the connection must end without the stream ending or the value arriving.
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions
        {
            Limits = new AmpLimits { MaxValueLength = 100 },
            Responders = InteropResponders.Create(),
        });
        await peer.WriteAsync(TwistedCapture.Box("sum-call"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(TwistedCapture.Box("sum-answer")));
        await peer.WriteAsync(Wire.Bytes("00 04 \"_ask\" 00 01 \"2\" 00 01 \"a\" 00 65"), cancellationToken);
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(AmpProtocolError.ValueTooLong));
        Assert.That(lost.InnerException!.Message, Does.Contain("101").And.Contain("100"));
    }

    [Test]
    public async Task StreamEndingInsideABoxIsReportedAsTruncated(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        Task<SumResult> pending = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await peer.ReadBoxBytesAsync(cancellationToken);

        await peer.WriteAsync(Wire.Bytes("00 07 \"_answer\" 00 01 \"1\" 00 05 \"tot\""), cancellationToken);
        await peer.CompleteOutputAsync();

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>());
        Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(AmpProtocolError.TruncatedBox));
        var failed = Assert.ThrowsAsync<AmpConnectionLostException>(() => pending.WaitAsync(cancellationToken));
        Assert.That(failed, Is.SameAs(lost));
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty);
    }

    [Test]
    public async Task StreamEndingAtABoxBoundaryIsAnOrdinaryRemoteClose(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteAsync(TwistedCapture.Box("sum-call"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(TwistedCapture.Box("sum-answer")));
        await peer.CompleteOutputAsync();
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(lost.InnerException, Is.Null);
    }

    [Test]
    public async Task UnknownCommandIsUnhandledAndTheConnectionStaysUp(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteAsync(TwistedCapture.Box("unhandled-call"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(TwistedCapture.Box("unhandled-error")));

        // Asked for no answer: nothing is sent back, and the next command is still answered.
        await peer.WriteAsync(Box("_command", "NoSuchCommand"), cancellationToken);
        await AssertStillAnswersAsync(peer, "5", cancellationToken);
    }

    public static IEnumerable<TestCaseData> BadArguments()
    {
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Sum", "a", "1")).SetName("SumMissingB");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Sum")).SetName("SumMissingEverything");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Sum", "a", "x", "b", "1")).SetName("SumWithAEqualsX");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Sum", "a", "", "b", "1")).SetName("SumWithAnEmptyInteger");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Echo", "flag", "true")).SetName("BooleanLowerCaseTrue");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Echo", "float", "one")).SetName("FloatNotANumber");
        yield return new TestCaseData((object)Latin1Text(Box("_ask", "5", "_command", "Echo", "text", "\u00ff"))).SetName("TextNotUtf8");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Echo", "ints", "\u0000\u0001x")).SetName("ListOfWithAMalformedElement");
        yield return new TestCaseData((object)Box("_ask", "5", "_command", "Echo", "when", "2010-13-45T00:00:00.000000+00:00")).SetName("DateTimeOutOfRange");
    }

    [TestCaseSource(nameof(BadArguments))]
    public async Task MissingOrMalformedArgumentIsUnknownAndTheConnectionStaysUp(byte[] call, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteAsync(call, cancellationToken);
        byte[]? error = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(error, Is.EqualTo(Wire.Bytes(
            "00 06 \"_error\" 00 01 \"5\" 00 0B \"_error_code\" 00 07 \"UNKNOWN\" 00 12 \"_error_description\" 00 0D \"Unknown Error\" 00 00")));
        await AssertStillAnswersAsync(peer, "6", cancellationToken);
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task TwistedsOwnBadArgumentGetsTwistedsErrorBytes(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteAsync(TwistedCapture.Box("badarg-call"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(TwistedCapture.Box("badarg-error")));
        await AssertStillAnswersAsync(peer, "2", cancellationToken);
    }

    public static IEnumerable<TestCaseData> BadAnswers()
    {
        yield return new TestCaseData((object)Box("_answer", "1")).SetName("AnswerMissingTotal");
        yield return new TestCaseData((object)Box("_answer", "1", "total", "zz")).SetName("AnswerWithMalformedTotal");
        yield return new TestCaseData((object)Box("_answer", "1", "total", "1.5")).SetName("AnswerWithFractionalTotal");
        yield return new TestCaseData((object)Box("_answer", "1", "totl", "3")).SetName("AnswerWithMisspelledTotal");
    }

    [TestCaseSource(nameof(BadAnswers))]
    public async Task MissingOrMalformedResponseFieldFailsTheCallNamingTheField(byte[] answer, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_sumCall));
        await peer.WriteAsync(answer, cancellationToken);

        var error = Assert.ThrowsAsync<AmpArgumentException>(() => call.WaitAsync(cancellationToken));
        Assert.That(error!.FieldName, Is.EqualTo("total"));
        Assert.That(error.CommandName, Is.EqualTo("Sum"));
        Assert.That(error.Message, Does.Contain("total"));

        // The connection stays up: the next call is answered.
        Task<SumResult> next = peer.Connection.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken);
        Assert.That(RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!).GetString("_ask"), Is.EqualTo("2"));
        await peer.WriteAsync(Box("_answer", "2", "total", "4"), cancellationToken);
        Assert.That((await next.WaitAsync(cancellationToken)).Total, Is.EqualTo(new BigInteger(4)));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task AnswerAfterTheCallerCancelledIsDroppedWithoutClosing(CancellationToken cancellationToken)
    {
        // Plain AMP, as with Twisted: without extensions a cancel stays on this side (with them, see CancellationWireTests).
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Extensions = AmpExtensions.None });
        using var cancel = new CancellationTokenSource();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancel.Token);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_sumCall));
        cancel.Cancel();
        var cancelled = Assert.CatchAsync<OperationCanceledException>(() => call.WaitAsync(cancellationToken));
        Assert.That(cancelled!.CancellationToken, Is.EqualTo(cancel.Token));

        // The late answer and a late error for another abandoned call are both dropped.
        using var cancel2 = new CancellationTokenSource();
        Task<SumResult> call2 = peer.Connection.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancel2.Token);
        await peer.ReadBoxBytesAsync(cancellationToken);
        cancel2.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => call2.WaitAsync(cancellationToken));

        await peer.WriteAsync(Box("_answer", "1", "total", "3"), cancellationToken);
        await peer.WriteAsync(Box("_error", "2", "_error_code", "X", "_error_description", "late"), cancellationToken);

        Task<SumResult> next = peer.Connection.CallRemoteAsync(new Sum { A = 5, B = 5 }, cancellationToken);
        Assert.That(RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!).GetString("_ask"), Is.EqualTo("3"));
        await peer.WriteAsync(Box("_answer", "3", "total", "10"), cancellationToken);
        Assert.That((await next.WaitAsync(cancellationToken)).Total, Is.EqualTo(new BigInteger(10)));
        Assert.That(peer.Connection.IsConnected, Is.True);

        // Nothing is kept of an abandoned call, so a second answer under a tag this side issued is dropped
        // too; a tag this side never issued is a protocol violation.
        await peer.WriteAsync(Box("_answer", "1", "total", "3"), cancellationToken);
        Task<SumResult> after = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        Assert.That(RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!).GetString("_ask"), Is.EqualTo("4"));
        await peer.WriteAsync(Box("_answer", "4", "total", "2"), cancellationToken);
        Assert.That((await after.WaitAsync(cancellationToken)).Total, Is.EqualTo(new BigInteger(2)));
        await peer.WriteAsync(Box("_answer", "99", "total", "3"), cancellationToken);
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(AmpProtocolError.UnknownTag));
    }

    [Test]
    public async Task RandomGarbageNeverHangsAndEveryPendingCallCompletes(CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"garbage seed: {seed}");
        var random = new Random(seed);
        for (int round = 0; round < 100; round++)
        {
            byte[] garbage = round % 2 == 0 ? RandomBytes(random) : RandomBoxes(random);
            await FeedGarbageAsync(garbage, round, random.Next(4) == 0, cancellationToken);
        }
    }

    private static async Task FeedGarbageAsync(byte[] garbage, int round, bool oneBytePerRead, CancellationToken cancellationToken)
    {
        string context = $"round {round}: {Convert.ToHexString(garbage)}";
        var responders = new AmpResponders()
            .Add((Sum c) => new SumResult { Total = c.A + c.B })
            .Add<Echo, EchoValues>((Echo c) => c);
        await using RawPeer peer = RawPeer.Start(
            new AmpConnectionOptions { Responders = responders, Limits = new AmpLimits { MaxBoxBytes = 4096, MaxKeysPerBox = 16 } },
            new Amp.Transports.InMemoryTransportOptions { MaxBytesPerRead = oneBytePerRead ? 1 : null });
        Task<SumResult> pending = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);

        // Whatever our side writes back is drained so its writes never block.
        Task<byte[]> drained = peer.ReadToEndAsync(cancellationToken);
        await peer.WriteAsync(garbage, cancellationToken);

        // A probe that only works if the connection is still up and at a box boundary.
        await peer.WriteAsync(Wire.Bytes("00 00"), cancellationToken);
        await peer.CompleteOutputAsync();

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.AnyOf(AmpDisconnectReason.ProtocolViolation, AmpDisconnectReason.RemoteClosed), context);
        if (lost.Reason == AmpDisconnectReason.RemoteClosed && lost.InnerException is not null)
        {
            // The probe may have completed a box the garbage began, so the stream may also end at a boundary.
            Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>(), context);
            Assert.That(((AmpProtocolException)lost.InnerException).Error, Is.EqualTo(AmpProtocolError.TruncatedBox), context);
        }

        // Every pending call has completed: with the reason, or (very unlikely) with an answer the garbage held.
        await Task.WhenAny(pending).WaitAsync(cancellationToken);
        if (pending.IsFaulted)
        {
            Assert.That(pending.Exception!.InnerException, Is.InstanceOf<AmpException>(), context);
        }

        await drained.WaitAsync(cancellationToken);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);

        // Small key lengths now and then, so the parser gets past the first prefix.
        if (random.Next(2) == 0)
        {
            bytes[0] = 0;
        }

        return bytes;
    }

    private static readonly string[] s_keys = ["_ask", "_answer", "_command", "_error", "_error_code", "_error_description", "a", "b", "total", "flag", "ints", "items", "Sum", "Echo"];
    private static readonly string[] s_values = ["1", "2", "99", "Sum", "Echo", "NoSuch", "x", "-7", "True", "", "\u0000\u0001a", "UNKNOWN"];

    private static byte[] RandomBoxes(Random random)
    {
        var bytes = new List<byte>();
        int boxes = random.Next(1, 6);
        for (int b = 0; b < boxes; b++)
        {
            int entries = random.Next(0, 6);
            for (int e = 0; e < entries; e++)
            {
                byte[] key = Encoding.UTF8.GetBytes(s_keys[random.Next(s_keys.Length)]);
                byte[] value = Encoding.UTF8.GetBytes(s_values[random.Next(s_values.Length)]);
                bytes.Add(0);
                bytes.Add((byte)key.Length);
                bytes.AddRange(key);
                bytes.Add(0);
                bytes.Add((byte)value.Length);
                bytes.AddRange(value);
            }

            bytes.Add(0);
            bytes.Add(0);
        }

        // Sometimes flip a byte or cut the stream short.
        if (random.Next(3) == 0)
        {
            bytes[random.Next(bytes.Count)] ^= (byte)random.Next(1, 256);
        }

        if (random.Next(3) == 0)
        {
            int cut = random.Next(bytes.Count);
            bytes.RemoveRange(cut, bytes.Count - cut);
        }

        return bytes.Count == 0 ? [0, 0] : bytes.ToArray();
    }

    private static async Task AssertStillAnswersAsync(RawPeer peer, string tag, CancellationToken cancellationToken)
    {
        await peer.WriteAsync(Box("_ask", tag, "_command", "Sum", "a", "2", "b", "3"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Box("_answer", tag, "total", "5")));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    private static byte[] Box(params string[] keysAndValues)
    {
        var box = new AmpBox();
        for (int i = 0; i < keysAndValues.Length; i += 2)
        {
            box.SetString(keysAndValues[i], keysAndValues[i + 1]);
        }

        return BoxWriter.Serialize(box);
    }

    // Replaces the UTF-8 encoding of U+00FF (C3 BF) by the lone byte FF, which is not UTF-8.
    private static byte[] Latin1Text(byte[] box)
    {
        var bytes = new List<byte>(box);
        for (int i = 0; i < bytes.Count - 1; i++)
        {
            if (bytes[i] == 0xC3 && bytes[i + 1] == 0xBF)
            {
                bytes[i] = 0xFF;
                bytes.RemoveAt(i + 1);
                bytes[i - 1]--; // the value length prefix's low byte
                break;
            }
        }

        return bytes.ToArray();
    }
}
