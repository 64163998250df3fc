using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// Time counts only while the peer is really silent: not while this side holds its own reading back, and
/// no ping waits behind our own bulk data for a peer busy reading it (it would time out on a healthy peer).
/// </summary>
[CancelAfter(60_000)]
public sealed class KeepAliveBackpressureTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(300);

    [Test]
    public async Task AReadLoopPausedByThisSidesBackpressureIsNotThePeersSilence(CancellationToken cancellationToken)
    {
        using var gates = new KeepAliveGates();
        var events = new KeepAliveEvents();
        await using var peer = RawPeer.Start(
            new AmpConnectionOptions
            {
                Responders = gates.AddTo(new AmpResponders()),
                MaxConcurrentIncomingCalls = 1,
                MaxQueuedOutgoingBytes = 65 * 1024,
                KeepAliveInterval = s_interval,
                KeepAliveTimeout = s_timeout,
                LoggerFactory = events.Factory,
            },
            new InMemoryTransportOptions { MaxBufferedBytes = 16 * 1024 });
        await AgreeAsync(peer, cancellationToken);

        // One Hold runs, a few are set aside, then reading pauses and the pipe fills: the peer's writes wait.
        const int holds = 30;
        Task writing = WriteHoldsAsync(peer, holds, cancellationToken);
        Task settled = await Task.WhenAny(writing, Task.Delay(s_interval * 20, cancellationToken));
        Assert.That(settled, Is.Not.SameAs(writing), "this side kept reading: the test did not make it pause");

        // Twenty intervals with the peer silent and our reading paused, and no timeout.
        Assert.That(peer.Connection.IsConnected, Is.True, events.Log);

        gates.ReleaseHolds();
        for (int i = 0; i < holds; i++)
        {
            Assert.That((await ReadAnsweringPingsAsync(peer, cancellationToken)).GetString("_answer"), Is.Not.Null);
        }

        await writing;

        // Once the peer is silent with our reading free, the pings come back.
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("_command"), Is.EqualTo("_amp.ping"));
    }

    [Test]
    public async Task NoPingWaitsBehindOurBulkDataForAPeerBusyReadingIt(CancellationToken cancellationToken)
    {
        var events = new KeepAliveEvents();
        await using var peer = RawPeer.Start(
            new AmpConnectionOptions { KeepAliveInterval = s_interval, KeepAliveTimeout = s_timeout, LoggerFactory = events.Factory },
            new InMemoryTransportOptions { MaxBufferedBytes = 64 * 1024 });
        await AgreeAsync(peer, cancellationToken);

        // About 3.6 MB queued at once; the peer reads a box each 20 ms (1.2 s in all, four times interval + timeout)
        // and sends nothing but answers to pings.
        const int boxes = 60;
        var bulk = new AmpBox();
        bulk["data"] = new byte[60_000];
        for (int i = 0; i < boxes; i++)
        {
            await peer.Connection.SendRemoteStringAsync("Bulk", bulk, cancellationToken);
        }

        for (int received = 0; received < boxes; received++)
        {
            Assert.That((await ReadAnsweringPingsAsync(peer, cancellationToken)).GetString("_command"), Is.EqualTo("Bulk"), events.Log);
            await Task.Delay(20, cancellationToken);
        }

        Assert.That(peer.Connection.IsConnected, Is.True, events.Log);
        Assert.That(events.Count(AmpEventId.KeepAlivePingPostponed), Is.GreaterThan(0), "pings were due while our output was busy");
    }

    private static async Task AgreeAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        await peer.WriteAsync(KeepAliveWire.Hello("1", "keepalive/1"), cancellationToken);
        AmpBox accept = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(KeepAliveWire.Names(accept["accept"]), Is.EqualTo(new[] { "keepalive/1" }));
    }

    /// <summary>Reads the next box that is not a ping, answering the pings before it at once.</summary>
    private static async Task<AmpBox> ReadAnsweringPingsAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        while (true)
        {
            AmpBox box = await peer.ReadBoxAsync(cancellationToken);
            if (box.GetString("_command") != "_amp.ping")
            {
                return box;
            }

            await peer.WriteAsync(KeepAliveWire.PingAnswer(box.GetString("_ask")!), cancellationToken);
        }
    }

    private static async Task WriteHoldsAsync(RawPeer peer, int count, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            var hold = new AmpBox().SetString("_ask", (i + 10).ToString("x")).SetString("_command", "Hold");
            hold["pad"] = new byte[10_000];
            await peer.WriteBoxAsync(hold, cancellationToken);
        }
    }
}
