using System.Numerics;
using System.Text;
using Amp.Boxes;
using Amp.Compression;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Compression;

/// <summary>
/// StartCompression and StopCompression (Amp.NET extensions) between two connections: calls both ways in
/// the layer, fewer bytes on the wire, back to plaintext with nothing lost, refusals, and both peers asking
/// at once.
/// </summary>
[CancelAfter(30000)]
public sealed class StartStopCompressionTests
{
    public static IEnumerable<TestCaseData> Segmentations() => CompressionLayerTests.Segmentations();

    [TestCaseSource(nameof(Segmentations))]
    public async Task StartCompressionThenLargeCompressibleCallsBothWays(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        await using var pair = Pair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        await AssertCompressibleCallsWorkAsync(pair.Client, pair.Server, cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(pair.Client.Layers, Does.EndWith(" | deflate"));
        Assert.That(pair.Server.GetLayers().Single(), Is.InstanceOf<CompressionLayer>());
    }

    [Test]
    public async Task TheBytesOnTheWireAreFewerOnceCompressed(CancellationToken cancellationToken)
    {
        await using var relay = RelayPair.Open(responders => responders.AddStartCompression().AddStopCompression());
        var echo = new Echo { Bytes = CompressionLayerTests.Repetitive(60_000), Text = Text(20_000) };
        (long plainUp, long plainDown) = await MeasureAsync(relay, () => relay.Client.CallRemoteAsync(echo, cancellationToken));

        await relay.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        (long compressedUp, long compressedDown) = await MeasureAsync(relay, () => relay.Client.CallRemoteAsync(echo, cancellationToken));
        (long serverUp, long serverDown) = await MeasureAsync(relay, () => relay.Server.CallRemoteAsync(echo, cancellationToken));

        TestContext.Out.WriteLine($"plaintext: {plainUp} up, {plainDown} down; compressed: {compressedUp} up, {compressedDown} down; from the server: {serverDown} up, {serverUp} down");
        Assert.That(plainUp, Is.GreaterThan(80_000));
        Assert.That(compressedUp, Is.LessThan(plainUp / 20));
        Assert.That(compressedDown, Is.LessThan(plainDown / 20));
        Assert.That(serverDown, Is.LessThan(plainUp / 20), "the server's call, compressed too");
        Assert.That(serverUp, Is.LessThan(plainDown / 20), "the client's answer, compressed too");

        await relay.Client.StopCompressionAsync(cancellationToken);

        // The client's end frame is forwarded before this call's box: measuring after it counts only the echo.
        await relay.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        (long againUp, _) = await MeasureAsync(relay, () => relay.Client.CallRemoteAsync(echo, cancellationToken));
        Assert.That(againUp, Is.EqualTo(plainUp), "plaintext again after StopCompression");
    }

    [TestCaseSource(nameof(Segmentations))]
    public async Task StopCompressionGoesBackToPlaintextWithCallsInFlightBeforeAndAfter(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        await using var pair = Pair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        Task starting = pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        Task<SumResult>[] held = [.. Enumerable.Range(0, 10).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 100 }, cancellationToken))];
        await starting;

        Task<SumResult>[] before = [.. Enumerable.Range(0, 10).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 0 }, cancellationToken))];
        Task stopping = pair.Server.StopCompressionAsync(cancellationToken);
        Task<SumResult>[] after = [.. Enumerable.Range(0, 10).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        Task<EchoValues> fromClient = pair.Client.CallRemoteAsync(new Echo { Bytes = CompressionLayerTests.Repetitive(50_000) }, cancellationToken);
        await stopping;

        Assert.That((await Task.WhenAll(held)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(100, 10)));
        Assert.That((await Task.WhenAll(before)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That((await Task.WhenAll(after)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 10)));
        Assert.That((await fromClient).Bytes, Is.EqualTo(CompressionLayerTests.Repetitive(50_000)));
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);

        // And again, from the other side.
        await pair.Server.StartCompressionAsync(cancellationToken: cancellationToken);
        await AssertCompressibleCallsWorkAsync(pair.Client, pair.Server, cancellationToken);
        await pair.Client.StopCompressionAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task CallsInFlightBothWaysWhileCompressionStartsAndStops(CancellationToken cancellationToken)
    {
        await using var pair = Pair(new InMemoryTransportOptions());
        var calls = new List<Task<SumResult>>();
        for (int round = 0; round < 6; round++)
        {
            calls.AddRange(Enumerable.Range(0, 25).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = round }, cancellationToken)));
            calls.AddRange(Enumerable.Range(0, 25).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = round }, cancellationToken)));
            calls.Add(pair.Client.CallRemoteAsync(new CallMeBack { A = round, B = 1 }, cancellationToken));
            await (round % 2 == 0 ? pair.Client.StartCompressionAsync(cancellationToken: cancellationToken) : pair.Server.StopCompressionAsync(cancellationToken));
        }

        SumResult[] results = await Task.WhenAll(calls);
        Assert.That(results, Has.Length.EqualTo(6 * 51));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task BothPeersStartingAtOnceTheAcceptorWins(CancellationToken cancellationToken)
    {
        await using var relay = RelayPair.Closed(responders => responders.AddStartCompression().AddStopCompression());
        int box = BoxWriter.Serialize(new AmpBox().SetString("_ask", "1").SetString("_command", "StartCompression")).Length;
        Task fromClient = relay.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        Task fromServer = relay.Server.StartCompressionAsync(cancellationToken: cancellationToken);

        // Both boxes are on the wire before either side has read the other's: they cross.
        await relay.HeldAsync(fromClient: true, box, cancellationToken);
        await relay.HeldAsync(fromClient: false, box, cancellationToken);
        relay.Open();

        await fromServer;
        var conflict = Assert.ThrowsAsync<AmpLayerChangeConflictException>(() => fromClient);
        Assert.That(conflict!.ErrorCode, Is.EqualTo(AmpErrorCodes.LayerChangeConflict));
        Assert.That((relay.Client.LayerDepth, relay.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(relay.Client.Layers, Does.EndWith(" | deflate"));
        await AssertCompressibleCallsWorkAsync(relay.Client, relay.Server, cancellationToken);

        await relay.Client.StopCompressionAsync(cancellationToken);
        Assert.That((await relay.Server.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));

        // Each side pops its reading side at the peer's end frame; a round trip later, both have.
        Assert.That((relay.Client.LayerDepth, relay.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task ClosingACompressedConnectionIsAnOrdinaryClose(CancellationToken cancellationToken)
    {
        await using var pair = Pair(new InMemoryTransportOptions());
        await pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        await pair.Client.CloseAsync();
        AmpConnectionLostException end = await pair.Server.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(end.InnerException, Is.Null);
    }

    [Test]
    public async Task APeerWithoutTheResponderRefusesAndHeldCallsGoOutUncompressed(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions());
        Task starting = pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        Task<SumResult> held = pair.Client.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken);
        var refused = Assert.ThrowsAsync<AmpUnhandledCommandException>(() => starting);
        Assert.That(refused!.ErrorCode, Is.EqualTo("UNHANDLED"));
        Assert.That((await held).Total, Is.EqualTo(new BigInteger(42)));
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
    }

    [Test]
    public async Task StopWithoutCompressionAndStartTwiceAreRefusedLocallyAndByThePeer(CancellationToken cancellationToken)
    {
        await using var pair = Pair(new InMemoryTransportOptions());
        Assert.ThrowsAsync<InvalidOperationException>(() => pair.Client.StopCompressionAsync(cancellationToken));
        var noLayer = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync("StopCompression", null, cancellationToken));
        Assert.That((noLayer!.ErrorCode, noLayer.Description), Is.EqualTo(("COMPRESSION_ERROR", "No compression layer to stop.")));

        await pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        Assert.That((await pair.Server.CallRemoteAsync(new Sum { A = 0, B = 0 }, cancellationToken)).Total, Is.EqualTo(BigInteger.Zero), "a round trip: the server has pushed too");

        // Locally: checked when the change's turn comes, on the layers then written through; nothing is sent.
        Task<SumResult> before = pair.Server.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        var locally = Assert.ThrowsAsync<InvalidOperationException>(() => pair.Server.StartCompressionAsync(cancellationToken: cancellationToken));
        Assert.That(locally!.Message, Does.Contain("already compressed"));
        Assert.That((await before).Total, Is.EqualTo(new BigInteger(2)));

        // By the peer, for a request sent anyway (by name): refused, and a call held behind it goes out in the existing layer.
        Task<AmpBox> twice = pair.Server.CallRemoteStringAsync("StartCompression", null, cancellationToken);
        Task<SumResult> held = pair.Server.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken);
        var byPeer = Assert.ThrowsAsync<AmpRemoteException>(() => twice);
        Assert.That((byPeer!.ErrorCode, byPeer.Description), Is.EqualTo(("COMPRESSION_ERROR", "The connection is already compressed.")));
        Assert.That((await held).Total, Is.EqualTo(new BigInteger(4)));
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
    }

    internal static ConnectedPair Pair(InMemoryTransportOptions transport) =>
        ConnectedPair.Create(transport, configure: responders => responders
            .AddStartCompression().AddStopCompression()
            .AddStopTls().AddStartTls(connection => connection.Transport.Role == AmpTransportRole.Initiator
                ? TestCertificates.ClientOptions(role: TlsRole.Client)
                : TestCertificates.ServerOptions(role: TlsRole.Server)));

    internal static async Task AssertCompressibleCallsWorkAsync(AmpConnection one, AmpConnection other, CancellationToken cancellationToken)
    {
        byte[] bytes = CompressionLayerTests.Repetitive(60_000);
        string text = Text(30_000);
        Task<EchoValues> there = one.CallRemoteAsync(new Echo { Bytes = bytes, Text = text }, cancellationToken);
        Task<EchoValues> back = other.CallRemoteAsync(new Echo { Bytes = bytes, Text = text }, cancellationToken);
        Task<SumResult>[] sums = [.. Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? one : other).CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        foreach (EchoValues echo in await Task.WhenAll(there, back))
        {
            Assert.That(echo.Bytes, Is.EqualTo(bytes));
            Assert.That(echo.Text, Is.EqualTo(text));
        }

        Assert.That((await Task.WhenAll(sums)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 20)));
    }

    private static string Text(int length)
    {
        var text = new StringBuilder(length);
        for (int i = 0; text.Length < length; i++)
        {
            text.Append("box ").Append(i % 50).Append(" says héllo; ");
        }

        return text.ToString(0, length);
    }

    private static async Task<(long Up, long Down)> MeasureAsync(RelayPair relay, Func<Task> call)
    {
        long up = relay.ClientToServer;
        long down = relay.ServerToClient;
        await call();
        return (relay.ClientToServer - up, relay.ServerToClient - down);
    }
}
