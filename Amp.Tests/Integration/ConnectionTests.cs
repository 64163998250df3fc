using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

[CancelAfter(10000)]
public sealed class ConnectionTests
{
    [Test]
    public async Task CallsGoBothWays(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        SumResult fromServer = await pair.Client.CallRemoteAsync(new Sum { A = 13, B = 81 }, cancellationToken);
        SumResult fromClient = await pair.Server.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 100), B = -1 }, cancellationToken);
        Assert.That(fromServer.Total, Is.EqualTo(new BigInteger(94)));
        Assert.That(fromClient.Total, Is.EqualTo(BigInteger.Pow(2, 100) - 1));
    }

    [Test]
    public async Task EveryArgumentTypeRoundTrips(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var when = new DateTimeOffset(2010, 12, 25, 1, 2, 3, TimeSpan.FromMinutes(-83)).AddTicks(543210);
        var echo = new Echo
        {
            Int = -BigInteger.Pow(2, 70),
            Bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
            Text = "snow \u2603 \U0001D11E \U0001F600",
            Flag = false,
            Float = -0.0,
            Decimal = AmpDecimal.Parse("-1.10E+5"),
            When = when,
            Ints = [],
            Texts = ["", "a"],
            Decimals = [AmpDecimal.Parse("NaN"), AmpDecimal.Parse("sNaN"), AmpDecimal.Parse("-Infinity")],
            Whens = [when],
            Items = [new EchoItem { Name = "x", N = 7 }, new EchoItem { Name = "y" }],
            Path = "/tmp/amp test",
        };
        EchoValues back = await pair.Client.CallRemoteAsync(echo, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(back.Int, Is.EqualTo(echo.Int));
            Assert.That(back.Bytes, Is.EqualTo(echo.Bytes));
            Assert.That(back.Text, Is.EqualTo(echo.Text));
            Assert.That(back.Flag, Is.False);
            Assert.That(double.IsNegative(back.Float!.Value) && back.Float == 0, Is.True, "negative zero");
            Assert.That(back.Decimal.ToString(), Is.EqualTo("-1.10E+5"));
            Assert.That(back.When, Is.EqualTo((AmpDateTime)when));
            Assert.That(back.When!.Value.Offset, Is.EqualTo(TimeSpan.FromMinutes(-83)));
            Assert.That(back.Ints, Is.Empty);
            Assert.That(back.Texts, Is.EqualTo(new[] { "", "a" }));
            Assert.That(back.Decimals!.Select(d => d.ToString()), Is.EqualTo(new[] { "NaN", "sNaN", "-Infinity" }));
            Assert.That(back.Items!.Select(i => (i.Name, i.N)), Is.EqualTo(new[] { ("x", (BigInteger?)7), ("y", (BigInteger?)null) }));
            Assert.That(back.Path, Is.EqualTo("/tmp/amp test"));
        });
    }

    [Test]
    public async Task AbsentOptionalArgumentsStayAbsent(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        EchoValues back = await pair.Client.CallRemoteAsync(new Echo { Text = "only" }, cancellationToken);
        Assert.That(back.Text, Is.EqualTo("only"));
        Assert.That(back.Int, Is.Null);
        Assert.That(back.Items, Is.Null);
        AmpBox raw = await pair.Client.CallRemoteStringAsync("Echo", new AmpBox().SetString("text", "only"), cancellationToken);
        Assert.That(raw.Keys.OrderBy(k => k, StringComparer.Ordinal), Is.EqualTo(new[] { "_answer", "text" }));
    }

    [Test]
    public async Task DeclaredErrorArrivesAsTheDeclaredExceptionAndTheConnectionStaysUp(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var error = Assert.ThrowsAsync<ZeroDivisionException>(() => pair.Client.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken));
        Assert.That(error!.Message, Is.EqualTo("division by zero"));
        DivideResult ok = await pair.Client.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 4 }, cancellationToken);
        Assert.That(ok.Quotient, Is.EqualTo(0.25));
    }

    [Test]
    public async Task UndeclaredErrorIsUnknownAndHidesTheDetail(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var error = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteAsync(new Fail(), cancellationToken));
        Assert.That(error!.ErrorCode, Is.EqualTo("UNKNOWN"));
        Assert.That(error.Description, Is.EqualTo("Unknown Error"));
        Assert.That(error.Message, Does.Not.Contain("secret"));
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(2)));
    }

    [Test]
    public async Task UndeclaredErrorClosesTheConnectionWhenAskedToActAsTwisted(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(serverOptions: r => new AmpConnectionOptions { Responders = r, CloseOnUnknownError = true });
        Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteAsync(new Fail(), cancellationToken));
        AmpConnectionLostException lost = await pair.Client.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That((await pair.Server.Completion).Reason, Is.EqualTo(AmpDisconnectReason.FatalError));
    }

    [Test]
    public async Task FatalErrorIsDeliveredThenTheConnectionCloses(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var error = Assert.ThrowsAsync<DeathThreatException>(() => pair.Client.CallRemoteAsync(new Die(), cancellationToken));
        Assert.That(error!.Message, Is.EqualTo("aieeeeeeeee"));
        AmpConnectionLostException lost = await pair.Client.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        var next = Assert.ThrowsAsync<AmpConnectionLostException>(() => pair.Client.CallRemoteAsync(new Sum(), cancellationToken));
        Assert.That(next, Is.SameAs(lost));
    }

    [Test]
    public async Task AfterAFatalErrorNoLateAnswerIsWritten(CancellationToken cancellationToken)
    {
        // A responder still running when the connection ends sees Closing cancelled and here fails at once,
        // inside the cancellation. That failure must not be sent after the fatal error (Twisted drops late
        // answers): the pending call fails with the connection's end, not with an UNKNOWN error box.
        var responders = new AmpResponders()
            .Add<Die, AmpEmptyResponse>(_ => throw new DeathThreatException("aieeeeeeeee"))
            .Add<Delay, DelayResult>((Delay _, AmpConnection _, CancellationToken closing) =>
            {
                var failing = new TaskCompletionSource<DelayResult>();
                closing.Register(() => failing.TrySetException(new InvalidOperationException("cancelled by the close")));
                return new ValueTask<DelayResult>(failing.Task);
            });
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = responders });
        await using AmpConnection client = AmpConnection.Start(initiator);
        Task<DelayResult> pending = client.CallRemoteAsync(new Delay { Ms = 5000, Value = 1 }, cancellationToken);
        Assert.ThrowsAsync<DeathThreatException>(() => client.CallRemoteAsync(new Die(), cancellationToken));
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => pending);
        Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task UnknownCommandIsUnhandledWithTwistedsDescription(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var error = Assert.ThrowsAsync<AmpUnhandledCommandException>(() => pair.Client.CallRemoteStringAsync("NoSuchCommand", null, cancellationToken));
        Assert.That(error!.ErrorCode, Is.EqualTo("UNHANDLED"));
        Assert.That(error.Description, Is.EqualTo("Unhandled Command: b'NoSuchCommand'"));
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(5)));
    }

    [Test]
    public async Task NoAnswerCommandsRunInOrder(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        await pair.Client.SendAsync(new Notify { Message = "one" }, cancellationToken);
        await pair.Client.SendAsync(new Notify { Message = "two" }, cancellationToken);
        Notifications got = await pair.Client.CallRemoteAsync(new GetNotifications(), cancellationToken);
        Assert.That(got.Messages, Is.EqualTo(new[] { "one", "two" }));
        Assert.Throws<InvalidOperationException>(() => pair.Client.CallRemoteAsync(new Notify { Message = "x" }, cancellationToken));
    }

    [Test]
    public async Task AnswersMayComeBackOutOfOrder(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var order = new List<long>();
        Task[] calls = [.. new[] { 300, 150, 0 }.Select(async (ms, i) =>
        {
            DelayResult result = await pair.Client.CallRemoteAsync(new Delay { Ms = ms, Value = i }, cancellationToken);
            lock (order)
            {
                order.Add(result.Value);
            }
        })];
        await Task.WhenAll(calls);
        Assert.That(order, Is.EqualTo(new long[] { 2, 1, 0 }));
    }

    [Test]
    public async Task TheAnsweringSideCanCallBackDuringACall(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        SumResult result = await pair.Client.CallRemoteAsync(new CallMeBack { A = 20, B = 22 }, cancellationToken);
        Assert.That(result.Total, Is.EqualTo(new BigInteger(42)));
    }

    [Test]
    public async Task AThousandCallsInFlightAllComplete(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(serverOptions: r => new AmpConnectionOptions { Responders = r, MaxConcurrentIncomingCalls = 4 });
        Task<SumResult>[] calls = [.. Enumerable.Range(0, 1000).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = i }, cancellationToken))];
        Task<DelayResult>[] delays = [.. Enumerable.Range(0, 20).Select(i => pair.Client.CallRemoteAsync(new Delay { Ms = 5, Value = i }, cancellationToken))];
        SumResult[] results = await Task.WhenAll(calls);
        await Task.WhenAll(delays);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 1000).Select(i => 2 * i)));
    }

    [Test]
    public async Task RespondersAtTheLimitThatCallBackStillGetTheirAnswers(CancellationToken cancellationToken)
    {
        // Both slots hold responders waiting for our answers to their callbacks, and more commands arrive
        // before those answers: the commands are set aside so the answers can still be read.
        await using var pair = ConnectedPair.Create(serverOptions: r => new AmpConnectionOptions { Responders = r, MaxConcurrentIncomingCalls = 2 });
        Task<SumResult>[] calls = [.. Enumerable.Range(0, 20).Select(i => pair.Client.CallRemoteAsync(new CallMeBack { A = i, B = 1 }, cancellationToken))];
        SumResult[] results = await Task.WhenAll(calls);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 20)));
    }

    [Test]
    public async Task OneBytePerReadChangesNothing(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions { MaxBytesPerRead = 1 });
        Task<SumResult>[] calls = [.. Enumerable.Range(0, 50).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        SumResult[] results = await Task.WhenAll(calls);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 50)));
    }

    [Test]
    public async Task RandomSplitsChangeNothing(CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions { SplitSeed = seed });
        EchoValues back = await pair.Client.CallRemoteAsync(new Echo { Text = new string('x', 3000), Ints = [1, 2, 3] }, cancellationToken);
        Assert.That(back.Text, Has.Length.EqualTo(3000));
    }

    [Test]
    public async Task ConnectionLossFailsEveryPendingCallWithOneReason(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        Task<DelayResult> first = pair.Client.CallRemoteAsync(new Delay { Ms = 5000, Value = 1 }, cancellationToken);
        Task<DelayResult> second = pair.Client.CallRemoteAsync(new Delay { Ms = 5000, Value = 2 }, cancellationToken);
        await pair.Client.CallRemoteAsync(new Sum(), cancellationToken);
        await pair.Server.CloseAsync();
        var one = Assert.ThrowsAsync<AmpConnectionLostException>(() => first);
        var two = Assert.ThrowsAsync<AmpConnectionLostException>(() => second);
        Assert.That(one, Is.SameAs(two));
        Assert.That(one!.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(pair.Client.IsConnected, Is.False);
    }

    [Test]
    public async Task CancellingACallAbandonsItAndTheLateAnswerIsDropped(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        using var cancel = new CancellationTokenSource();
        Task<DelayResult> call = pair.Client.CallRemoteAsync(new Delay { Ms = 200, Value = 1 }, cancel.Token);
        cancel.Cancel();
        var error = Assert.CatchAsync<OperationCanceledException>(() => call);
        Assert.That(error!.CancellationToken, Is.EqualTo(cancel.Token));
        await Task.Delay(300, cancellationToken);
        Assert.That(pair.Client.IsConnected, Is.True);
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
    }

    [Test]
    public async Task MissingRequiredArgumentFailsTheCallWithoutSendingAnything(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create();
        var error = Assert.ThrowsAsync<AmpArgumentException>(() => pair.Client.CallRemoteAsync(new Raw { Payload = null! }, cancellationToken));
        Assert.That(error!.FieldName, Is.EqualTo("payload"));
        var tooLong = Assert.ThrowsAsync<AmpArgumentException>(() => pair.Client.CallRemoteAsync(new Raw { Payload = new byte[65536] }, cancellationToken));
        Assert.That(tooLong!.Message, Does.Contain("65536"));
        Assert.That((await pair.Client.CallRemoteAsync(new Raw { Payload = new byte[65535] }, cancellationToken)).Payload, Has.Length.EqualTo(65535));
    }
}
