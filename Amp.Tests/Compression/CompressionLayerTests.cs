using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using Amp.Compression;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Compression;

/// <summary>
/// <see cref="CompressionLayer"/> on its own, over pipes (no AMP): every flush decodable at once, pops that
/// leave the bytes after the end frame below, whatever the segmentation; bad frames refused; bombs pulled,
/// never buffered.
/// </summary>
[CancelAfter(30000)]
public sealed class CompressionLayerTests
{
    public static IEnumerable<TestCaseData> Segmentations()
    {
        yield return new TestCaseData(null, null).SetArgDisplayNames("whole reads");
        yield return new TestCaseData(1, null).SetArgDisplayNames("one byte per read");
        int seed = Environment.TickCount;
        yield return new TestCaseData(null, seed).SetArgDisplayNames($"random splits, seed {seed}");
    }

    [TestCaseSource(nameof(Segmentations))]
    public async Task EveryFlushIsDecodedWithoutWaitingForMore(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        var (a, b) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await using var sender = new CompressionLayer(a);
        await using var receiver = new CompressionLayer(b);
        var random = new Random(7);
        foreach (int size in new[] { 1, 5, 300, 20_000, 70_000 })
        {
            byte[] message = size % 2 == 0 ? Repetitive(size) : Noise(random, size);
            await sender.Output.WriteAsync(message, cancellationToken);
            Assert.That(await ReadExactlyAsync(receiver.Input, size, cancellationToken), Is.EqualTo(message), $"a flush of {size} bytes");
        }

        // Both ways at once.
        Task<byte[]> back = ReadExactlyAsync(sender.Input, 10, cancellationToken);
        await receiver.Output.WriteAsync("0123456789"u8.ToArray(), cancellationToken);
        Assert.That(Encoding.ASCII.GetString(await back), Is.EqualTo("0123456789"));
    }

    [Test]
    public async Task CompressibleDataIsSentSmaller(CancellationToken cancellationToken)
    {
        var (a, b) = InMemoryTransport.CreatePair();
        await using var sender = new CompressionLayer(a);
        await using var receiver = new CompressionLayer(b);
        byte[] message = Repetitive(500_000);
        Task<byte[]> reading = ReadExactlyAsync(receiver.Input, message.Length, cancellationToken);
        await sender.Output.WriteAsync(message, cancellationToken);
        Assert.That(await reading, Is.EqualTo(message));
        TestContext.Out.WriteLine($"{sender.UncompressedBytesSent} bytes sent as {sender.CompressedBytesSent}");
        Assert.That(sender.UncompressedBytesSent, Is.EqualTo(message.Length));
        Assert.That(sender.CompressedBytesSent, Is.LessThan(message.Length / 20));
        Assert.That(receiver.CompressedBytesReceived, Is.EqualTo(sender.CompressedBytesSent));
        Assert.That(receiver.UncompressedBytesReceived, Is.EqualTo(message.Length));
    }

