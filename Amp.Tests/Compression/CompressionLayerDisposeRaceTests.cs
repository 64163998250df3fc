using System.Buffers;
using System.IO.Pipelines;
using Amp.Compression;
using Amp.Tests.LayerChanges;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Compression;

/// <summary>
/// A compression layer disposed while another thread reads its input (a connection torn down mid-read, as
/// the fault sweep does at every byte). zlib's state freed under an inflate in flight crashed the whole test
/// host with SIGSEGV in CI: the layer must keep the decompressor until that read returns. A regression here
/// takes the process down rather than failing an assertion.
/// </summary>
[CancelAfter(300_000)]
public sealed class CompressionLayerDisposeRaceTests
{
    private const int Iterations = 400;

    [Test]
    public async Task DisposingTheLayerWhileItsInputInflatesFreesNothingUnderTheRead(CancellationToken cancellationToken)
    {
        int seed = Race.Seed();
        var random = new Random(seed);
        byte[] wire = await CompressedStreamAsync(cancellationToken);
        var endings = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Iterations; i++)
        {
            // No back pressure: the whole compressed stream waits below, so the reader inflates without pausing.
            var below = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
            await below.Writer.WriteAsync(wire, cancellationToken);
            var layer = new CompressionLayer(new DuplexPipe(below.Reader, new Pipe().Writer));
            using var started = new ManualResetEventSlim();
            Task<string> reading = Task.Run(() => ReadUntilStoppedAsync(layer.Input, started), cancellationToken);
            started.Wait(cancellationToken);
            Thread.SpinWait(random.Next(0, 50_000));
            await layer.DisposeAsync();

            string ending = await reading;
            endings[ending] = endings.GetValueOrDefault(ending) + 1;
        }

        foreach ((string ending, int count) in endings)
        {
            await TestContext.Out.WriteLineAsync($"{count,4} x {ending}");
        }

        Assert.That(endings.Keys, Is.SubsetOf(new[] { "read it all", "cancelled", nameof(ObjectDisposedException), nameof(InvalidOperationException) }),
            "a read ends (its data, or cancelled by the disposal), or is refused because the layer is gone");
        Assert.That(endings.GetValueOrDefault("read it all"), Is.LessThan(Iterations), "some disposals landed while the input was being read");
    }

    private static async Task<string> ReadUntilStoppedAsync(PipeReader input, ManualResetEventSlim started)
    {
        try
        {
            while (true)
            {
                ValueTask<ReadResult> pending = input.ReadAsync();
                started.Set();
                ReadResult result = await pending.ConfigureAwait(false);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCanceled)
                {
                    return "cancelled";
                }

                if (result.IsCompleted)
                {
                    return "read it all";
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>Eight MiB of repetitive text, compressed by a layer: what a peer's layer would send.</summary>
    private static async Task<byte[]> CompressedStreamAsync(CancellationToken cancellationToken)
    {
        var wire = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var sender = new CompressionLayer(new DuplexPipe(new Pipe().Reader, wire.Writer));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)('a' + (i * 7 % 26));
        }

        for (int i = 0; i < 128; i++)
        {
            await sender.Output.WriteAsync(chunk, cancellationToken);
        }

        await sender.CloseWritingAsync(cancellationToken);
        await sender.DisposeAsync();
        await wire.Writer.CompleteAsync();
        while (true)
        {
            ReadResult result = await wire.Reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                return result.Buffer.ToArray();
            }

            wire.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
