using System.Security.Cryptography;
using Amp.Tests.Tls;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Streams;

/// <summary>Streams live in the AMP connection: they go on across StartTLS, TLS in TLS and StopTLS (spec §15.3).</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class StreamLayerTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions(role: TlsRole.Server);

    [TestCase(0, 8 * 1024 * 1024)]
    [TestCase(7, 1024 * 1024)]
    public async Task Streams_both_ways_cross_StartTLS_TLS_in_TLS_and_StopTLS(int maxBytesPerRead, int length, CancellationToken cancellationToken)
    {
        var responders = new StreamResponders();
        await using ConnectedPair pair = ConnectedPair.Create(
            new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead == 0 ? int.MaxValue : maxBytesPerRead },
            configure: table => responders.AddTo(table.AddStopTls().AddStartTls(connection =>
                connection.Transport.Role == AmpTransportRole.Initiator ? s_client : s_server)));
        byte[] upload = PatternStream.Expected(length, 21);
        Task<UploadResult> uploading = pair.Client.CallRemoteAsync(new Upload { Data = new MemoryStream(upload) }, cancellationToken);
        DownloadResult download = await pair.Client.CallRemoteAsync(new Download { Length = length, Seed = 22 }, cancellationToken);
        var received = new MemoryStream();
        byte[] buffer = new byte[length / 8];

        await ReadSomeAsync(download.Data, buffer, received, cancellationToken);
        await pair.Client.StartTlsAsync(s_client, cancellationToken);
        await ReadSomeAsync(download.Data, buffer, received, cancellationToken);
        await pair.Server.StartTlsAsync(s_server, cancellationToken);
        await ReadSomeAsync(download.Data, buffer, received, cancellationToken);
        await pair.Client.StopTlsAsync(cancellationToken);
        await ReadSomeAsync(download.Data, buffer, received, cancellationToken);
        await pair.Server.StopTlsAsync(cancellationToken);
        await download.Data.CopyToAsync(received, cancellationToken);

        Assert.That(received.ToArray(), Is.EqualTo(PatternStream.Expected(length, 22)));
        Assert.That((await uploading).Sha256, Is.EqualTo(SHA256.HashData(upload)));
        Assert.That((pair.Client.Protocol.LayerDepth, pair.Server.Protocol.LayerDepth), Is.EqualTo((0, 0)));
    }

    private static async Task ReadSomeAsync(Stream stream, byte[] buffer, MemoryStream received, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        received.Write(buffer);
    }
}
