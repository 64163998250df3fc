using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>Pings between Amp.NET peers: they flow on an idle connection, keep it up, and have the bytes of spec §15.6.</summary>
[CancelAfter(60_000)]
public sealed class KeepAlivePingTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    [Test]
    public async Task PingsFlowOnAnIdleConnectionAndKeepItUp([Values] PairKind kind, CancellationToken cancellationToken)
    {
        // Only the client pings. Each of its pings follows the last by at least the interval, so 16 answered
        // pings span 3 s, longer than interval + timeout (2.2 s): unanswered, the connection would have ended.
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(
            kind, s_interval, TimeSpan.FromSeconds(2), cancellationToken, serverInterval: Timeout.InfiniteTimeSpan);

        await pair.ClientSide.Events.WaitForAsync(AmpEventId.KeepAlivePingAnswered, 16, cancellationToken);

        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True, pair.ClientSide.Events.Log);
        Assert.That(pair.Client.AgreedExtensions, Is.EqualTo(AmpExtensions.Default));
        Assert.That(pair.ClientSide.Events.Count(AmpEventId.KeepAliveNegotiating), Is.EqualTo(1), "the first ping due sends the hello, once");
        Assert.That(pair.ClientSide.Events.Count(AmpEventId.KeepAliveTimedOut), Is.Zero);
        Assert.That(pair.ServerSide.Events.PingsSent, Is.Zero);
        Assert.That((int)(await pair.Client.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
    }

    [Test]
    public async Task BothSidesPingAndNeitherTimesOut([Values(PairKind.InMemory, PairKind.TcpTls)] PairKind kind, CancellationToken cancellationToken)
    {
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(kind, s_interval, TimeSpan.FromSeconds(2), cancellationToken);

        Task client = pair.ClientSide.Events.WaitForAsync(AmpEventId.KeepAlivePingAnswered, 8, cancellationToken);
        Task server = pair.ServerSide.Events.WaitForAsync(AmpEventId.KeepAlivePingAnswered, 8, cancellationToken);
        await Task.WhenAll(client, server);

        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True);
        Assert.That((int)(await pair.Server.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(3));
    }

    [Test]
    public async Task TheHelloThenThePingHaveTheBytesOfTheSpec(CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Start(new AmpConnectionOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromSeconds(30) });

        // Nothing agreed when the first ping is due: the hello goes in its place, with tag 1.
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(hello.GetString("_command"), Is.EqualTo("_amp.extensions"));
        Assert.That(hello.GetString("_ask"), Is.EqualTo("1"));
        Assert.That(KeepAliveWire.Names(hello["offer"]), Does.Contain("keepalive/1"));
        await peer.WriteAsync(KeepAliveWire.Accept("1", "keepalive/1"), cancellationToken);

        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(KeepAliveWire.Ping("2")));
        await peer.WriteAsync(KeepAliveWire.PingAnswer("2"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(KeepAliveWire.Ping("3")), "the next silence brings the next ping");

        // The peer's own ping is answered with _answer alone (our ping 3 stays unanswered: the timeout is long).
        await peer.WriteAsync(KeepAliveWire.Ping("7"), cancellationToken);
        byte[]? answer;
        do
        {
            answer = await peer.ReadBoxBytesAsync(cancellationToken);
        }
        while (answer is not null && RawPeer.Parse(answer).ContainsKey("_command"));

        Assert.That(answer, Is.EqualTo(KeepAliveWire.PingAnswer("7")));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task APingIsAnsweredAheadOfRespondersThatHoldEverySlot(CancellationToken cancellationToken)
    {
        // Long-running responders (subscriptions, long polls) must not make a live side look frozen.
        using var gates = new KeepAliveGates();
        await using var peer = RawPeer.Start(new AmpConnectionOptions
        {
            Responders = gates.AddTo(new AmpResponders()),
            MaxConcurrentIncomingCalls = 1,
            KeepAliveInterval = Timeout.InfiniteTimeSpan,
        });
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "1").SetString("_command", "Hold"), cancellationToken);
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "2").SetString("_command", "Hold"), cancellationToken);
        await peer.WriteAsync(KeepAliveWire.Ping("3"), cancellationToken);

        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(KeepAliveWire.PingAnswer("3")));

        gates.ReleaseHolds();
        var answered = new HashSet<string?> { (await peer.ReadBoxAsync(cancellationToken)).GetString("_answer"), (await peer.ReadBoxAsync(cancellationToken)).GetString("_answer") };
        Assert.That(answered, Is.EquivalentTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task ASideWithoutTheExtensionAnswersAPingUnhandled(CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Start(new AmpConnectionOptions { Extensions = AmpExtensions.None });
        await peer.WriteAsync(KeepAliveWire.Ping("1"), cancellationToken);

        AmpBox error = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(error.GetString("_error"), Is.EqualTo("1"));
        Assert.That(error.GetString("_error_code"), Is.EqualTo("UNHANDLED"));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task NoHelloAndNoPingBeforeOneIsDue(CancellationToken cancellationToken)
    {
        var events = new KeepAliveEvents();
        var (a, b) = InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(a, new AmpConnectionOptions { LoggerFactory = events.Factory });
        await using AmpConnection server = AmpConnection.Start(b);
        Assert.That(await client.CallRemoteStringAsync("Nothing").ContinueWith(t => t.Exception?.InnerException, cancellationToken), Is.TypeOf<AmpUnhandledCommandException>());
        Assert.That(events.PingsSent + events.Count(AmpEventId.KeepAliveNegotiating), Is.Zero);
        Assert.That(client.AgreedExtensions, Is.Null, "no hello is sent before a ping is due");
    }
}
