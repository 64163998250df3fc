using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>Our client against a real Twisted server (twisted_peer.py server).</summary>
[CancelAfter(30000)]
public sealed class TwistedServerInteropTests : TwistedServerFixture
{
    private static readonly string[] s_floats = ["0.0", "-0.0", "1e+16", "1e-05", "5e-324", "1.7976931348623157e+308", "0.1", "inf", "-inf", "nan", "9007199254740992.0"];
    private static readonly string[] s_decimals = ["1.10", "-0", "1E+3", "0E-8", "NaN", "-sNaN", "NaN123", "-Infinity", "1.23E+30", "0.000001", "1E-7"];
    private static readonly string[] s_datetimes =
        ["2010-12-25T00:00:00.000000-00:00", "9876-01-23T12:34:56.054321-01:23", "0001-01-01T00:00:00.000000+14:00", "9999-12-31T23:59:59.999999-12:00"];

    [Test]
    public async Task SumWithIntegersBeyond64Bits(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        SumResult result = await connection.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 100), B = -BigInteger.Pow(2, 70) }, cancellationToken);
        Assert.That(result.Total, Is.EqualTo(BigInteger.Pow(2, 100) - BigInteger.Pow(2, 70)));
        result = await connection.CallRemoteAsync(new Sum { A = -5, B = -BigInteger.Pow(10, 200) }, cancellationToken);
        Assert.That(result.Total, Is.EqualTo(-5 - BigInteger.Pow(10, 200)));
    }

    [Test]
    public async Task EveryTypeWithEdgeValuesComesBackEqual(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        AmpDateTime[] whens = [.. s_datetimes.Select(t => Amp.Arguments.AmpDateTimeArgument.Instance.Read(System.Text.Encoding.ASCII.GetBytes(t)))];
        var sent = new Echo
        {
            Int = -BigInteger.Pow(2, 70),
            Bytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)],
            Text = "snow \u2603 \U0001D11E \U0001F600 nul\0 \uFEFFbom",
            Flag = true,
            Float = -0.0,
            Decimal = AmpDecimal.Parse("-1.10E+5"),
            When = whens[2],
            Ints = [0, -1, BigInteger.Pow(2, 64), -BigInteger.Pow(10, 200)],
            Texts = ["", "caf\u00e9 \u4e2d\u6587"],
            Decimals = [.. s_decimals.Select(d => AmpDecimal.Parse(d))],
            Whens = whens,
            Items = [new EchoItem { Name = "a", N = 1 }, new EchoItem { Name = "\u00fc\U0001F600" }, new EchoItem { Name = "", N = -BigInteger.Pow(2, 70) }],
            Path = "/tmp/amp interop/\u2603",
        };
        EchoValues back = await connection.CallRemoteAsync(sent, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(back.Int, Is.EqualTo(sent.Int));
            Assert.That(back.Bytes, Is.EqualTo(sent.Bytes));
            Assert.That(back.Text, Is.EqualTo(sent.Text));
            Assert.That(back.Flag, Is.True);
            Assert.That(back.Float, Is.EqualTo(0.0));
            Assert.That(double.IsNegative(back.Float!.Value), Is.True, "negative zero survives");
            Assert.That(back.Decimal.ToString(), Is.EqualTo("-1.10E+5"));
            Assert.That(back.When, Is.EqualTo(sent.When));
            Assert.That(back.Ints, Is.EqualTo(sent.Ints));
            Assert.That(back.Texts, Is.EqualTo(sent.Texts));
            Assert.That(back.Decimals!.Select(d => d.ToString()), Is.EqualTo(s_decimals));
            Assert.That(back.Whens!.Select(w => w.ToString()), Is.EqualTo(s_datetimes));
            Assert.That(back.Items!.Select(i => (i.Name, i.N)), Is.EqualTo(sent.Items.Select(i => (i.Name, i.N))));
            Assert.That(back.Path, Is.EqualTo(sent.Path));
        });
    }

    [Test]
    public async Task EmptyListsAndAbsentOptionalsAreKeptApart(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        EchoValues back = await connection.CallRemoteAsync(new Echo { Ints = [], Items = [], Bytes = [] }, cancellationToken);
        Assert.That(back.Ints, Is.Empty);
        Assert.That(back.Items, Is.Empty);
        Assert.That(back.Bytes, Is.Empty);
        Assert.That(back.Texts, Is.Null);
        Assert.That(back.Int, Is.Null);
    }

    [TestCaseSource(nameof(RawValues))]
    public async Task TwistedEchoesOurWireFormsByteForByte(string key, string text, CancellationToken cancellationToken)
    {
        // Twisted parses our text and writes it back in its own canonical form: equal bytes mean we write what Twisted writes.
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        var ours = new Echo
        {
            Float = key == "float" ? Amp.Arguments.DoubleArgument.Instance.Read(System.Text.Encoding.ASCII.GetBytes(text)) : null,
            Decimal = key == "decimal" ? AmpDecimal.Parse(text) : null,
            When = key == "when" ? Amp.Arguments.AmpDateTimeArgument.Instance.Read(System.Text.Encoding.ASCII.GetBytes(text)) : null,
        };
        AmpBox sent = new AmpBox().SetString(key, text);
        AmpBox back = await connection.CallRemoteStringAsync("Echo", sent, cancellationToken);
        Assert.That(back.GetString(key), Is.EqualTo(text), "Twisted's canonical form");
        EchoValues typed = await connection.CallRemoteAsync(ours, cancellationToken);
        string roundTrip = key switch
        {
            "float" => FormatWith(Amp.Arguments.DoubleArgument.Instance, typed.Float!.Value),
            "decimal" => typed.Decimal.ToString()!,
            _ => typed.When.ToString()!,
        };
        Assert.That(roundTrip, Is.EqualTo(text));
    }

    public static IEnumerable<TestCaseData> RawValues() =>
        s_floats.Select(f => new TestCaseData("float", f))
            .Concat(s_decimals.Select(d => new TestCaseData("decimal", d)))
            .Concat(s_datetimes.Select(w => new TestCaseData("when", w)));

    [Test]
    public async Task DeclaredErrorsUnknownErrorsAndUnhandledCommands(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        var zero = Assert.ThrowsAsync<ZeroDivisionException>(() => connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken));
        Assert.That(zero!.Message, Is.EqualTo("division by zero"));
        Assert.That((await connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 8 }, cancellationToken)).Quotient, Is.EqualTo(0.125));
        var unhandled = Assert.ThrowsAsync<AmpUnhandledCommandException>(() => connection.CallRemoteStringAsync("NoSuchCommand", null, cancellationToken));
        Assert.That(unhandled!.Description, Is.EqualTo("Unhandled Command: b'NoSuchCommand'"));
        Assert.That((await connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
    }

    [Test]
    public async Task UndeclaredErrorIsUnknownAndTwistedThenCloses(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        var error = Assert.ThrowsAsync<AmpRemoteException>(() => connection.CallRemoteAsync(new Fail(), cancellationToken));
        Assert.That((error!.ErrorCode, error.Description), Is.EqualTo(("UNKNOWN", "Unknown Error")));
        AmpConnectionLostException lost = await connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task FatalErrorArrivesTypedThenTheConnectionCloses(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        Task<DelayResult> pending = connection.CallRemoteAsync(new Delay { Ms = 5000, Value = 1 }, cancellationToken);
        var death = Assert.ThrowsAsync<DeathThreatException>(() => connection.CallRemoteAsync(new Die(), cancellationToken));
        Assert.That(death!.Message, Is.EqualTo("aieeeeeeeee"));
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => pending);
        Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task NoAnswerCommandsAreRunInOrder(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        foreach (string message in new[] { "one", "two", "three" })
        {
            await connection.SendAsync(new Notify { Message = message }, cancellationToken);
        }

        Notifications got = await connection.CallRemoteAsync(new GetNotifications(), cancellationToken);
        Assert.That(got.Messages, Is.EqualTo(new[] { "one", "two", "three" }));
    }

    [Test]
    public async Task AThousandCallsInFlightAndAnswersOutOfOrder(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        Task<SumResult>[] sums = [.. Enumerable.Range(0, 1000).Select(i => connection.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        var order = new List<long>();
        Task[] delays = [.. new[] { 400, 200, 0 }.Select(async (ms, i) =>
        {
            DelayResult r = await connection.CallRemoteAsync(new Delay { Ms = ms, Value = i }, cancellationToken);
            lock (order)
            {
                order.Add(r.Value);
            }
        })];
        SumResult[] results = await Task.WhenAll(sums);
        await Task.WhenAll(delays);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 1000)));
        Assert.That(order, Is.EqualTo(new long[] { 2, 1, 0 }));
    }

    [Test]
    public async Task TwistedCallsUsBackDuringACall(CancellationToken cancellationToken)
    {
        var ours = new InteropResponders();
        await using AmpConnection connection = await ConnectAsync(cancellationToken, new AmpConnectionOptions { Responders = new AmpResponders().AddObject(ours) });
        Task<SumResult>[] calls = [.. Enumerable.Range(0, 10).Select(i => connection.CallRemoteAsync(new CallMeBack { A = i, B = 100 }, cancellationToken))];
        SumResult[] results = await Task.WhenAll(calls);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(100, 10)));
    }

    [Test]
    public async Task TwistedTreatsOurRawBytesAsTheSameValues(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        byte[] payload = [.. Enumerable.Range(0, 65535).Select(i => (byte)(i * 7))];
        RawResult result = await connection.CallRemoteAsync(new Raw { Payload = payload }, cancellationToken);
        Assert.That(result.Payload, Is.EqualTo(payload));
    }

    [Test]
    public async Task WeSwitchATwistedServerToRawEcho(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        var refused = Assert.ThrowsAsync<UnknownProtocolException>(() => connection.SwitchProtocolAsync(new SwitchProtocol { Protocol = "nope" }, cancellationToken));
        Assert.That(refused!.Message, Is.EqualTo("no protocol named nope"));
        Assert.That((await connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)), "AMP goes on after a refused switch");

        await using AmpSwitchedConnection raw = await connection.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        byte[] data = new byte[65536];
        new Random(5).NextBytes(data);
        "\0\0looks like an AMP end marker\0\0"u8.CopyTo(data);
        Assert.That(await RawEcho.ExchangeAsync(raw, data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(data).ToArray()));
        Assert.That((await connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
    }

    private static string FormatWith<T>(AmpArgumentType<T> type, T value)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        type.Write(value, writer);
        return System.Text.Encoding.ASCII.GetString(writer.WrittenSpan);
    }
}
