using System.Security.Cryptography;
using Amp.Transports;

namespace Amp.Tests.Streams;

[TestFixture]
[CancelAfter(120_000)]
public sealed class StreamTests
{
    private StreamResponders _server = null!;
    private AmpConnection _client = null!;
    private AmpConnection _serverConnection = null!;

    [SetUp]
    public void SetUp() => Start(new AmpConnectionOptions());

    [TearDown]
    public async Task TearDown()
    {
        await _client.DisposeAsync();
        await _serverConnection.DisposeAsync();
    }

    [Test]
    public async Task An_upload_arrives_whole_and_in_order()
    {
        byte[] data = PatternStream.Expected(5 * 1024 * 1024 + 17, seed: 1);

        UploadResult result = await _client.CallRemoteAsync(new Upload { Name = "x", Data = new MemoryStream(data) });

        Assert.That(result.Length, Is.EqualTo(data.Length));
        Assert.That(result.Sha256, Is.EqualTo(SHA256.HashData(data)));
        Assert.That(_client.AgreedExtensions, Is.EqualTo(AmpExtensions.Default));
        Assert.That(_serverConnection.AgreedExtensions, Is.EqualTo(AmpExtensions.Default));
    }

    [Test]
    public async Task An_empty_upload_is_an_empty_stream()
    {
        UploadResult result = await _client.CallRemoteAsync(new Upload { Data = new MemoryStream() });

        Assert.That(result.Length, Is.Zero);
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task A_download_arrives_whole_and_the_responders_source_is_disposed()
    {
        DownloadResult result = await _client.CallRemoteAsync(new Download { Length = 3 * 1024 * 1024 + 5, Seed = 2 });
        var received = new MemoryStream();
        await result.Data.CopyToAsync(received);

        Assert.That(received.ToArray(), Is.EqualTo(PatternStream.Expected(3 * 1024 * 1024 + 5, 2)));
        await _server.DownloadSourceDisposed.Task;
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task A_stream_is_echoed_while_it_is_sent()
    {
        byte[] data = PatternStream.Expected(2 * 1024 * 1024, seed: 3);

        EchoStreamResult result = await _client.CallRemoteAsync(new EchoStream { Data = new MemoryStream(data) });
        var received = new MemoryStream();
        await result.Data.CopyToAsync(received);

        Assert.That(received.ToArray(), Is.EqualTo(data));
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task Many_streams_at_once_share_a_small_budget()
    {
        await RestartAsync(new AmpConnectionOptions { StreamWindowBytes = 16 * 1024, MaxStreamBufferBytes = 64 * 1024 });
        var uploads = new List<Task<UploadResult>>();
        var downloads = new List<Task<byte[]>>();
        for (int i = 0; i < 24; i++)
        {
            uploads.Add(_client.CallRemoteAsync(new Upload { Data = new MemoryStream(PatternStream.Expected(300_000 + i, i)) }));
            downloads.Add(DownloadAllAsync(_client, 200_000 + i, i));
        }

        for (int i = 0; i < 24; i++)
        {
            Assert.That((await uploads[i]).Sha256, Is.EqualTo(SHA256.HashData(PatternStream.Expected(300_000 + i, i))), $"upload {i}");
            Assert.That(await downloads[i], Is.EqualTo(PatternStream.Expected(200_000 + i, i)), $"download {i}");
        }

        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task Small_calls_go_on_during_a_stream()
    {
        var source = new PatternStream(long.MaxValue, 4);
        _server.UploadReadLimit = 64 * 1024 * 1024;
        Task<UploadResult> upload = _client.CallRemoteAsync(new Upload { Data = source });

        for (int i = 0; i < 50; i++)
        {
            Assert.That((int)(await _client.CallRemoteAsync(new Tests.TestUtilities.Sum { A = i, B = 1 })).Total, Is.EqualTo(i + 1));
        }

        Assert.That((await upload).Length, Is.InRange(64 * 1024 * 1024, (64 * 1024 * 1024) + 81920), "the responder reads in 80 KiB steps up to its limit");
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task A_responder_that_stops_reading_stops_the_sender()
    {
        _server.UploadReadLimit = 100_000;
        var source = new PatternStream(long.MaxValue, 5) { Disposed = new TaskCompletionSource() };

        UploadResult result = await _client.CallRemoteAsync(new Upload { Data = source });

        Assert.That(result.Length, Is.GreaterThanOrEqualTo(100_000));
        await WaitForNoStreamsAsync();
        Assert.That(source.Disposed!.Task.IsCompleted, Is.False, "a caller's stream is the caller's to dispose");
    }

    [Test]
    public async Task A_reader_that_disposes_early_stops_the_download()
    {
        DownloadResult result = await _client.CallRemoteAsync(new Download { Length = long.MaxValue, Seed = 6 });
        byte[] buffer = new byte[1000];
        await result.Data.ReadExactlyAsync(buffer);
        await result.Data.DisposeAsync();

        await _server.DownloadSourceDisposed.Task;
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task A_source_that_fails_ends_the_stream_with_an_error()
    {
        DownloadResult result = await _client.CallRemoteAsync(new Download { Length = 1_000_000, Seed = 7, FailAt = 300_000 });

        var error = Assert.ThrowsAsync<AmpStreamException>(() => result.Data.CopyToAsync(Stream.Null));
        Assert.That(error!.ErrorCode, Is.EqualTo("UNKNOWN"));
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task Cancelling_an_upload_ends_the_responders_stream_with_CANCELLED()
    {
        using var cancel = new CancellationTokenSource();
        var source = new SignallingStream(new PatternStream(long.MaxValue, 8), signalAfter: 1_000_000);
        Task<UploadResult> upload = _client.CallRemoteAsync(new Upload { Data = source }, cancel.Token);
        await source.Signal.Task;

        cancel.Cancel();

        Assert.That(async () => await upload, Throws.InstanceOf<OperationCanceledException>());
        Exception? seen = await _server.UploadEnded.Task;
        Assert.That(seen, Is.TypeOf<AmpStreamException>().With.Property(nameof(AmpStreamException.ErrorCode)).EqualTo("CANCELLED"));
        await WaitForNoStreamsAsync();
    }

    [Test]
    public async Task The_connection_ending_fails_the_streams_both_ways()
    {
        DownloadResult result = await _client.CallRemoteAsync(new Download { Length = long.MaxValue, Seed = 9 });
        await result.Data.ReadExactlyAsync(new byte[1000]);

        await _serverConnection.CloseAsync();

        var error = Assert.ThrowsAsync<AmpStreamException>(() => result.Data.CopyToAsync(Stream.Null));
        Assert.That(error!.ErrorCode, Is.EqualTo("CONNECTION_LOST"));
        await _server.DownloadSourceDisposed.Task;
    }

    [Test]
    public async Task A_peer_without_the_extension_gets_no_stream_box()
    {
        await RestartAsync(new AmpConnectionOptions { Extensions = AmpExtensions.None });

        var error = Assert.ThrowsAsync<AmpExtensionUnavailableException>(() => _client.CallRemoteAsync(new Upload { Data = new MemoryStream([1, 2, 3]) }));

        Assert.That(error!.Extension, Is.EqualTo(AmpExtensions.Streams));
        Assert.That(_client.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
        Assert.That((int)(await _client.CallRemoteAsync(new Tests.TestUtilities.Sum { A = 1, B = 2 })).Total, Is.EqualTo(3));
    }

    [Test]
    public async Task Both_sides_negotiating_at_once_agree()
    {
        Task<AmpExtensions> a = _client.NegotiateExtensionsAsync();
        Task<AmpExtensions> b = _serverConnection.NegotiateExtensionsAsync();

        Assert.That(await a, Is.EqualTo(AmpExtensions.Default));
        Assert.That(await b, Is.EqualTo(AmpExtensions.Default));
    }

    private static async Task<byte[]> DownloadAllAsync(AmpConnection client, long length, int seed)
    {
        DownloadResult result = await client.CallRemoteAsync(new Download { Length = length, Seed = seed });
        var received = new MemoryStream();
        await result.Data.CopyToAsync(received);
        return received.ToArray();
    }

    private async Task WaitForNoStreamsAsync()
    {
        // Each side forgets a stream when its last box is written or read: an echo of a call flushes both ways.
        while (_client.OpenStreams + _serverConnection.OpenStreams > 0)
        {
            await _client.CallRemoteAsync(new Tests.TestUtilities.Sum { A = 0, B = 0 });
            await _serverConnection.CallRemoteAsync(new Tests.TestUtilities.Sum { A = 0, B = 0 });
            await Task.Yield();
        }

        Assert.That(_client.StreamBufferedBytes + _serverConnection.StreamBufferedBytes, Is.Zero, "credit promised and not read");
    }

    private async Task RestartAsync(AmpConnectionOptions options)
    {
        await TearDown();
        Start(options);
    }

    private void Start(AmpConnectionOptions options)
    {
        var (client, server) = InMemoryTransport.CreatePair();
        _server = new StreamResponders();
        var clientTable = new StreamResponders().Table().AddObject(new Tests.TestUtilities.InteropResponders());
        var serverTable = _server.Table().AddObject(new Tests.TestUtilities.InteropResponders());
        _client = AmpConnection.Start(client, new AmpConnectionOptions { Name = "client", Responders = clientTable });
        _serverConnection = AmpConnection.Start(server, new AmpConnectionOptions
        {
            Name = "server",
            Responders = serverTable,
            Extensions = options.Extensions,
            StreamWindowBytes = options.StreamWindowBytes,
            MaxStreamBufferBytes = options.MaxStreamBufferBytes,
        });
    }
}
