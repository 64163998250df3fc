using Amp.Tls;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// Several callers on one connection ask for layer changes at the same moment: the changes are made one
/// after the other (each StartTLS inside the one before), every caller gets its layer, nobody is refused
/// locally and nobody waits forever.
/// </summary>
[CancelAfter(60000)]
public sealed class LayerChangeRaceConcurrentCallerTests
{
    [Test]
    public async Task TwoThreadsCallingStartTlsOnOneConnectionBothGetALayerOneInsideTheOther(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        await Race.RunIterationsAsync(200, async iteration =>
        {
            await using RacePair pair = RacePair.Create();
            // Mostly within a fraction of a microsecond of each other, sometimes further apart.
            int range = random.Next(4) == 0 ? 2000 : 4;
            Task<TlsConnectionInfo>[] calls = await Race.StartTogetherAsync(
                [() => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken), () => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken)],
                [random.Next(range), random.Next(range)],
                cancellationToken);
            await AssertAllGotTheirLayerAsync(pair, calls, cancellationToken);
        });
    }

    [Test]
    public async Task EightConcurrentStartTlsCallersAllCompleteEightLayersDeep(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        await Race.RunIterationsAsync(10, async iteration =>
        {
            await using RacePair pair = RacePair.Create();
            // Alternately from the initiator's threads all at once and from one thread in a row.
            Task<TlsConnectionInfo>[] calls = iteration % 2 == 0
                ? await Race.StartTogetherAsync(
                    [.. Enumerable.Range(0, 8).Select(_ => (Func<Task<TlsConnectionInfo>>)(() => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken)))],
                    [.. Enumerable.Range(0, 8).Select(_ => random.Next(40))],
                    cancellationToken)
                : [.. Enumerable.Range(0, 8).Select(_ => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken))];
            await AssertAllGotTheirLayerAsync(pair, calls, cancellationToken);
        });
    }

    private static async Task AssertAllGotTheirLayerAsync(RacePair pair, Task<TlsConnectionInfo>[] calls, CancellationToken cancellationToken)
    {
        var outcomes = new List<string>();
        foreach (Task<TlsConnectionInfo> call in calls)
        {
            Exception? failure = await Race.WaitOrFailAsync(Race.OutcomeAsync(call, cancellationToken),
                $"every StartTLS completed; {Race.Describe(pair.Initiator)}", cancellationToken);
            outcomes.Add(failure is null ? $"depth {call.Result.Depth}" : $"{failure.GetType().Name}: {failure.Message}");
        }

        Assert.That(outcomes, Is.EquivalentTo(Enumerable.Range(1, calls.Length).Select(depth => $"depth {depth}")),
            $"each caller's layer; {Race.Describe(pair.Initiator)}");
        await Race.AssertUpAndAgreeingAsync(pair, calls.Length, cancellationToken);
        Assert.That(pair.Acceptor.GetTlsLayers().Select(layer => layer.Depth), Is.EqualTo(Enumerable.Range(1, calls.Length)));
    }
}
