using Amp.Compression;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Compression;

/// <summary>Compression and TLS stacked in either order, popped in reverse, with calls at every depth.</summary>
[CancelAfter(30000)]
public sealed class CompressionAndTlsTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions(role: TlsRole.Server);

    public static IEnumerable<TestCaseData> Segmentations() => CompressionLayerTests.Segmentations();

    [TestCaseSource(nameof(Segmentations))]
    public async Task CompressionInsideTlsThenBackDown(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        await using var pair = StartStopCompressionTests.Pair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await pair.Client.StartTlsAsync(s_client, cancellationToken);
        await pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        await StartStopCompressionTests.AssertCompressibleCallsWorkAsync(pair.Client, pair.Server, cancellationToken);

        // The responder pushes right after writing its answer: after a round trip, its stack is sure to show it.
        Assert.That(pair.Server.GetLayers().Select(l => l.GetType()), Is.EqualTo(new[] { typeof(TlsLayer), typeof(CompressionLayer) }));
        Assert.That(pair.Client.Layers, Does.Match(@"\| tls\(1\.[23]\) \| deflate$"));

        // Each side pops its reading side at the peer's end frame (close_notify for TLS): after a round trip, both have.
        await pair.Client.StopCompressionAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(pair.Server.GetTlsLayers(), Has.Count.EqualTo(1));

        await pair.Client.StopTlsAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    [TestCaseSource(nameof(Segmentations))]
    public async Task TlsInsideCompressionThenBackDown(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        await using var pair = StartStopCompressionTests.Pair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await pair.Client.StartCompressionAsync(cancellationToken: cancellationToken);
        await pair.Server.StartTlsAsync(s_server, cancellationToken);
        await StartStopCompressionTests.AssertCompressibleCallsWorkAsync(pair.Client, pair.Server, cancellationToken);
        Assert.That(pair.Client.GetLayers().Select(l => l.GetType()), Is.EqualTo(new[] { typeof(CompressionLayer), typeof(TlsLayer) }));
        Assert.That(pair.Server.Layers, Does.Match(@"\| deflate \| tls\(1\.[23]\)$"));

        // StopCompression needs compression on top: TLS is, so it is refused before anything is sent.
        Assert.ThrowsAsync<InvalidOperationException>(() => pair.Client.StopCompressionAsync(cancellationToken));

        await pair.Server.StopTlsAsync(cancellationToken);
        await StartStopCompressionTests.AssertCompressibleCallsWorkAsync(pair.Server, pair.Client, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(pair.Client.GetLayers().Single(), Is.InstanceOf<CompressionLayer>());

        await pair.Server.StopCompressionAsync(cancellationToken);
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }
}
