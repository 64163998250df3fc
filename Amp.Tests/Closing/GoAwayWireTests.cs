using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Closing;

/// <summary>
/// The going-away boxes byte for byte, against a scripted peer: one that agreed to goaway/1, and a
/// Twisted-like one that answers the hello <c>UNHANDLED</c> and never sees a going-away box.
/// </summary>
[CancelAfter(30_000)]
public sealed class GoAwayWireTests
{
    private static readonly byte[] s_goAway = Wire.Bytes("""00 07 "_goaway" 00 00 00 00""");

    [Test]
    public async Task TheNoticeIsOneBoxAfterTheHelloCrossingCommandsAreAnsweredAndTheCloseWaitsForThePeersNotice(CancellationToken cancellationToken)
    {
        await using RawPeer peer = StartPeer();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Wire.Bytes("""00 04 "_ask" 00 01 "1" 00 08 "_command" 00 03 "Sum" 00 01 "a" 00 01 "1" 00 01 "b" 00 01 "2" 00 00""")));

        ValueTask closing = peer.Connection.CloseAsync(cancellationToken);
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(hello.GetString("_command"), Is.EqualTo("_amp.extensions"));
        Assert.That(Encoding.UTF8.GetString(hello["offer"].Span), Does.Contain("goaway/1"));
        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "2" 00 06 "accept" 00 0a 00 08 "goaway/1" 00 00"""), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_goAway));

        // A command the peer sent before it read the notice is answered as usual.
        await peer.WriteAsync(Wire.Bytes("""00 04 "_ask" 00 01 "1" 00 08 "_command" 00 03 "Sum" 00 01 "a" 00 01 "5" 00 01 "b" 00 01 "6" 00 00"""), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 05 "total" 00 02 "11" 00 00""")));
        Assert.ThrowsAsync<AmpConnectionClosingException>(() => peer.Connection.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken));

        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 05 "total" 00 01 "3" 00 00"""), cancellationToken);
        Assert.That((int)(await call).Total, Is.EqualTo(3));
        Assert.That(peer.Connection.IsConnected, Is.True, "the close waits for the peer's notice: commands may still be on their way");

        await peer.WriteAsync(s_goAway, cancellationToken);
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty, "nothing after the notice: no refused call, no second notice");

        // Our side ended its output and reads on: the peer ends its own.
        await peer.CompleteOutputAsync();
        await closing;
        Assert.That((await peer.Connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task AfterEndingItsOutputTheClosingSideReadsWhatThePeerStillSendsUntilThePeersEnd(CancellationToken cancellationToken)
    {
        var lateAnswerRead = new LoggedEventSignal(AmpEventId.LateAnswerDropped);
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Name = "ours", LoggerFactory = lateAnswerRead });
        using (var abandon = new CancellationTokenSource())
        {
            Task<SumResult> abandoned = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, abandon.Token);
            await peer.ReadBoxBytesAsync(cancellationToken);
            await abandon.CancelAsync();
            Assert.CatchAsync<OperationCanceledException>(() => abandoned);
        }

        ValueTask closing = peer.Connection.CloseAsync(cancellationToken);
        await peer.ReadBoxBytesAsync(cancellationToken);
        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "2" 00 06 "accept" 00 0a 00 08 "goaway/1" 00 00"""), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_goAway));
        await peer.WriteAsync(s_goAway, cancellationToken);
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty);

        // The answer to the abandoned call comes after our end of stream: it is read (and dropped), not refused by a closed transport.
        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 05 "total" 00 01 "3" 00 00"""), cancellationToken);
        await lateAnswerRead.Logged.WaitAsync(cancellationToken);
        await peer.CompleteOutputAsync();
        await closing;
        Assert.That((await peer.Connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task ATwistedLikePeerIsNeverSentTheNoticeAndCallsInFlightStillFinish(CancellationToken cancellationToken)
    {
        await using RawPeer peer = StartPeer();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await peer.ReadBoxBytesAsync(cancellationToken);

        ValueTask closing = peer.Connection.CloseAsync(cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("_command"), Is.EqualTo("_amp.extensions"));
        await peer.WriteBoxAsync(
            new AmpBox().SetString("_error", "2").SetString("_error_code", "UNHANDLED").SetString("_error_description", "Unhandled Command: b'_amp.extensions'"),
            cancellationToken);

        // Twisted may still call: it was never told. Its command is answered while the close waits for our call.
        await peer.WriteAsync(Wire.Bytes("""00 04 "_ask" 00 01 "1" 00 08 "_command" 00 03 "Sum" 00 01 "a" 00 01 "5" 00 01 "b" 00 01 "6" 00 00"""), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 05 "total" 00 02 "11" 00 00""")));
        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 05 "total" 00 01 "3" 00 00"""), cancellationToken);

        Assert.That((int)(await call).Total, Is.EqualTo(3));
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty, "no going-away box, nothing else");
        await peer.CompleteOutputAsync();   // as Twisted does when it reads the end of the stream
        await closing;
        Assert.That((await peer.Connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task ThePeersNoticeIsAnsweredWithOursAtOnceEvenBeforeOurHelloIsAnswered(CancellationToken cancellationToken)
    {
        await using RawPeer peer = StartPeer();
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("_command"), Is.EqualTo("_amp.extensions"));

        // The peer has read our offer: it may go away before its answer to our hello.
        await peer.WriteAsync(s_goAway, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_goAway));
        await ClosingPair.Signalled(peer.Connection.GoingAway).WaitAsync(cancellationToken);
        AmpConnectionClosingException refused = Assert.ThrowsAsync<AmpConnectionClosingException>(() => peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken))!;
        Assert.That(refused.ByPeer, Is.True);

        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 06 "accept" 00 0a 00 08 "goaway/1" 00 00"""), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.GoAway));

        // Closing now sends nothing more: this side's notice is out already, and the peer's is read.
        ValueTask closing = peer.Connection.CloseAsync(cancellationToken);
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty);
        await peer.CompleteOutputAsync();
        await closing;
    }

    [Test]
    public async Task ManyConcurrentClosesSendOneNotice(CancellationToken cancellationToken)
    {
        await using RawPeer peer = StartPeer();
        await NegotiateAsync(peer, cancellationToken);
        Task[] closes = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(() => peer.Connection.CloseAsync(cancellationToken).AsTask(), cancellationToken))];
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(s_goAway));
        await peer.WriteAsync(s_goAway, cancellationToken);
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty);
        await peer.CompleteOutputAsync();
        await Task.WhenAll(closes);
    }

    [TestCase(AmpExtensions.Default, TestName = "ANoticeBeforeAnyHelloBreaksTheProtocol")]
    [TestCase(AmpExtensions.None, TestName = "ANoticeToASideWithoutExtensionsBreaksTheProtocol")]
    public async Task ANoticeWithoutTheExtensionBreaksTheProtocol(AmpExtensions extensions, CancellationToken cancellationToken)
    {
        await using RawPeer peer = StartPeer(extensions);
        await peer.WriteAsync(s_goAway, cancellationToken);
        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(((AmpProtocolException)end.InnerException!).Error, Is.EqualTo(AmpProtocolError.EmptyBox));
    }

    private static RawPeer StartPeer(AmpExtensions extensions = AmpExtensions.Default) =>
        RawPeer.Start(new AmpConnectionOptions { Name = "ours", Extensions = extensions, Responders = InteropResponders.Create() });

    /// <summary>Agrees on goaway/1 only: our hello (tag 1) is answered with it.</summary>
    private static async Task NegotiateAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        await peer.ReadBoxBytesAsync(cancellationToken);
        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 06 "accept" 00 0a 00 08 "goaway/1" 00 00"""), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.GoAway));
    }
}
