using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Streams;

/// <summary>
/// Streams cut short at random moments (the caller cancels, the reader disposes, the source fails), many
/// times over one connection with random read splits: every stream ends on both sides, nothing stays
/// buffered, the connection goes on. Prints its seed; replay with AMP_STREAM_SEED.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class StreamRaceTests
{
    [Test]
    public async Task Streams_cut_short_at_random_moments_leave_nothing_behind()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_STREAM_SEED"), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        TestContext.Out.WriteLine($"stream race seed: {seed} (replay with AMP_STREAM_SEED={seed})");
        var random = new Random(seed);
        var responders = new StreamResponders();
        await using ConnectedPair pair = ConnectedPair.Create(
            new InMemoryTransportOptions { MaxBytesPerRead = random.Next(1, 5000) },
            serverOptions: table => new AmpConnectionOptions { Name = "server", Responders = responders.AddTo(table), StreamWindowBytes = 4096, MaxStreamBufferBytes = 16384 });

        for (int i = 0; i < 300; i++)
        {
            int length = random.Next(0, 200_000);
            int cutAt = random.Next(0, Math.Max(1, length));
            Task work = random.Next(4) switch
            {
                0 => CancelUploadAsync(pair.Client, length, cutAt),
                1 => DisposeDownloadAsync(pair.Client, length, cutAt),
                2 => FailingDownloadAsync(pair.Client, length, cutAt),
                _ => WholeEchoAsync(pair.Client, length),
            };
            await work.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        }

        while (pair.Client.OpenStreams + pair.Server.OpenStreams > 0)
        {
            await pair.Client.CallRemoteAsync(new Sum { A = 0, B = 0 });
            await pair.Server.CallRemoteAsync(new Sum { A = 0, B = 0 });
        }

        Assert.That((pair.Client.StreamBufferedBytes, pair.Server.StreamBufferedBytes), Is.EqualTo((0L, 0L)), $"seed {seed}");
        Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True, $"seed {seed}");
    }

    private static async Task CancelUploadAsync(AmpConnection client, int length, int cutAt)
    {
        using var cancel = new CancellationTokenSource();
        var source = new SignallingStream(new PatternStream(length, length), signalAfter: cutAt);
        Task<UploadResult> upload = client.CallRemoteAsync(new Upload { Data = source }, cancel.Token);
        await Task.WhenAny(source.Signal.Task, upload);
        cancel.Cancel();
        try
        {
            await upload;
        }
        catch (OperationCanceledException)
        {
            // Cancelled before the answer: expected.
        }
    }

    private static async Task DisposeDownloadAsync(AmpConnection client, int length, int cutAt)
    {
        DownloadResult result = await client.CallRemoteAsync(new Download { Length = length, Seed = length });
        byte[] buffer = new byte[cutAt];
        int read = await result.Data.ReadAtLeastAsync(buffer, cutAt, throwOnEndOfStream: false);
        Assert.That(read, Is.EqualTo(cutAt));
        await result.Data.DisposeAsync();
    }

    private static async Task FailingDownloadAsync(AmpConnection client, int length, int cutAt)
    {
        DownloadResult result = await client.CallRemoteAsync(new Download { Length = length, Seed = length, FailAt = cutAt + 1 });
        try
        {
            await result.Data.CopyToAsync(Stream.Null);
            Assert.That(cutAt + 1, Is.GreaterThanOrEqualTo(length), "only a source that never reaches its failure point ends normally");
        }
        catch (AmpStreamException e)
        {
            Assert.That(e.ErrorCode, Is.EqualTo("UNKNOWN"));
        }

        await result.Data.DisposeAsync();
    }

    private static async Task WholeEchoAsync(AmpConnection client, int length)
    {
        byte[] data = PatternStream.Expected(length, length);
        EchoStreamResult result = await client.CallRemoteAsync(new EchoStream { Data = new MemoryStream(data) });
        var received = new MemoryStream();
        await result.Data.CopyToAsync(received);
        Assert.That(received.ToArray(), Is.EqualTo(data));
    }
}
