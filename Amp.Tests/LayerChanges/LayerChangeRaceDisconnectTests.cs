using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// The peer vanishes in the middle of a layer change (StartTLS, StopTLS, a protocol switch): the call
/// fails with <see cref="AmpConnectionLostException"/> (or the TLS failure: <see cref="Amp.Tls.AmpTlsException"/>,
/// <see cref="AmpLayerException"/>), the connection completes, and no task anywhere ends with an exception nobody observed.
/// </summary>
[CancelAfter(60000)]
[NonParallelizable]
public sealed class LayerChangeRaceDisconnectTests
{
    private enum Change
    {
        StartTls,
        StopTls,
        Switch,
    }

    private enum Vanishing
    {
        /// <summary>The peer's read loop is held when our command arrives; then the peer goes, then it is released.</summary>
        BeforeItAnswers,

        /// <summary>The peer's transport is cut after a random number of its bytes (answer, handshake, close_notify).</summary>
        CutMidStream,

        /// <summary>The peer closes its connection once a random number of its bytes went out.</summary>
        PeerCloses,

        /// <summary>The peer is gone and our connection has seen it end just before the call: the call fails as lost.</summary>
        JustBeforeTheCall,
    }

    [Test]
    public Task ThePeerVanishingDuringStartTlsFailsTheCallAndLeavesNoUnobservedTaskException(CancellationToken cancellationToken) =>
        RunAsync(Change.StartTls, 80, cancellationToken);

    [Test]
    public Task ThePeerVanishingDuringStopTlsFailsTheCallAndLeavesNoUnobservedTaskException(CancellationToken cancellationToken) =>
        RunAsync(Change.StopTls, 80, cancellationToken);

    [Test]
    public Task ThePeerVanishingDuringASwitchFailsTheCallAndLeavesNoUnobservedTaskException(CancellationToken cancellationToken) =>
        RunAsync(Change.Switch, 80, cancellationToken);

    private static async Task RunAsync(Change change, int iterations, CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        IReadOnlyList<Exception> unobserved;
        using (var watch = new UnobservedExceptions())
        {
            await Race.RunIterationsAsync(iterations, async iteration =>
            {
                var vanishing = (Vanishing)random.Next(4);
                string outcome = await RunOnceAsync(change, vanishing, random, cancellationToken);
                outcomes[$"{vanishing}: {outcome}"] = outcomes.GetValueOrDefault($"{vanishing}: {outcome}") + 1;
                if (outcome.StartsWith("UNEXPECTED", StringComparison.Ordinal))
                {
                    unexpected.Add($"iteration {iteration}, {vanishing}: {outcome}");
                }
            });
            unobserved = watch.Collect();
        }

        foreach (KeyValuePair<string, int> outcome in outcomes)
        {
            await TestContext.Out.WriteLineAsync($"{outcome.Value,4} x {outcome.Key}");
        }

        foreach (Exception exception in unobserved)
        {
            await TestContext.Out.WriteLineAsync($"unobserved: {exception}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "how the calls ended");
            Assert.That(unobserved.Select(e => e.InnerException?.GetType().Name + ": " + e.InnerException?.Message), Is.Empty,
                "task exceptions nobody observed (printed in full to the output)");
        });
    }

    private static async Task<string> RunOnceAsync(Change change, Vanishing vanishing, Random random, CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create();
        if (change == Change.StopTls)
        {
            await pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken);
            // A round trip, so the handshake's last bytes (session tickets) are through before the cut point is set.
            await pair.Initiator.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        }

