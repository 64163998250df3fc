using System.Diagnostics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// Dead-peer detection: a frozen peer (its read loop blocked, or a raw peer that stops reading after the
/// hello) ends the connection with <see cref="AmpDisconnectReason.KeepAliveTimeout"/>, and pending calls fail
/// with it; a killed peer (reset) ends it at once.
/// </summary>
[CancelAfter(60_000)]
public sealed class FrozenPeerTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(600);

    [Test]
    public async Task AFrozenPeerEndsTheConnectionAndPendingCallsFailWithTheReason(
        [Values] PairKind kind, [Values] bool negotiatedBefore, CancellationToken cancellationToken)
    {
        // The server never pings: it is the frozen one.
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(kind, s_interval, s_timeout, cancellationToken, serverInterval: Timeout.InfiniteTimeSpan);
        if (negotiatedBefore)
        {
            Assert.That(await pair.Client.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.Default));
        }

        var detecting = Stopwatch.StartNew();
        Task<AmpEmptyResponse> frozen = pair.Client.CallRemoteAsync(new Freeze(), cancellationToken);
        await pair.ServerSide.Gates.FreezeStarted.WaitAsync(cancellationToken);
        long frozeAt = detecting.ElapsedMilliseconds;

        AmpConnectionLostException lost = await pair.Client.Completion.WaitAsync(cancellationToken);
        TestContext.Out.WriteLine($"{kind}: frozen peer found {detecting.ElapsedMilliseconds - frozeAt} ms after it froze "
            + $"(interval {s_interval.TotalMilliseconds} ms + timeout {s_timeout.TotalMilliseconds} ms)");
        TestContext.Out.WriteLine(pair.ClientSide.Events.Log);

        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.KeepAliveTimeout), lost.Message);
        Assert.That(lost.InnerException, Is.TypeOf<TimeoutException>());
        var failed = Assert.ThrowsAsync<AmpConnectionLostException>(() => frozen);
        Assert.That(failed!.Reason, Is.EqualTo(AmpDisconnectReason.KeepAliveTimeout));
        Assert.That(pair.ClientSide.Events.Count(AmpEventId.KeepAliveTimedOut), Is.EqualTo(1));
        Assert.That(pair.ClientSide.Events.Level(AmpEventId.KeepAliveTimedOut), Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.That(pair.ClientSide.Events.Count(AmpEventId.KeepAliveNegotiating), Is.EqualTo(negotiatedBefore ? 0 : 1));

        // Without a hello before, the hello is the first probe; if it went before the freeze (a slow start), a ping follows it.
        bool helloWasTheLastProbe = pair.ClientSide.Events.PingsSent == 0;
        Assert.That(helloWasTheLastProbe, Is.False.Or.EqualTo(!negotiatedBefore));
        Assert.That(lost.Message, Does.Contain(helloWasTheLastProbe ? "after the extension hello" : "after a keepalive ping"));

        // The unanswered probe left after the Freeze call, so the connection cannot have ended before a timeout after it.
        Assert.That(detecting.Elapsed, Is.GreaterThanOrEqualTo(s_timeout));
    }

    [Test]
    public async Task APeerThatAcceptsTheHelloThenStopsReadingIsFound(CancellationToken cancellationToken)
    {
        var events = new KeepAliveEvents();
        await using RawSocketPeer peer = await RawSocketPeer.StartAsync(
            new AmpConnectionOptions { KeepAliveInterval = s_interval, KeepAliveTimeout = s_timeout, LoggerFactory = events.Factory }, cancellationToken);
        Task<SumResult> pending = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);

        AmpBox hello = await peer.ReadCommandAsync("_amp.extensions", cancellationToken);
        await peer.WriteAsync(KeepAliveWire.Accept(hello.GetString("_ask")!, "keepalive/1"), cancellationToken);
        AmpBox ping = await peer.ReadCommandAsync("_amp.ping", cancellationToken);
        Assert.That(ping.Count, Is.EqualTo(2), "a ping has no arguments");

        // From here on the peer neither reads nor writes, as a frozen process whose kernel keeps the socket open.
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.KeepAliveTimeout), lost.Message);
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => pending)!.Reason, Is.EqualTo(AmpDisconnectReason.KeepAliveTimeout));
        Assert.That(events.PingsSent, Is.EqualTo(1));
    }

    [Test]
    public async Task APeerResetAfterTheHelloEndsTheConnectionAtOnce(CancellationToken cancellationToken)
    {
        // Long keepalive: what finds a killed peer is its kernel's reset, not a ping.
        await using RawSocketPeer peer = await RawSocketPeer.StartAsync(
            new AmpConnectionOptions { KeepAliveInterval = TimeSpan.FromMinutes(5), KeepAliveTimeout = TimeSpan.FromMinutes(5) }, cancellationToken);
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        AmpBox hello = await peer.ReadCommandAsync("_amp.extensions", cancellationToken);
        await peer.WriteAsync(KeepAliveWire.Accept(hello.GetString("_ask")!, "keepalive/1"), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.KeepAlive));
        Task<SumResult> pending = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await peer.ReadCommandAsync("Sum", cancellationToken);

        peer.Reset();

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.TransportError), lost.Message);
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => pending)!.Reason, Is.EqualTo(AmpDisconnectReason.TransportError));
    }

    [Test]
    public async Task AnAmpNetPeerKilledMidCallEndsTheConnectionAtOnce([Values(PairKind.Tcp, PairKind.TcpTls)] PairKind kind, CancellationToken cancellationToken)
    {
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(kind, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), cancellationToken);
        Task<AmpEmptyResponse> held = pair.Client.CallRemoteAsync(new Hold(), cancellationToken);
        Assert.That((int)(await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(2), "the Hold call has reached the server");

        // What a killed process's kernel does with a socket that still has unread bytes: a reset.
        var socket = ((Transports.SocketTransport)pair.Server.Transport).Socket;
        socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        socket.Close();

        AmpConnectionLostException lost = await pair.Client.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.AnyOf(AmpDisconnectReason.TransportError, AmpDisconnectReason.TlsFailure), lost.Message);
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => held)!.Reason, Is.EqualTo(lost.Reason));
    }
}
