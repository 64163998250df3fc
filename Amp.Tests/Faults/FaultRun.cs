using Amp.Compression;
using Amp.Tests.LayerChanges;
using Amp.Tests.Switching;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Faults;

/// <summary>What one run did: the bytes of the change in the cut direction, and how every task ended.</summary>
/// <remarks><see cref="Details"/> holds, for each task that failed, its exception and the chain of inner exceptions, for diagnostics.</remarks>
internal sealed record FaultRunResult(byte[] Stream, IReadOnlyList<(string Task, string Outcome)> Outcomes, IReadOnlyList<string> Details);

/// <summary>
/// Runs one layer change over a <see cref="FaultWire"/>, cut after a given number of the change's bytes in
/// one direction (or not at all, to record the change's bytes), and waits for every task to end.
/// </summary>
/// <remarks>
/// The change's bytes start with the first box of the change: on the caller's side a call that is never
/// answered (so that a call is pending across the change) and the change's command, then the answer, the
/// new layer's own bytes (a handshake, close_notify, end frames), a call held behind the change and its
/// answer, and a call from the peer in the new layer (raw bytes, after a switch or a hand-over).
/// </remarks>
internal static class FaultRun
{
    private static readonly byte[] s_raw = "\0\0raw bytes after the boundary\0\0"u8.ToArray();

    /// <param name="offset">How many of the change's bytes pass in the case's direction before the cut; <see langword="null"/> to cut only at the end.</param>
    /// <param name="hang">Fires when the run hangs: waiting on it fails the test.</param>
    public static async Task<FaultRunResult> RunAsync(FaultCase fault, long? offset, CancellationToken hang)
    {
        var outcomes = new List<(string Task, string Outcome)>();
        var details = new List<string>();
        await using FaultPair pair = FaultPair.Create(fault.Engine);
        AmpConnection caller = fault.InitiatorAsks ? pair.Initiator : pair.Acceptor;
        AmpConnection peer = fault.InitiatorAsks ? pair.Acceptor : pair.Initiator;
        string State() => $"[{fault}, offset {offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}] {Race.Describe(caller)}; {Race.Describe(peer)}; {pair.Wire}";
        async Task<string> EndOfAsync(Task task, string what)
        {
            Exception? failure = await Race.WaitOrFailAsync(Race.OutcomeAsync(task, hang), () => what + " ended: " + State(), hang);
            if (failure is not null)
            {
                details.Add($"{what}: {FaultOutcome.Chain(failure)}");
            }

            return FaultOutcome.Of(failure);
        }


        try
        {
            await PrepareAsync(fault.Change, pair, caller, peer, hang);
        }
        catch (Exception e) when (e is AmpException)
        {
            // Nothing is cut yet: the preparation failing is a failure of the layers themselves.
            string Ending(AmpConnection connection) => connection.Completion.IsCompleted ? FaultOutcome.Chain(connection.Completion.Result) : "not ended";
            Assert.Fail($"the preparation failed, before any cut: {FaultOutcome.Chain(e)}; {State()}; the caller's end: {Ending(caller)}; the peer's end: {Ending(peer)}");
        }

        long start = pair.Wire.Forwarded(fault.Direction);
        if (offset is { } cutAfter)
        {
            pair.Wire.CutAfter(fault.Direction, start + cutAfter, fault.Fault);
        }

        Task pending = caller.CallRemoteAsync(new NeverAnswer(), CancellationToken.None);
        Task change = Start(fault.Change, pair, caller);
        Task? held = fault.Change is FaultedChange.Switch or FaultedChange.HandOver ? null : caller.CallRemoteAsync(new Sum { A = 1, B = 2 }, CancellationToken.None);
        string changed = await EndOfAsync(change, "the change");
        outcomes.Add(("the change", changed));
        if (changed == FaultOutcome.Ok)
        {
            await AfterTheBoundaryAsync(fault.Change, change, caller, peer, outcomes, EndOfAsync, hang);
        }

        if (held is not null)
        {
            outcomes.Add(("the call held behind the change", await EndOfAsync(held, "the call held behind the change")));
        }

        byte[] stream = pair.Wire.Recorded(fault.Direction, start);
        await Race.WaitOrFailAsync(pair.Wire.CutAsync(fault.Fault), () => "the wire was cut: " + State(), hang);
        outcomes.Add(("the call pending across the change", await EndOfAsync(pending, "the call pending across the change")));
        foreach (AmpConnection connection in new[] { caller, peer })
        {
            string side = connection == caller ? "caller" : "peer";
            AmpConnectionLostException end = await Race.WaitOrFailAsync(connection.Completion, () => $"the {side}'s connection ended: " + State(), hang);
            outcomes.Add(($"the {side}'s connection", FaultOutcome.Of(end)));
            details.Add($"the {side}'s connection: {FaultOutcome.Chain(end)}");
            // A switch responder that accepted has not handed over if the connection ended before its answer went out.
            if (pair.HooksOf(connection).SwitchesAccepted > 0 && connection.SwitchedTo is not null)
            {
                outcomes.Add(($"the {side}'s switched protocol", FaultOutcome.OfProtocol(await Race.WaitOrFailAsync(
                    pair.HooksOf(connection).SwitchedProtocolEnded.Task, () => $"the {side}'s switched protocol ended: " + State(), hang))));
            }

            if (pair.HandOverOf(connection).Started)
            {
                outcomes.Add(($"the {side}'s handed-over protocol", FaultOutcome.OfProtocol(await Race.WaitOrFailAsync(
                    pair.HandOverOf(connection).Ended, () => $"the {side}'s handed-over protocol ended: " + State(), hang))));
            }

            if (connection.SwitchedTo is { } switched)
            {
                outcomes.Add(($"the {side}'s switched stream", await EndOfAsync(switched.Completion, $"the {side}'s switched stream")));
            }
        }

        return new FaultRunResult(stream, outcomes, details);
    }

