using System.Numerics;
using Amp.Layers;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// The layer-change machinery (barriers in the read loop, the parked writer) with a test XOR layer:
/// a box that crossed the boundary on the wrong layer would be garbage to the peer.
/// </summary>
[CancelAfter(20000)]
public sealed class LayerChangeTests
{
    [Test]
    public async Task ClientPushesALayerAndCallsFlowBothWays(CancellationToken cancellationToken)
    {
        await using var pair = Create(null);
        await StartXorAsync(pair.Client, 0x5A, cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(pair.Client.Layers, Does.EndWith("xor(5a)"));
    }

    [Test]
    public async Task ServerPushesALayerToo(CancellationToken cancellationToken)
    {
        await using var pair = Create(null);
        await StartXorAsync(pair.Server, 0x33, cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task BoxesSentBeforeTheAnswerGoThroughTheNewLayer(CancellationToken cancellationToken)
    {
        await using var pair = Create(null);
        Task change = StartXorAsync(pair.Client, 0x77, cancellationToken);
        Task<SumResult>[] early = [.. Enumerable.Range(0, 50).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        await change;
        SumResult[] results = await Task.WhenAll(early);
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 50)));
        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True);
    }

    [Test]
    public async Task LayersNestThreeDeep(CancellationToken cancellationToken)
    {
        await using var pair = Create(null);
        await StartXorAsync(pair.Client, 0x11, cancellationToken);
        await StartXorAsync(pair.Server, 0x22, cancellationToken);
        await StartXorAsync(pair.Client, 0x44, cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Server.Layers, Does.EndWith("xor(11) | xor(22) | xor(44)"));
    }

    [Test]
    public async Task EveryBoundaryPositionWithOneBytePerRead(CancellationToken cancellationToken)
    {
        await using var pair = Create(new InMemoryTransportOptions { MaxBytesPerRead = 1 });
        Task change = StartXorAsync(pair.Client, 0x5A, cancellationToken);
        Task<SumResult> early = pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await change;
        Assert.That((await early).Total, Is.EqualTo(new BigInteger(3)));
        await StartXorAsync(pair.Server, 0x0F, cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
    }

    [Test]
    public async Task RandomSplitsAroundTheBoundary([Range(0, 4)] int round, CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount + round;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = Create(new InMemoryTransportOptions { SplitSeed = seed });
        Task change = StartXorAsync(pair.Client, (byte)(round + 1), cancellationToken);
        Task<SumResult>[] early = [.. Enumerable.Range(0, 10).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = i }, cancellationToken))];
        Task<SumResult>[] fromServer = [.. Enumerable.Range(0, 10).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 0 }, cancellationToken))];
        await change;
        Assert.That((await Task.WhenAll(early)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 10).Select(i => 2 * i)));
        Assert.That((await Task.WhenAll(fromServer)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public async Task ARefusedChangeLeavesTheStackAsItWas(CancellationToken cancellationToken)
    {
        await using var pair = Create(null);
        var refused = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteAsync(new StartXor { Key = 0 }, cancellationToken));
        Assert.That(refused!.ErrorCode, Is.EqualTo("UNKNOWN"));
        Assert.That(pair.Client.LayerDepth, Is.Zero);
        await AssertCallsWorkAsync(pair, cancellationToken);
    }

    private static Task StartXorAsync(AmpConnection connection, byte key, CancellationToken cancellationToken) =>
        connection.CallRemoteAsync(new StartXor { Key = key }, cancellationToken);

    private static async Task AssertCallsWorkAsync(ConnectedPair pair, CancellationToken cancellationToken)
    {
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 70), B = 1 }, cancellationToken)).Total, Is.EqualTo(BigInteger.Pow(2, 70) + 1));
        Assert.That((await pair.Server.CallRemoteAsync(new Sum { A = 5, B = 6 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(11)));
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        EchoValues echo = await pair.Client.CallRemoteAsync(new Echo { Text = new string('x', 5000), Bytes = new byte[3000] }, cancellationToken);
        Assert.That(echo.Text, Has.Length.EqualTo(5000));
    }

    private static ConnectedPair Create(InMemoryTransportOptions? transport)
    {
        var pair = ConnectedPair.Create(transport, configure: responders => responders.AddLayerChange<StartXor, AmpEmptyResponse>(
            (command, _) => command.Key == 0
                ? throw new InvalidOperationException("key 0 would change nothing")
                : new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, StartXor.Push((byte)command.Key))));
        return pair;
    }
}

[AmpCommand("StartXor")]
public sealed class StartXor : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    [AmpArgument("key")] public int Key { get; init; }

    public static LayerChange Push(byte key) =>
        LayerChange.Push("xor", (context, _) => ValueTask.FromResult<AmpLayer>(new XorLayer(context.Below, key)), heldBoxesNeedTheNewLayer: false);

    public LayerChange CreateChange(AmpConnection connection) => Push((byte)Key);
}
