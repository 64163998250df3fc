namespace Amp.Tests.Closing;

/// <summary>
/// How a graceful close ends when it cannot drain: its token fires, the peer goes, another close
/// overtakes it; and many closes at once. Nothing hangs, and what was pending fails with the connection's end.
/// </summary>
[CancelAfter(60_000)]
public sealed class GracefulCloseEndingTests
{
    [TestCase(Link.InMemory, false)]
    [TestCase(Link.Tcp, false)]
    [TestCase(Link.Tcp, true)]
    public async Task TheTokenFiringMidDrainClosesAtOnceAndFailsWhatIsPending(Link link, bool tls, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        Task<HoldResult> theirs = pair.Server.CallRemoteAsync(new Hold { Key = 2 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);
        await pair.ClientHolds.Entered(2).WaitAsync(cancellationToken);

        using var patience = new CancellationTokenSource();
        ValueTask closing = pair.Client.CloseAsync(patience.Token);
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        Assert.That(pair.Client.IsConnected, Is.True, "still draining");

        await patience.CancelAsync();
        await closing;

        AmpConnectionLostException lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => ours)!;
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        Assert.That(lost.Message, Does.Contain("graceful close ran out of time"));
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => theirs)!.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [TestCase(Link.InMemory, false)]
    [TestCase(Link.Tcp, true)]
    public async Task ThePeerGoingMidDrainEndsTheCloseAndFailsWhatIsPending(Link link, bool tls, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);

        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        await pair.Server.Transport.DisposeAsync();
        await closing;

        AmpConnectionLostException end = await pair.Client.Completion;
        Assert.That(end.Reason, Is.AnyOf(AmpDisconnectReason.RemoteClosed, AmpDisconnectReason.TransportError));
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => ours), Is.SameAs(end));
    }

    [Test]
    public async Task ManyCloseCallsAtOnceShareOneCloseAndAllReturn(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);

        Task[] closes = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(() => pair.Client.CloseAsync(cancellationToken).AsTask(), cancellationToken))];
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        Assert.That(closes.Any(c => c.IsCompleted), Is.False, "a call in flight holds every close");

        pair.ServerHolds.Release(1);
        Assert.That((await ours).Key, Is.EqualTo(1));
        await Task.WhenAll(closes);
        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task AnyCallersTokenCutsTheSharedClose(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);

        using var impatient = new CancellationTokenSource();
        ValueTask patientClose = pair.Client.CloseAsync(cancellationToken);
        ValueTask impatientClose = pair.Client.CloseAsync(impatient.Token);
        await impatient.CancelAsync();
        await impatientClose;
        await patientClose;
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => ours)!.Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task AnImmediateCloseDuringAGracefulOneClosesAtOnce(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);

        ValueTask graceful = pair.Client.CloseAsync(cancellationToken);
        await pair.Client.CloseAsync();
        await graceful;
        AmpConnectionLostException lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => ours)!;
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        Assert.That(lost.Message, Is.EqualTo("The connection was closed by this side."));
    }

    [Test]
    public async Task AnAlreadyCancelledTokenClosesAtOnceWithoutTellingThePeer(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);

        await pair.Client.CloseAsync(new CancellationToken(canceled: true));
        Assert.That(Assert.ThrowsAsync<AmpConnectionLostException>(() => ours)!.Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(pair.Server.GoingAway.IsCancellationRequested, Is.False);
        Assert.That(pair.Client.GoingAway.IsCancellationRequested, Is.False, "an immediate close, as CloseAsync()");
    }

    [Test]
    public async Task AGracefulCloseAfterTheEndReturnsAtOnce(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        await pair.Server.CloseAsync();
        await pair.Client.Completion.WaitAsync(cancellationToken);

        await pair.Client.CloseAsync(cancellationToken);
        await pair.Server.CloseAsync(cancellationToken);
        Assert.That(pair.Client.GoingAway.IsCancellationRequested || pair.Server.GoingAway.IsCancellationRequested, Is.False, "nothing starts after the end");
        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }
}