    /// <summary>What must be in place before the change; done before the byte count starts, and never cut.</summary>
    private static async Task PrepareAsync(FaultedChange change, FaultPair pair, AmpConnection caller, AmpConnection peer, CancellationToken hang)
    {
        switch (change)
        {
            case FaultedChange.StopTls or FaultedChange.TlsInTls:
                await caller.StartTlsAsync(pair.TlsFor(caller), hang);
                break;
            case FaultedChange.StopCompression:
                await caller.StartCompressionAsync(cancellationToken: hang);
                break;
            default:
                return;
        }

        // A round trip each way, so the new layer's last bytes (TLS session tickets) are through before counting starts.
        await caller.CallRemoteAsync(new Sum { A = 1, B = 1 }, hang);
        await peer.CallRemoteAsync(new Sum { A = 2, B = 2 }, hang);
    }

    private static Task Start(FaultedChange change, FaultPair pair, AmpConnection caller) => change switch
    {
        FaultedChange.StartTls or FaultedChange.TlsInTls => caller.StartTlsAsync(pair.TlsFor(caller), CancellationToken.None),
        FaultedChange.StopTls => caller.StopTlsAsync(CancellationToken.None),
        FaultedChange.Switch => caller.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, CancellationToken.None),
        FaultedChange.HandOver => caller.CallRemoteAsync(new Detach(), CancellationToken.None),
        FaultedChange.StartCompression => caller.StartCompressionAsync(cancellationToken: CancellationToken.None),
        FaultedChange.StopCompression => caller.StopCompressionAsync(CancellationToken.None),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
    };

    /// <summary>Traffic after the boundary: a call from the peer in the new layer, or raw bytes echoed after a switch or a hand-over.</summary>
    private static async Task AfterTheBoundaryAsync(
        FaultedChange change, Task changing, AmpConnection caller, AmpConnection peer, List<(string Task, string Outcome)> outcomes, Func<Task, string, Task<string>> endOf, CancellationToken hang)
    {
        AmpSwitchedConnection? switched = null;
        switch (change)
        {
            case FaultedChange.Switch:
                switched = ((Task<AmpSwitchedConnection>)changing).Result;
                break;
            case FaultedChange.HandOver:
                Task<AmpSwitchedConnection> handingOver = caller.HandOverAsync(CancellationToken.None);
                string handedOver = await endOf(handingOver, "the caller's hand-over");
                outcomes.Add(("the caller's hand-over", handedOver));
                switched = handedOver == FaultOutcome.Ok ? handingOver.Result : null;
                break;
            default:
                outcomes.Add(("the peer's call after the change", await endOf(peer.CallRemoteAsync(new Sum { A = 3, B = 4 }, CancellationToken.None), "the peer's call after the change")));
                return;
        }

        if (switched is null)
        {
            return;
        }

        await using (switched)
        {
            int expected = (change == FaultedChange.Switch ? RawEcho.Greeting.Length : 0) + s_raw.Length;
            Task<byte[]> exchanging = RawEcho.ExchangeAsync(switched, s_raw, expected, CancellationToken.None);
            string exchanged = await endOf(exchanging, "the raw exchange");
            byte[] echoed = exchanged == FaultOutcome.Ok ? exchanging.Result : [];
            byte[] wanted = change == FaultedChange.Switch ? [.. RawEcho.Greeting, .. s_raw] : s_raw;
            outcomes.Add(("the raw exchange", exchanged != FaultOutcome.Ok ? exchanged
                : !wanted.AsSpan().StartsWith(echoed) ? "WRONG BYTES: " + Convert.ToHexString(echoed)
                : echoed.Length < expected ? FaultOutcome.Short
                : exchanged));
        }
    }
}