        var gate = new ResponderGate(cancellationToken);
        Task held = Task.CompletedTask;
        Task peerClosing = Task.CompletedTask;
        // The peer's bytes of the change: an answer box and close_notify are tens of bytes, a TLS handshake a few thousand.
        long cutAt = pair.AcceptorOut.Forwarded + (random.Next(2) == 0 ? random.Next(0, 48) : random.Next(0, change switch
        {
            Change.StartTls => 4000,
            Change.StopTls => 200,
            _ => 80,
        }));
        bool closeConnection = random.Next(2) == 0;
        Task calling = Task.CompletedTask;
        string State() =>
            $"[{change}, {vanishing}, cut at {cutAt}, close {closeConnection}] call {calling.Status}; {Race.Describe(pair.Initiator)}; {Race.Describe(pair.Acceptor)}; " +
            $"acceptor out: {pair.AcceptorOut.Forwarded} forwarded, cut {pair.AcceptorOut.IsCut}; initiator out: {pair.InitiatorOut.Forwarded} forwarded, cut {pair.InitiatorOut.IsCut}";
        switch (vanishing)
        {
            case Vanishing.BeforeItAnswers when change == Change.StopTls:
                // StopTLS has no hook: a command just before it holds the peer's read loop.
                pair.AcceptorHooks.Hold = gate;
                held = pair.Initiator.CallRemoteAsync(new HoldReading(), cancellationToken);
                break;
            case Vanishing.BeforeItAnswers:
                pair.AcceptorHooks.StartTlsArrived = _ => gate.Wait();
                pair.AcceptorHooks.SwitchArrived = gate.Wait;
                break;
            case Vanishing.CutMidStream:
                pair.AcceptorOut.CutAfter(cutAt);
                break;
            case Vanishing.JustBeforeTheCall:
                await pair.AcceptorOut.CutAsync();
                await Race.WaitOrFailAsync(pair.Initiator.Completion, () => "our connection saw the peer go: " + State(), cancellationToken);
                break;
            case Vanishing.PeerCloses:
                peerClosing = Task.Run(async () =>
                {
                    await pair.AcceptorOut.WaitForwardedAsync(cutAt, cancellationToken);
                    await pair.Acceptor.DisposeAsync();
                }, cancellationToken);
                break;
        }

        calling = change switch
        {
            Change.StartTls => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken),
            Change.StopTls => pair.Initiator.StopTlsAsync(cancellationToken),
            _ => pair.Initiator.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken),
        };
        if (vanishing == Vanishing.BeforeItAnswers)
        {
            await Race.WaitOrFailAsync(gate.Arrived, () => "the peer's responder was reached" + ": " + State(), cancellationToken);
            Task going = closeConnection ? pair.Acceptor.DisposeAsync().AsTask() : pair.AcceptorOut.CutAsync().AsTask();
            gate.Release();
            await Race.WaitOrFailAsync(going, () => "the peer went away" + ": " + State(), cancellationToken);
        }

        Exception? failure = await Race.WaitOrFailAsync(Race.OutcomeAsync(calling, cancellationToken), () => $"the {change} call ended" + ": " + State(), cancellationToken);
        if (failure is null && calling is Task<AmpSwitchedConnection> { Result: var switched })
        {
            await switched.DisposeAsync();
        }

        // A peer that had not gone yet (its bytes ran out before the cut point) goes now.
        await pair.AcceptorOut.CutAsync();
        await Race.WaitOrFailAsync(Race.OutcomeAsync(peerClosing, cancellationToken), () => "the peer closed" + ": " + State(), cancellationToken);
        await Race.WaitOrFailAsync(Race.OutcomeAsync(held, cancellationToken), () => "the held call ended" + ": " + State(), cancellationToken);
        AmpConnectionLostException end = await Race.WaitOrFailAsync(pair.Initiator.Completion, () => $"our connection completed after the peer vanished during {change}" + ": " + State(), cancellationToken);
        await Race.WaitOrFailAsync(pair.Acceptor.Completion, () => "the peer's connection completed" + ": " + State(), cancellationToken);
        return failure switch
        {
            null when vanishing is Vanishing.BeforeItAnswers or Vanishing.JustBeforeTheCall => $"UNEXPECTED: the {change} succeeded although the peer vanished before answering",
            null => $"succeeded, then the connection ended {end.Reason}",
            AmpConnectionLostException lost => $"AmpConnectionLostException {lost.Reason}",
            AmpTlsException tls => $"AmpTlsException {tls.Failure}",
            AmpLayerException layer => $"AmpLayerException {layer.DisconnectReason}",
            _ => $"UNEXPECTED: {failure.GetType().Name}: {failure.Message}",
        };
    }
}
