using Amp.Layers;
using Amp.Tests.Integration;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>Pings and layer changes: no ping while a change is pending; pings go on in the new layer.</summary>
[CancelAfter(60_000)]
public sealed class KeepAliveLayerChangeTests
{
    [Test]
    public async Task NoPingWhileOurLayerChangeWaitsForItsAnswerThenPingsInTheNewLayer(CancellationToken cancellationToken)
    {
        using var serverGates = new KeepAliveGates();
        var events = new KeepAliveEvents();
        var serverEvents = new KeepAliveEvents();
        var (a, b) = InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(a, KeepAlivePair.Options(
            "client", WithXor(InteropResponders.Create()), events, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)));
        await using AmpConnection server = AmpConnection.Start(b, KeepAlivePair.Options(
            "server", WithXor(serverGates.AddTo(InteropResponders.Create())), serverEvents, Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(300)));
        Assert.That(await client.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.Default));

        // The server freezes before it reads the StartXor: our change waits for its answer with our read loop waiting.
        // Both calls go at once, so no ping can slip in between them (the frozen server would never answer it).
        Task<AmpEmptyResponse> frozen = client.CallRemoteAsync(new Freeze(), cancellationToken);
        Task<AmpEmptyResponse> changing = client.CallRemoteAsync(new StartXor { Key = 0x5a }, cancellationToken);
        await serverGates.FreezeStarted.WaitAsync(cancellationToken);

        // A ping now would be held for the new layer and never answered: the monitor must skip it, many times over.
        await events.WaitForAsync(AmpEventId.KeepAlivePingPostponed, 30, cancellationToken);
        Assert.That(client.IsConnected, Is.True, events.Log);
        Assert.That(events.Log, Does.Contain("a layer change is pending"));

        serverGates.Thaw();
        await frozen;
        await changing;
        Assert.That(client.Layers, Does.EndWith("xor(5a)"));

        int answered = events.PingsAnswered;
        await events.WaitForAsync(AmpEventId.KeepAlivePingAnswered, answered + 3, cancellationToken);
        Assert.That((int)(await client.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken)).Total, Is.EqualTo(4));
        Assert.That(client.IsConnected && server.IsConnected, Is.True);
    }

    [Test]
    public async Task BothWritersAreDrainedAfterStartTls(CancellationToken cancellationToken)
    {
        // A layer change's own box is counted in the writer's bytes in flight like any other: if it were not,
        // the writer would never look drained again and no ping would ever be sent after a StartTLS.
        await using KeepAlivePair pair = await KeepAlivePair.StartAsync(PairKind.TcpTls, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), cancellationToken);
        await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        AmpConnection server = pair.Server;
        Assert.That(server.GetTlsLayers(), Has.Count.EqualTo(1));

        while (!(pair.Client.Protocol.Writer.IsDrained && server.Protocol.Writer.IsDrained))
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private static AmpResponders WithXor(AmpResponders responders) => responders.AddLayerChange<StartXor, AmpEmptyResponse>(
        (command, _) => new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, StartXor.Push((byte)command.Key)));
}
