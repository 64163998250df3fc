using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// Who gets pinged: only a peer that agreed to keepalive/1. A peer that answers the hello as Twisted does
/// (UNHANDLED) sees that one hello and never a ping; the options have safe defaults and are validated.
/// </summary>
[CancelAfter(60_000)]
public sealed class KeepAliveNegotiationTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task APeerThatAnswersTheHelloUnhandledIsNeverPinged(CancellationToken cancellationToken)
    {
        var events = new KeepAliveEvents();
        await using var peer = RawPeer.Start(new AmpConnectionOptions
        {
            KeepAliveInterval = s_interval,
            KeepAliveTimeout = TimeSpan.FromMilliseconds(300),
            LoggerFactory = events.Factory,
            Responders = InteropResponders.Create(),
        });

        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(hello.GetString("_command"), Is.EqualTo("_amp.extensions"));
        await peer.WriteAsync(KeepAliveWire.Unhandled(hello.GetString("_ask")!, "_amp.extensions"), cancellationToken);
        await events.WaitForAsync(AmpEventId.KeepAliveUnavailable, 1, cancellationToken);
        Assert.That(peer.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));

        // Twenty intervals of silence on both sides: a ping, had one been sent, would come before the answer below.
        await Task.Delay(s_interval * 20, cancellationToken);
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "1").SetString("_command", "Sum").SetString("a", "2").SetString("b", "3"), cancellationToken);
        AmpBox next = await peer.ReadBoxAsync(cancellationToken);

        Assert.That(next.GetString("_answer"), Is.EqualTo("1"), "the first box after the silence is the answer, not a ping");
        Assert.That(next.GetString("total"), Is.EqualTo("5"));
        Assert.That(peer.Connection.IsConnected, Is.True);
        Assert.That(events.PingsSent, Is.Zero);
        Assert.That(events.Count(AmpEventId.KeepAliveNegotiating), Is.EqualTo(1));
    }

    [Test]
    public async Task WithPingsOffThePeerIsNeverPingedButStillAnswered(CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Start(new AmpConnectionOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan, Responders = InteropResponders.Create() });
        await peer.WriteAsync(KeepAliveWire.Hello("1", "keepalive/1"), cancellationToken);
        Assert.That(KeepAliveWire.Names((await peer.ReadBoxAsync(cancellationToken))["accept"]), Is.EqualTo(new[] { "keepalive/1" }));

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await peer.WriteAsync(KeepAliveWire.Ping("2"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(KeepAliveWire.PingAnswer("2")), "nothing of ours came before the answer");
    }

    [Test]
    public void TheOptionsHaveSafeDefaultsAndAreChecked()
    {
        var defaults = new AmpConnectionOptions();
        Assert.That(defaults.KeepAliveInterval, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(defaults.KeepAliveTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(new AmpConnectionOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan }.KeepAliveInterval, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(new AmpConnectionOptions { KeepAliveTimeout = Timeout.InfiniteTimeSpan }.KeepAliveTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(() => new AmpConnectionOptions { KeepAliveInterval = TimeSpan.Zero }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new AmpConnectionOptions { KeepAliveInterval = TimeSpan.FromSeconds(-2) }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new AmpConnectionOptions { KeepAliveTimeout = TimeSpan.Zero }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(AmpDisconnectReason.KeepAliveTimeout, Is.GreaterThan(AmpDisconnectReason.TimedOut), "added at the end of the enum");
    }
}
