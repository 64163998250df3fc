using System.Net;
using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>StopTLS (an Amp.NET extension): pop a TLS layer with close_notify both ways, no byte lost, with each engine on each side.</summary>
[CancelAfter(60000)]
public sealed class StopTlsTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions(role: TlsRole.Server);

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task StartThenStopThenStartAgain(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions(), clientEngine, serverEngine);
        await pair.Client.StartTlsAsync(s_client with { Engine = clientEngine }, cancellationToken);
        await pair.Client.StopTlsAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
        await pair.Client.StartTlsAsync(s_client with { Engine = clientEngine }, cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Server.GetTlsLayers(), Has.Count.EqualTo(1));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task ThreeLayersDownToNoneAndBackUpFromBothSides(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        // The callers' layers alternate engines; the answering sides use their own.
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions(), clientEngine, serverEngine);
        await pair.Client.StartTlsAsync(s_client with { Engine = clientEngine }, cancellationToken);
        await pair.Server.StartTlsAsync(s_server with { Engine = Other(serverEngine) }, cancellationToken);
        await pair.Client.StartTlsAsync(s_client with { Engine = Other(clientEngine) }, cancellationToken);
        for (int depth = 3; depth > 0; depth--)
        {
            await (depth % 2 == 0 ? pair.Server.StopTlsAsync(cancellationToken) : pair.Client.StopTlsAsync(cancellationToken));
            await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
            Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((depth - 1, depth - 1)));
        }

        await pair.Server.StartTlsAsync(s_server, cancellationToken);
        await pair.Client.StartTlsAsync(s_client, cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Client.GetTlsLayers().Select(l => l.Depth), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public async Task CallsInFlightBothWaysWhileLayersChange(CancellationToken cancellationToken)
    {
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions());
        var calls = new List<Task<SumResult>>();
        for (int round = 0; round < 4; round++)
        {
            calls.AddRange(Enumerable.Range(0, 25).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = round }, cancellationToken)));
            calls.AddRange(Enumerable.Range(0, 25).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = round }, cancellationToken)));
            calls.Add(pair.Client.CallRemoteAsync(new Delay { Ms = 20, Value = round }, cancellationToken).ContinueWith(t => new SumResult { Total = t.Result.Value }, TaskScheduler.Default));
            if (round % 2 == 0)
            {
                await pair.Client.StartTlsAsync(s_client, cancellationToken);
            }
            else
            {
                await pair.Server.StopTlsAsync(cancellationToken);
            }
        }

        SumResult[] results = await Task.WhenAll(calls);
        Assert.That(results, Has.Length.EqualTo(4 * 51));
        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task EveryBoundaryPositionWithOneBytePerRead(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions { MaxBytesPerRead = 1 }, clientEngine, serverEngine);
        await pair.Client.StartTlsAsync(s_client with { Engine = clientEngine }, cancellationToken);
        await pair.Server.StartTlsAsync(s_server with { Engine = Other(serverEngine) }, cancellationToken);
        Task stopping = pair.Client.StopTlsAsync(cancellationToken);
        Task<SumResult> early = pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await stopping;
        Assert.That((await early).Total, Is.EqualTo(new BigInteger(3)));
        await pair.Server.StopTlsAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Server.LayerDepth, Is.Zero);
    }

    [TestCaseSource(typeof(StartTlsTests), nameof(StartTlsTests.SplitRounds))]
    public async Task RandomSplits(int round, TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount + round;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions { SplitSeed = seed }, clientEngine, serverEngine);
        await pair.Client.StartTlsAsync(s_client with { Engine = clientEngine }, cancellationToken);
        Task<SumResult>[] fromServer = [.. Enumerable.Range(0, 20).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 0 }, cancellationToken))];
        Task stopping = pair.Client.StopTlsAsync(cancellationToken);
        Task<SumResult>[] fromClient = [.. Enumerable.Range(0, 20).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        await stopping;
        Assert.That((await Task.WhenAll(fromServer)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 20)));
        Assert.That((await Task.WhenAll(fromClient)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 20)));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task OverTcp(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair tcp = await TcpPair.StartAsync(TestCertificates.ServerOptions(engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        for (int i = 0; i < 3; i++)
        {
            await tcp.Client.StartTlsAsync(TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
            Assert.That((await tcp.Client.CallRemoteAsync(new CallMeBack { A = i, B = 1 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(i + 1)));
            await tcp.Client.StopTlsAsync(cancellationToken);
            Assert.That((await tcp.Client.CallRemoteAsync(new Sum { A = i, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(i + 2)));
        }

        Assert.That(tcp.Client.LayerDepth, Is.Zero);
    }

    [Test]
    public async Task StopTlsWithoutTlsIsRefusedLocallyAndByThePeer(CancellationToken cancellationToken)
    {
        await using var pair = StartTlsTests.TlsPair(new InMemoryTransportOptions());
        Assert.ThrowsAsync<InvalidOperationException>(() => pair.Client.StopTlsAsync(cancellationToken));
        var refused = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync("StopTLS", null, cancellationToken));
        Assert.That((refused!.ErrorCode, refused.Description), Is.EqualTo(("TLS_ERROR", "No TLS layer to stop.")));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
    }

    private static TlsEngine Other(TlsEngine engine) => engine == TlsEngine.SslStream ? TlsEngine.BouncyCastle : TlsEngine.SslStream;
}