    [Test]
    public async Task FramesOnTheWireAreAtMost64KiBAndTheLayerEndsWithAnEndFrame(CancellationToken cancellationToken)
    {
        var (a, b) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBufferedBytes = 8 * 1024 * 1024 });
        await using var sender = new CompressionLayer(a);
        byte[] noise = Noise(new Random(3), 300_000);
        await sender.Output.WriteAsync(noise, cancellationToken);
        await sender.CloseWritingAsync(cancellationToken);
        await a.Output.WriteAsync("after"u8.ToArray(), cancellationToken);

        byte[] wire = await ReadExactlyAsync(b.Input, (int)sender.CompressedBytesSent + 5, cancellationToken);
        var lengths = new List<uint>();
        int at = 0;
        while (true)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(at));
            lengths.Add(length);
            at += 4 + (int)length;
            if (length == 0)
            {
                break;
            }
        }

        TestContext.Out.WriteLine($"frames: {string.Join(", ", lengths)}");
        Assert.That(lengths, Has.All.LessThanOrEqualTo(65536u));
        Assert.That(lengths.Count, Is.GreaterThanOrEqualTo(5), "300,000 random bytes need at least five 64 KiB frames");
        Assert.That(Encoding.ASCII.GetString(wire, at, wire.Length - at), Is.EqualTo("after"));

        // The frames' payloads are one raw Deflate stream (RFC 1951), final block included.
        var payload = new MemoryStream();
        at = 0;
        foreach (uint length in lengths)
        {
            payload.Write(wire, at + 4, (int)length);
            at += 4 + (int)length;
        }

        payload.Position = 0;
        await using var inflater = new DeflateStream(payload, CompressionMode.Decompress);
        var decoded = new MemoryStream();
        await inflater.CopyToAsync(decoded, cancellationToken);
        Assert.That(decoded.ToArray(), Is.EqualTo(noise));
    }

    [TestCaseSource(nameof(Segmentations))]
    public async Task PoppingBothWaysLeavesTheBytesAfterEachEndFrameBelow(int? maxBytesPerRead, int? seed, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        var (a, b) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        var left = new CompressionLayer(a);
        var right = new CompressionLayer(b);
        await left.Output.WriteAsync(Repetitive(40_000), cancellationToken);
        await right.Output.WriteAsync(Encoding.ASCII.GetBytes("compressed from the right"), cancellationToken);

        // Each side closes its writing side and writes plaintext right behind its end frame.
        await left.CloseWritingAsync(cancellationToken);
        await a.Output.WriteAsync(Encoding.ASCII.GetBytes("plain from the left"), cancellationToken);
        await right.CloseWritingAsync(cancellationToken);
        await b.Output.WriteAsync(Encoding.ASCII.GetBytes("plain from the right"), cancellationToken);

        Assert.That(await ReadToEndAsync(right.Input, cancellationToken), Is.EqualTo(Repetitive(40_000)));
        Assert.That(Encoding.ASCII.GetString(await ReadToEndAsync(left.Input, cancellationToken)), Is.EqualTo("compressed from the right"));
        await left.DisposeAsync();
        await right.DisposeAsync();

        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(b.Input, 19, cancellationToken)), Is.EqualTo("plain from the left"));
        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(a.Input, 20, cancellationToken)), Is.EqualTo("plain from the right"));

        // And a new layer can be pushed on the same pipes.
        await using var again = new CompressionLayer(a);
        await using var againPeer = new CompressionLayer(b);
        await again.Output.WriteAsync(Encoding.ASCII.GetBytes("again"), cancellationToken);
        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(againPeer.Input, 5, cancellationToken)), Is.EqualTo("again"));
    }

    [Test]
    public async Task ALayerThatSentNothingStillEndsCleanly(CancellationToken cancellationToken)
    {
        var (a, b) = InMemoryTransport.CreatePair();
        await using var sender = new CompressionLayer(a);
        await using var receiver = new CompressionLayer(b);
        await sender.CloseWritingAsync(cancellationToken);
        await sender.CloseWritingAsync(cancellationToken);
        await a.Output.WriteAsync("next"u8.ToArray(), cancellationToken);
        Assert.That(await ReadToEndAsync(receiver.Input, cancellationToken), Is.Empty);
        await receiver.DisposeAsync();
        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(b.Input, 4, cancellationToken)), Is.EqualTo("next"));
        Assert.Throws<InvalidOperationException>(() => sender.Output.GetSpan());
    }

    [Test]
    public async Task AFrameLongerThanTheLimitIsRefusedAsSoonAsItsLengthIsRead(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below, new CompressionLayerOptions { MaxFrameBytes = 100_000 });
        await peer.Output.WriteAsync(new byte[] { 0x00, 0x01, 0x86, 0xA1 }, cancellationToken); // 100,001, and no payload follows
        var refused = Assert.ThrowsAsync<AmpCompressionException>(async () => await layer.Input.ReadAsync(cancellationToken));
        Assert.That(refused!.Message, Does.Contain("100001").And.Contain("100000"));
        Assert.That(refused.DisconnectReason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
    }

    [Test]
    public async Task InvalidDeflateIsRefused(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        await peer.Output.WriteAsync(Frame([0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04]), cancellationToken);
        var refused = Assert.ThrowsAsync<AmpCompressionException>(async () => await layer.Input.ReadAsync(cancellationToken));
        Assert.That(refused!.Message, Does.StartWith("The peer's compressed data is not valid Deflate"));
        Assert.That(refused.InnerException, Is.InstanceOf<InvalidDataException>());
    }

    [Test]
    public async Task AFrameAfterTheFinalBlockIsRefused(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        await peer.Output.WriteAsync((byte[])[.. Frame(Deflate("hello"u8.ToArray(), final: true)), .. Frame([0x01, 0x02])], cancellationToken);
        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(layer.Input, 5, cancellationToken)), Is.EqualTo("hello"));
        var refused = Assert.ThrowsAsync<AmpCompressionException>(async () => await ReadToEndAsync(layer.Input, cancellationToken));
        Assert.That(refused!.Message, Does.Contain("after the final block"));
    }

    [Test]
    public async Task AnEndFrameBeforeTheFinalBlockIsRefused(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        await peer.Output.WriteAsync((byte[])[.. Frame(Deflate("hello"u8.ToArray(), final: false)), 0, 0, 0, 0], cancellationToken);
        Assert.That(Encoding.ASCII.GetString(await ReadExactlyAsync(layer.Input, 5, cancellationToken)), Is.EqualTo("hello"));
        var refused = Assert.ThrowsAsync<AmpCompressionException>(async () => await ReadToEndAsync(layer.Input, cancellationToken));
        Assert.That(refused!.Message, Does.Contain("before the final block"));
    }

    [Test]
    public async Task ThePipeBelowEndingBetweenFramesEndsInputLikeAClose(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        await peer.Output.WriteAsync(Frame(Deflate("hello"u8.ToArray(), final: false)), cancellationToken);
        await peer.Output.CompleteAsync();
        Assert.That(Encoding.ASCII.GetString(await ReadToEndAsync(layer.Input, cancellationToken)), Is.EqualTo("hello"));
    }

    [Test]
    public async Task ThePipeBelowEndingInsideAFrameIsAClose(CancellationToken cancellationToken)
    {
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        byte[] frame = Frame(Deflate("hello"u8.ToArray(), final: false));
        await peer.Output.WriteAsync(frame.AsMemory(0, frame.Length - 2), cancellationToken);
        await peer.Output.CompleteAsync();
        var closed = Assert.ThrowsAsync<AmpLayerException>(async () => await ReadToEndAsync(layer.Input, cancellationToken));
        Assert.That(closed!.DisconnectReason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(closed.Message, Does.Contain("in the middle of a compression frame"));
    }

    [Test]
    public async Task ADecompressionBombInflatesOnlyAsFastAsItIsRead(CancellationToken cancellationToken)
    {
        // 128 MiB of zeros compress to about 128 KiB: three frames.
        const long Inflated = 128L * 1024 * 1024;
        byte[] bomb = DeflateZeros(Inflated);
        var (below, peer) = Pipes();
        await using var layer = new CompressionLayer(below);
        for (int at = 0; at < bomb.Length; at += 65536)
        {
            await peer.Output.WriteAsync(Frame(bomb.AsSpan(at, Math.Min(65536, bomb.Length - at)).ToArray()), cancellationToken);
        }

        await peer.Output.WriteAsync(new byte[4], cancellationToken);
        TestContext.Out.WriteLine($"bomb: {bomb.Length} compressed bytes for {Inflated}");

        // A reader that looks and takes nothing: the layer inflates one buffer's worth and reads at most one frame.
        ReadResult first = await layer.Input.ReadAsync(cancellationToken);
        Assert.That(first.Buffer.Length, Is.Positive);
        layer.Input.AdvanceTo(first.Buffer.Start);
        Assert.That(layer.UncompressedBytesReceived, Is.LessThanOrEqualTo(16 * 1024));
        Assert.That(layer.CompressedBytesReceived, Is.LessThanOrEqualTo(4 + 65536));

        // A reader that takes everything gets all of it, never holding more than a buffer.
        long total = 0;
        long largest = 0;
        while (true)
        {
            ReadResult result = await layer.Input.ReadAsync(cancellationToken);
            largest = Math.Max(largest, result.Buffer.Length);
            total += result.Buffer.Length;
            layer.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Assert.That(total, Is.EqualTo(Inflated));
        Assert.That(largest, Is.LessThanOrEqualTo(16 * 1024));
    }

    [Test]
    public void OptionsAreCheckedWhenSet()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CompressionLayerOptions { MaxFrameBytes = 65535 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CompressionLayerOptions { Level = (CompressionLevel)42 });
        var options = new CompressionLayerOptions { MaxFrameBytes = 65536, Level = CompressionLevel.SmallestSize };
        Assert.That((options.MaxFrameBytes, options.Level), Is.EqualTo((65536, CompressionLevel.SmallestSize)));
        Assert.That((new CompressionLayerOptions().MaxFrameBytes, new CompressionLayerOptions().Level), Is.EqualTo((1024 * 1024, CompressionLevel.Fastest)));
    }

    internal static byte[] Repetitive(int size)
    {
        byte[] text = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog; ");
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = text[i % text.Length];
        }

        return bytes;
    }

    internal static byte[] Frame(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    internal static byte[] Deflate(byte[] data, bool final)
    {
        var sink = new MemoryStream();
        var deflate = new DeflateStream(sink, CompressionLevel.Fastest, leaveOpen: true);
        deflate.Write(data);
        deflate.Flush();
        if (final)
        {
            deflate.Dispose();
        }

        return sink.ToArray();
    }

    internal static byte[] DeflateZeros(long count)
    {
        var sink = new MemoryStream();
        using (var deflate = new DeflateStream(sink, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < count; written += zeros.Length)
            {
                deflate.Write(zeros);
            }
        }

        return sink.ToArray();
    }

    private static byte[] Noise(Random random, int size)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Two pipes that never push back (a peer writes everything up front), seen from the layer's side and the peer's.</summary>
    private static (IDuplexPipe Below, IDuplexPipe Peer) Pipes()
    {
        var options = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        var toLayer = new Pipe(options);
        var toPeer = new Pipe(options);
        return (new DuplexPipe(toLayer.Reader, toPeer.Writer), new DuplexPipe(toPeer.Reader, toLayer.Writer));
    }

    internal static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var received = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            long take = Math.Min(result.Buffer.Length, count - filled);
            result.Buffer.Slice(0, take).CopyTo(received.AsSpan(filled));
            filled += (int)take;
            reader.AdvanceTo(result.Buffer.GetPosition(take));
            if (filled < count && result.IsCompleted)
            {
                Assert.Fail($"the stream ended after {filled} of {count} bytes");
            }
        }

        return received;
    }

    internal static async Task<byte[]> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var all = new List<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            all.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
