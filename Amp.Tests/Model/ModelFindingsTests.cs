using System.Buffers;
using System.IO.Pipelines;
using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Model;

/// <summary>
/// Deterministic reductions of what the model test (<see cref="ModelTests"/>) found. Each test asserts
/// what spec/amp-wire.md §12a promises; a failing test here is an open bug in Amp.Core, not in the test.
/// </summary>
[CancelAfter(60_000)]
public sealed class ModelFindingsTests
{
    // Long enough for any answer on an idle in-memory pair; the failure is a permanent deadlock.
    private static readonly TimeSpan s_noHang = TimeSpan.FromSeconds(10);

    /// <summary>The control for the gated pair: crossing pushes the loser accepts settle as §12a says (this one passes).</summary>
    [Test]
    public async Task ControlCrossingPushesTheLoserAcceptsSettle(CancellationToken cancellationToken)
    {
        await using var pair = GatedPair.Create(() => new AmpResponders().AddObject(new InteropResponders()).AddMask());
        Task loser = pair.Initiator.CallRemoteAsync(new StartMask { Key = 7 }, cancellationToken);
        Task winner = pair.Acceptor.CallRemoteAsync(new StartMask { Key = 5 }, cancellationToken);
        await pair.InitiatorHasWrittenAsync("StartMask", cancellationToken);
        await pair.AcceptorHasWrittenAsync("StartMask", cancellationToken);
        pair.Open();

        await Task.WhenAny(Task.WhenAll(winner, loser), Task.Delay(s_noHang, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(winner), Is.Null, "the acceptor's push wins");
            Assert.That(FailureOf(loser), Is.InstanceOf<AmpLayerChangeConflictException>(), "the initiator's push loses");
        });
        Assert.That((pair.Initiator.Layers, pair.Acceptor.Layers), Is.EqualTo(("gated initiator | mask(05)", "gated acceptor | mask(05)")));
        await AssertSumsWorkAsync(pair, cancellationToken);
    }

    /// <summary>
    /// Finding 1 (model seed 1984366501, pair 0): both sides ask for a layer change at once; the acceptor
    /// wins the tie-break and the initiator (the loser) refuses the acceptor's change with an error answer
    /// instead of accepting it. Spec §12a: the winner answers the loser's command with LAYER_CHANGE_CONFLICT
    /// "behind the winner's change"; the loser "answers the winner's command in place of its own change".
    /// Here the loser's refusal is queued like any answer, behind its own change (held until that change is
    /// settled), while the winner's LAYER_CHANGE_CONFLICT waits behind the winner's change (held until the
    /// loser's answer arrives): each side holds the answer the other waits for, and both connections stall.
    /// </summary>
    [TestCase("switch")]
    [TestCase("push")]
    public async Task TheLoserRefusingTheWinnersCrossingChangeDoesNotDeadlock(string winnersChange, CancellationToken cancellationToken)
    {
        await using var pair = GatedPair.Create(() => new AmpResponders().AddObject(new InteropResponders()).AddMask().AddRawEchoSwitch());

        // Both changes are written before either side reads the other's: the crossing is certain.
        Task loserChange = pair.Initiator.CallRemoteAsync(new StartMask { Key = 7 }, cancellationToken);
        Task winnerChange = winnersChange == "switch"
            ? pair.Acceptor.SwitchProtocolAsync(new SwitchProtocol { Protocol = "nope" }, cancellationToken)
            : pair.Acceptor.CallRemoteAsync(new StartMask { Key = 0 }, cancellationToken);
        await pair.InitiatorHasWrittenAsync("StartMask", cancellationToken);
        await pair.AcceptorHasWrittenAsync(winnersChange == "switch" ? "SwitchProtocol" : "StartMask", cancellationToken);
        pair.Open();

        // The initiator refuses the acceptor's change (unknown protocol, or key 0), and the acceptor refuses the initiator's with LAYER_CHANGE_CONFLICT.
        await Task.WhenAny(Task.WhenAll(winnerChange, loserChange), Task.Delay(s_noHang, cancellationToken));
        Exception? winner = FailureOf(winnerChange);
        Exception? loser = FailureOf(loserChange);
        Assert.Multiple(() =>
        {
            Assert.That(winner, winnersChange == "switch" ? Is.InstanceOf<UnknownProtocolException>() : Is.InstanceOf<AmpRemoteException>().With.Property(nameof(AmpRemoteException.ErrorCode)).EqualTo(ModelResponders.MaskErrorCode));
            Assert.That(loser, Is.InstanceOf<AmpLayerChangeConflictException>());
            Assert.That(pair.Initiator.ToString(), Does.Contain("state=Open"));
            Assert.That(pair.Acceptor.ToString(), Does.Contain("state=Open"));
        });
        await AssertSumsWorkAsync(pair, cancellationToken);
    }

    /// <summary>
    /// Finding 2 (model seed 667662622, pair 23, with AMP_MODEL_AVOID=refused-changes): a side at its
    /// <see cref="AmpConnectionOptions.MaxConcurrentIncomingCalls"/> limit, whose running responder waits for
    /// the peer's answer (CallMeBack), sets the peer's next command aside, then pauses reading at the peer's
    /// layer change until that command can start (AmpBoxRouter.TryReceiveCommand). The peer holds its answers
    /// behind its change until this side answers it (§12a), so the responder never gets its answer, the
    /// set-aside command never starts and the change is never answered: both connections stall.
    /// </summary>
    [Test]
    public async Task APeersLayerChangeAtTheIncomingCallLimitDoesNotDeadlock(CancellationToken cancellationToken)
    {
        await using var pair = GatedPair.Create(() => new AmpResponders().AddObject(new InteropResponders()).AddMask(), initiatorMaxIncoming: 1);

        // The acceptor's three boxes all reach the initiator before the acceptor reads anything.
        Task<SumResult> callMeBack = pair.Acceptor.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken);
        Task<SumResult> sum = pair.Acceptor.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        Task push = pair.Acceptor.CallRemoteAsync(new StartMask { Key = 5 }, cancellationToken);
        await pair.AcceptorHasWrittenAsync("StartMask", cancellationToken);
        pair.Open();

        await Task.WhenAny(Task.WhenAll(callMeBack, sum, push), Task.Delay(s_noHang, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(callMeBack), Is.Null, "CallMeBack");
            Assert.That(FailureOf(sum), Is.Null, "Sum");
            Assert.That(FailureOf(push), Is.Null, "StartMask");
        });
        Assert.That(((await callMeBack).Total, (await sum).Total), Is.EqualTo((new BigInteger(3), new BigInteger(2))));
        await AssertSumsWorkAsync(pair, cancellationToken);
    }

    /// <summary>
    /// Finding 3 (model seed 954761009, pair 157, with AMP_MODEL_AVOID=refused-changes,incoming-limit): a push
    /// withdrawn by its caller while it waits in the queue (behind an earlier change) stays in the writer's list
    /// until the writer reaches it, and then every box queued behind it is treated as held for it
    /// (OutgoingWriter.RemoveHeadLocked with DropHeldBoxesWith): a call made after the withdrawal fails with
    /// "Not sent: this call was queued behind a layer change ... that was cancelled before it was sent", and an
    /// answer queued after it becomes a bare UNKNOWN error (in the model: the LAYER_CHANGE_CONFLICT answer to
    /// the peer's crossing StartTLS arrived as Code&lt;UNKNOWN&gt;). Spec §12a: a withdrawn change is as if
    /// never asked for ("nothing is sent, the stack is unchanged").
    /// </summary>
    [Test]
    public async Task ACallMadeAfterAQueuedPushWasWithdrawnIsSent(CancellationToken cancellationToken)
    {
        await using var pair = GatedPair.Create(() => new AmpResponders().AddObject(new InteropResponders()).AddMask());

        // The first push is written and waits for its answer; the second waits in the queue behind it.
        Task first = pair.Initiator.CallRemoteAsync(new StartMask { Key = 2 }, cancellationToken);
        await pair.InitiatorHasWrittenAsync("StartMask", cancellationToken);
        using var withdraw = new CancellationTokenSource();
        Task second = pair.Initiator.CallRemoteAsync(new StartMask { Key = 3 }, withdraw.Token);
        await withdraw.CancelAsync();
        Assert.That(second.IsCanceled, Is.True, "the queued push is withdrawn");

        // Asked for after the withdrawal: nothing is held for a change that no longer exists.
        Task<SumResult> sum = pair.Initiator.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        pair.Open();
        await Task.WhenAny(Task.WhenAll(first, sum), Task.Delay(s_noHang, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(first), Is.Null, "the first push");
            Assert.That(FailureOf(sum), Is.Null, "the Sum made after the second push was withdrawn");
        });
        Assert.That(pair.Initiator.Layers, Does.EndWith("mask(02)"));
        await AssertSumsWorkAsync(pair, cancellationToken);
    }

    /// <summary>
    /// Finding 3, as the model saw it: the acceptor wins a crossing and answers the initiator's push with
    /// LAYER_CHANGE_CONFLICT behind its own change, but a push it withdrew earlier still sits in its writer's
    /// list, so the conflict answer queued behind it is replaced by a bare UNKNOWN error: the initiator's
    /// caller gets Code&lt;UNKNOWN&gt; instead of the retryable <see cref="AmpLayerChangeConflictException"/> §12a promises.
    /// </summary>
    [Test]
    public async Task TheConflictAnswerIsNotTurnedIntoUnknownByAWithdrawnPush(CancellationToken cancellationToken)
    {
        await using var pair = GatedPair.Create(() => new AmpResponders().AddObject(new InteropResponders()).AddMask());
        Task winner = pair.Acceptor.CallRemoteAsync(new StartMask { Key = 2 }, cancellationToken);
        await pair.AcceptorHasWrittenAsync("StartMask", cancellationToken);
        using var withdraw = new CancellationTokenSource();
        Task withdrawn = pair.Acceptor.CallRemoteAsync(new StartMask { Key = 3 }, withdraw.Token);
        await withdraw.CancelAsync();
        Assert.That(withdrawn.IsCanceled, Is.True, "the acceptor's queued push is withdrawn");
        Task loser = pair.Initiator.CallRemoteAsync(new StartMask { Key = 4 }, cancellationToken);
        await pair.InitiatorHasWrittenAsync("StartMask", cancellationToken);
        pair.Open();

        await Task.WhenAny(Task.WhenAll(winner, loser), Task.Delay(s_noHang, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(winner), Is.Null, "the acceptor's push wins");
            Assert.That(FailureOf(loser), Is.InstanceOf<AmpLayerChangeConflictException>(), "the initiator's push loses the tie-break");
        });
        Assert.That((pair.Initiator.Layers, pair.Acceptor.Layers), Is.EqualTo(("gated initiator | mask(02)", "gated acceptor | mask(02)")));
        await AssertSumsWorkAsync(pair, cancellationToken);
    }

    /// <summary>
    /// Finding 4 (model seed 927851366, pair 37): the peer refuses a push of ours whose held boxes need its
    /// layer (here with LAYER_CHANGE_CONFLICT, its crossing change having won) and, right behind the refusal,
    /// sends commands of its own, one a protocol switch this side refuses. The refused change stayed in the
    /// writer's list until the writer, parked on it, woke to take it out; the read loop went on meanwhile, so
    /// the answers to the commands read after the refusal were queued behind it, counted as held for it and
    /// rewritten to bare UNKNOWN errors (the model: SwitchProtocol refused with Code&lt;UNKNOWN&gt; instead of
    /// UNKNOWN_PROTOCOL). Spec §12a: only the boxes held while the change was pending become UNKNOWN. Here the
    /// peer reads nothing until it has sent everything, so the writer is still flushing the push's box while
    /// the refusal and the commands behind it are read: the window is certain.
    /// </summary>
    [Test]
    public async Task AnswersToCommandsReadAfterARefusedPushAreNotTurnedIntoUnknown(CancellationToken cancellationToken)
    {
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AmpResponders responders = InteropResponders.Create().AddRawEchoSwitch().AddRaw("Signal", (_, _, _) =>
        {
            // The last box: everything before it has been answered (or had its answer queued) by now.
            read.TrySetResult();
            return ValueTask.FromResult(new AmpBox());
        });
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = responders }, new InMemoryTransportOptions { MaxBufferedBytes = 16 });

        // The push's box is read but not consumed: our writer's flush waits, so it is not parked on the change yet.
        Task push = peer.Connection.CallRemoteAsync(new StartMask { Key = 7 }, cancellationToken);
        ReadResult pushRead;
        ReadOnlySequence<byte> rest;
        AmpBox? pushBox;
        while (true)
        {
            pushRead = await peer.Input.ReadAsync(cancellationToken);
            rest = pushRead.Buffer;
            if (BoxReader.TryReadBox(ref rest, AmpLimits.Default, out pushBox))
            {
                break;
            }

            peer.Input.AdvanceTo(pushRead.Buffer.Start, pushRead.Buffer.End);
        }

        Assert.That(pushBox!.GetString("_command"), Is.EqualTo("StartMask"));
        var script = new List<byte>();
        void Add(params string[] pairs)
        {
            var box = new AmpBox();
            for (int i = 0; i < pairs.Length; i += 2)
            {
                box.SetString(pairs[i], pairs[i + 1]);
            }

            script.AddRange(BoxWriter.Serialize(box));
        }

        Add("_ask", "h1", "_command", "Sum", "a", "1", "b", "2");
        Add("_error", pushBox.GetString("_ask")!, "_error_code", AmpErrorCodes.LayerChangeConflict, "_error_description", "The peer's change wins.");
        Add("_ask", "s2", "_command", "Sum", "a", "3", "b", "4");
        Add("_ask", "w3", "_command", "SwitchProtocol", "protocol", "nope");
        Add("_ask", "g4", "_command", "Signal");
        Task written = peer.WriteAsync([.. script], cancellationToken);
        await read.Task.WaitAsync(cancellationToken);
        peer.Input.AdvanceTo(rest.Start);
        await written;

        var answers = new Dictionary<string, AmpBox>();
        while (answers.Count < 4)
        {
            AmpBox box = await peer.ReadBoxAsync(cancellationToken);
            answers[box.GetString("_answer") ?? box.GetString("_error")!] = box;
        }

        Assert.Multiple(() =>
        {
            Assert.That(answers["h1"].GetString("_error_code"), Is.EqualTo(AmpErrorCodes.Unknown), "the answer held for the push that did not happen");
            Assert.That(answers["s2"].GetString("total"), Is.EqualTo("7"), "the Sum read after the refusal");
            Assert.That(answers["w3"].GetString("_error_code"), Is.EqualTo("UNKNOWN_PROTOCOL"), "the switch read after the refusal");
            Assert.That(answers["g4"].ContainsKey("_error"), Is.False, "the last command");
        });
        Assert.ThrowsAsync<AmpLayerChangeConflictException>(() => push);
        Assert.That(peer.Connection.ToString(), Does.Contain("state=Open"));
    }

    private static Exception? FailureOf(Task task) => task.Status switch
    {
        TaskStatus.RanToCompletion => null,
        TaskStatus.Faulted => task.Exception!.InnerException,
        TaskStatus.Canceled => new OperationCanceledException(),
        _ => new TimeoutException($"still {task.Status} after {s_noHang.TotalSeconds} s: the connections are deadlocked"),
    };

    private static async Task AssertSumsWorkAsync(GatedPair pair, CancellationToken cancellationToken)
    {
        Assert.That((await pair.Initiator.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken).WaitAsync(s_noHang, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        Assert.That((await pair.Acceptor.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken).WaitAsync(s_noHang, cancellationToken)).Total, Is.EqualTo(new BigInteger(7)));
    }
}
