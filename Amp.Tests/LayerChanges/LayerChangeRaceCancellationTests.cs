using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// Cancelling a layer change, or calls around one: the caller stops waiting, but what already went on the
/// wire still happens, and nothing else is hurt (the connection, calls queued before, the pending table).
/// </summary>
[CancelAfter(60000)]
public sealed class LayerChangeRaceCancellationTests
{
    [Test]
    public async Task CancellingStartTlsAfterItsBoxWentOutKeepsTheConnectionAndPushesTls(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create();
        var gate = new ResponderGate(cancellationToken);
        pair.AcceptorHooks.StartTlsArrived = _ => gate.Wait();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<TlsConnectionInfo> starting = pair.Initiator.StartTlsAsync(Race.ClientTls, cancel.Token);
        await gate.Arrived.WaitAsync(cancellationToken);
        await cancel.CancelAsync();
        Exception? outcome = await Race.OutcomeAsync(starting, cancellationToken);
        Assert.That(outcome, Is.InstanceOf<OperationCanceledException>(), "the cancelled caller's outcome");
        Assert.That(pair.Initiator.IsConnected, Is.True, Race.Describe(pair.Initiator));

        gate.Release();
        // A later call waits for the answer to the cancelled StartTLS, then travels inside the TLS it pushed.
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 1, cancellationToken);
        Assert.That(pair.Initiator.GetTlsLayers().Single().IsClient, Is.True);
        Assert.That(pair.Acceptor.GetTlsLayers().Single().IsClient, Is.False);
    }

    [Test]
    public async Task CancellingASwitchAfterItsBoxWentOutSwitchesAndClosesTheStreamNobodyOwns(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create();
        var gate = new ResponderGate(cancellationToken);
        pair.AcceptorHooks.SwitchArrived = gate.Wait;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<AmpSwitchedConnection> switching = pair.Initiator.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancel.Token);
        await gate.Arrived.WaitAsync(cancellationToken);
        await cancel.CancelAsync();
        Exception? outcome = await Race.OutcomeAsync(switching, cancellationToken);
        Assert.That(outcome, Is.InstanceOf<OperationCanceledException>(), "the cancelled caller's outcome");

        gate.Release();
        AmpConnectionLostException initiatorEnd = await Race.WaitOrFailAsync(pair.Initiator.Completion, "the initiator's connection completed", cancellationToken);
        Assert.That(initiatorEnd.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched), initiatorEnd.Message);
        string peerProtocol = await Race.WaitOrFailAsync(pair.AcceptorHooks.SwitchedProtocolEnded.Task,
            "the acceptor's switched protocol saw its input end (the initiator closes the switched stream nobody owns)", cancellationToken);
        Assert.That(peerProtocol, Is.EqualTo("input ended"));
        AmpConnectionLostException acceptorEnd = await Race.WaitOrFailAsync(pair.Acceptor.Completion, "the acceptor's connection completed", cancellationToken);
        Assert.That(acceptorEnd.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched), acceptorEnd.Message);
    }

    [Test]
    public async Task SwitchProtocolWithAnAlreadyCancelledTokenSendsNothingAndAmpGoesOn(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Task<AmpSwitchedConnection> switching = pair.Initiator.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancelled.Token);
        Exception? outcome = await Race.OutcomeAsync(switching, cancellationToken);
        Exception? initiatorSum = await Race.OutcomeAsync(pair.Initiator.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken), cancellationToken);
        Exception? acceptorSum = await Race.OutcomeAsync(pair.Acceptor.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(switching.IsCanceled, Is.True, $"the switch's task is {switching.Status}: {outcome}");
            Assert.That(initiatorSum, Is.Null, "a Sum from the initiator after the cancelled switch");
            Assert.That(acceptorSum, Is.Null, "a Sum from the acceptor after the cancelled switch");
            Assert.That(pair.AcceptorHooks.SwitchesAccepted, Is.Zero, "the acceptor's switch responder ran: the cancelled switch was sent");
            Assert.That(pair.Initiator.IsConnected, Is.True, Race.Describe(pair.Initiator));
            Assert.That(pair.Acceptor.IsConnected, Is.True, Race.Describe(pair.Acceptor));
        });
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 0, cancellationToken);
    }

    [Test]
    public async Task CancellingStartTlsDoesNotFailTheCallsQueuedBeforeIt(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create();
        var gate = new ResponderGate(cancellationToken);
        pair.AcceptorHooks.StartTlsArrived = _ => gate.Wait();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<SumResult>[] before = [.. Enumerable.Range(0, 25).Select(i => pair.Initiator.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        Task<TlsConnectionInfo> starting = pair.Initiator.StartTlsAsync(Race.ClientTls, cancel.Token);
        // The acceptor has read the 25 Sums and holds their answers (its read loop is in the StartTLS responder).
        await gate.Arrived.WaitAsync(cancellationToken);
        await cancel.CancelAsync();
        Assert.That(await Race.OutcomeAsync(starting, cancellationToken), Is.InstanceOf<OperationCanceledException>());

        gate.Release();
        await AssertAllSumsAnsweredAsync(before, pair, cancellationToken);
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 1, cancellationToken);
    }

    [Test]
    public async Task CancellingStartTlsAtRandomMomentsNeverFailsTheCallsQueuedBeforeIt(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        await Race.RunIterationsAsync(100, async iteration =>
        {
            await using RacePair pair = RacePair.Create();
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            int spin = random.Next(0, 40000);
            bool fromAnotherThread = random.Next(2) == 0;

            Task<SumResult>[] before = [.. Enumerable.Range(0, 25).Select(i => pair.Initiator.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
            Task<TlsConnectionInfo> starting = pair.Initiator.StartTlsAsync(Race.ClientTls, cancel.Token);
            if (fromAnotherThread)
            {
                await Task.Run(() =>
                {
                    Thread.SpinWait(spin);
                    cancel.Cancel();
                }, cancellationToken);
            }
            else
            {
                Thread.SpinWait(spin);
                await cancel.CancelAsync();
            }

            Exception? outcome = await Race.OutcomeAsync(starting, cancellationToken);
            Assert.That(outcome, Is.Null.Or.InstanceOf<OperationCanceledException>(), "StartTLS either finished before the cancel or was cancelled");
            await AssertAllSumsAnsweredAsync(before, pair, cancellationToken);

            // A call after it settles the stack: both sides pushed TLS if its box went out, neither did if not.
            Exception? after = await Race.OutcomeAsync(pair.Initiator.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken), cancellationToken);
            Assert.That(after, Is.Null, $"a Sum after the cancelled StartTLS; {Race.Describe(pair.Initiator)}");
            int depth = pair.Initiator.LayerDepth;
            Assert.That(depth, outcome is null ? Is.EqualTo(1) : (NUnit.Framework.Constraints.IResolveConstraint)Is.InRange(0, 1));
            await Race.AssertUpAndAgreeingAsync(pair, depth, cancellationToken);
        });
    }

    [Test]
    public async Task CancelledCallsWhoseAnswersNeverComeDoNotStayInThePendingTable(CancellationToken cancellationToken)
    {
        const int Calls = 1000;
        var random = new Random(Race.Seed());
        await using RacePair pair = RacePair.Create();
        var sources = new CancellationTokenSource[Calls];
        var spins = new int[Calls];
        var ways = new CancelWay[Calls];
        for (int i = 0; i < Calls; i++)
        {
            sources[i] = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            spins[i] = random.Next(0, 64);
            ways[i] = (CancelWay)random.Next(3);
        }

        // Another thread cancels some calls while (or just after) they are being made: the two threads meet
        // before each call, then the canceller waits a random little while. Others are cancelled exactly while
        // their box is being written, or right after the call returns.
        int ready = -1;
        int published = -1;
        Task canceller = Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < Calls; i++)
            {
                Volatile.Write(ref ready, i);
                Race.SpinUntil(ref published, i, cancellationToken);
                if (ways[i] == CancelWay.ByAnotherThread)
                {
                    Thread.SpinWait(spins[i]);
                    sources[i].Cancel();
                }
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var calls = new Task<AmpEmptyResponse>[Calls];
        for (int i = 0; i < Calls; i++)
        {
            Race.SpinUntil(ref ready, i, cancellationToken);
            Volatile.Write(ref published, i);
            CancellationTokenSource source = sources[i];
            calls[i] = pair.Initiator.CallRemoteAsync(
                new NeverAnswer { N = i, WhileBeingWritten = ways[i] == CancelWay.WhileItsBoxIsWritten ? source.Cancel : null }, source.Token);
            if (ways[i] == CancelWay.RightAfterTheCall)
            {
                await source.CancelAsync();
            }
        }

        await canceller.WaitAsync(cancellationToken);
        int notCancelled = 0;
        foreach (Task<AmpEmptyResponse> call in calls)
        {
            notCancelled += await Race.OutcomeAsync(call, cancellationToken) is OperationCanceledException ? 0 : 1;
        }

        Assert.That(notCancelled, Is.Zero, "calls that ended otherwise than cancelled (none was answered)");
        int pending = Race.PendingCalls(pair.Initiator);
        await TestContext.Out.WriteLineAsync($"after {Calls} cancelled calls: {pair.Initiator}");
        Assert.That(pending, Is.LessThanOrEqualTo(64), $"cancelled calls left in the pending table: {pair.Initiator}");

        // Now the answers come, all of them late: each is dropped, and the connection stays up.
        pair.AcceptorHooks.LateAnswers.TrySetResult();
        Exception? sum = await Race.OutcomeAsync(pair.Initiator.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken), cancellationToken);
        Assert.That(sum, Is.Null, $"a Sum after the late answers; {Race.Describe(pair.Initiator)}");
        Assert.That(Race.PendingCalls(pair.Initiator), Is.LessThanOrEqualTo(64), pair.Initiator.ToString());
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 0, cancellationToken);
        foreach (CancellationTokenSource source in sources)
        {
            source.Dispose();
        }
    }

    private enum CancelWay
    {
        ByAnotherThread,
        WhileItsBoxIsWritten,
        RightAfterTheCall,
    }

    private static async Task AssertAllSumsAnsweredAsync(Task<SumResult>[] sums, RacePair pair, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (int i = 0; i < sums.Length; i++)
        {
            Exception? failure = await Race.OutcomeAsync(sums[i], cancellationToken);
            if (failure is not null)
            {
                failures.Add($"Sum {i}: {failure.GetType().Name}: {failure.Message}");
            }
            else if (sums[i].Result.Total != new BigInteger(i + 1))
            {
                failures.Add($"Sum {i}: total {sums[i].Result.Total}");
            }
        }

        Assert.That(failures, Is.Empty, $"calls queued before the StartTLS; {Race.Describe(pair.Initiator)}");
    }
}
