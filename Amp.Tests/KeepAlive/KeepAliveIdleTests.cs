using Amp.BoxProtocol;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// The idle timeout and the keepalive do not fight: pings and their answers are life for the keepalive but
/// not activity for the idle timeout, so an idle connection still closes while its pings are answered.
/// </summary>
[CancelAfter(60_000)]
public sealed class KeepAliveIdleTests
{
    [Test]
    public async Task AnIdleConnectionClosesEvenWhileItsPingsAreAnswered(CancellationToken cancellationToken)
    {
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(
            PairKind.InMemory, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), cancellationToken, serverIdleTimeout: TimeSpan.FromSeconds(2));
        Assert.That((int)(await pair.Client.CallRemoteAsync(new TestUtilities.Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(2));

        AmpConnectionLostException lost = await pair.Server.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.TimedOut), lost.Message);
        Assert.That(lost.Message, Does.Contain("idle timeout"));
        // The client finds the close by reading its end, or by a ping the server no longer reads: a close either way.
        AmpConnectionLostException clientLost = await pair.Client.Completion.WaitAsync(cancellationToken);
        Assert.That(clientLost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed), clientLost.Message);

        // About twenty pings went each way meanwhile; three is a margin for a loaded machine.
        Assert.That(pair.ClientSide.Events.PingsAnswered + pair.ServerSide.Events.PingsAnswered, Is.GreaterThanOrEqualTo(3),
            "pings flowed while the connection was idle");
        Assert.That(pair.ClientSide.Events.Count(AmpEventId.KeepAliveTimedOut) + pair.ServerSide.Events.Count(AmpEventId.KeepAliveTimedOut), Is.Zero);
    }

    [Test]
    public void KeepAliveBytesAreNotIdleActivity()
    {
        // Times are synthetic, ahead of the real clock the watch reads when the read loop marks its waits.
        long start = Environment.TickCount64;
        var expired = new List<string>();
        var watch = new ReceiveWatch(TimeSpan.FromSeconds(1), null, expired.Add);
        watch.StartWaiting(0);
        watch.StopWaiting(25);
        watch.KeepAliveBoxReceived(25);
        watch.StartWaiting(0);

        watch.Check(start + 500);
        watch.Check(start + 1200);

        Assert.That(expired, Has.Count.EqualTo(1), "a ping's 25 bytes did not restart the idle time");
    }

    [Test]
    public void OtherBytesAreIdleActivity()
    {
        long start = Environment.TickCount64;
        var expired = new List<string>();
        var watch = new ReceiveWatch(TimeSpan.FromSeconds(1), null, expired.Add);
        watch.StartWaiting(0);
        watch.StopWaiting(25);
        watch.KeepAliveBoxReceived(20);
        watch.StartWaiting(0);

        watch.Check(start + 500);
        watch.Check(start + 1200);
        Assert.That(expired, Is.Empty, "the five bytes beyond the ping restarted the idle time at the check that saw them");
        watch.Check(start + 1600);
        Assert.That(expired, Has.Count.EqualTo(1));
    }

    [Test]
    public void QuietTimeCountsOnlyWhileTheReadLoopWaits()
    {
        var watch = new ReceiveWatch(Timeout.InfiniteTimeSpan, null, _ => { });
        long now = Environment.TickCount64 + 10_000;
        Assert.That(watch.QuietSince(now), Is.EqualTo(now), "not waiting yet: not the peer's silence");

        long before = Environment.TickCount64;
        watch.StartWaiting(0);
        long quiet = watch.QuietSince(now);
        Assert.That(quiet, Is.InRange(before, Environment.TickCount64));

        watch.StopWaiting(10);
        Assert.That(watch.QuietSince(now), Is.EqualTo(now), "reading (or paused by this side): not the peer's silence");
        Assert.That(watch.LastBytesAt, Is.GreaterThanOrEqualTo(before));
    }
}
