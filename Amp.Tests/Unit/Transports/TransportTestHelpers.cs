using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Tests.Unit.Transports;

/// <summary>Writes and reads whole payloads through pipes, for the transport tests.</summary>
internal static class TransportTestHelpers
{
    public static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="data"/> in pieces of <paramref name="chunkSize"/>, flushing after each.</summary>
    public static async Task WriteAllAsync(PipeWriter writer, byte[] data, int chunkSize, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < data.Length; offset += chunkSize)
        {
            int length = Math.Min(chunkSize, data.Length - offset);
            FlushResult flush = await writer.WriteAsync(data.AsMemory(offset, length), cancellationToken);
            Assert.That(flush.IsCompleted, Is.False, "the reader went away while writing");
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var received = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            long take = Math.Min(buffer.Length, count - filled);
            buffer.Slice(0, take).CopyTo(received.AsSpan(filled));
            filled += (int)take;
            reader.AdvanceTo(buffer.GetPosition(take));
            if (filled < count && result.IsCompleted)
            {
                Assert.Fail($"the stream ended after {filled} of {count} bytes");
            }
        }

        return received;
    }

    public static async Task<byte[]> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                received.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return received.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary>Sends a payload each way at once and checks that both arrive intact.</summary>
    public static async Task AssertExchangeAsync(IDuplexPipe a, IDuplexPipe b, int length, int chunkSize, CancellationToken cancellationToken)
    {
        byte[] aToB = Payload(length, seed: length);
        byte[] bToA = Payload(length, seed: length + 1);

        Task writeA = WriteAllAsync(a.Output, aToB, chunkSize, cancellationToken);
        Task writeB = WriteAllAsync(b.Output, bToA, chunkSize, cancellationToken);
        Task<byte[]> readB = ReadExactlyAsync(b.Input, length, cancellationToken);
        Task<byte[]> readA = ReadExactlyAsync(a.Input, length, cancellationToken);
        await Task.WhenAll(writeA, writeB, readA, readB);

        Assert.Multiple(() =>
        {
            Assert.That(readB.Result, Is.EqualTo(aToB), "initiator to acceptor");
            Assert.That(readA.Result, Is.EqualTo(bToA), "acceptor to initiator");
        });
    }

    /// <summary>
    /// Flushes chunks into <paramref name="writer"/> until a flush is still pending after
    /// <paramref name="window"/>; returns that pending flush and how many bytes were written.
    /// </summary>
    public static async Task<(Task<FlushResult> PendingFlush, long Written)> WriteUntilBlockedAsync(
        PipeWriter writer,
        long limit,
        TimeSpan window,
        CancellationToken cancellationToken)
    {
        byte[] chunk = Payload(64 * 1024, seed: 7);
        long written = 0;
        while (written < limit)
        {
            Task<FlushResult> flush = writer.WriteAsync(chunk, cancellationToken).AsTask();
            written += chunk.Length;
            Task finished = await Task.WhenAny(flush, Task.Delay(window, cancellationToken));
            if (finished != flush)
            {
                return (flush, written);
            }

            await flush;
        }

        Assert.Fail($"{written} bytes were flushed without backpressure");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Reads and discards until <paramref name="pending"/> completes.</summary>
    public static async Task DrainUntilAsync(PipeReader reader, Task pending, CancellationToken cancellationToken)
    {
        while (!pending.IsCompleted)
        {
            Task<ReadResult> read = reader.ReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(read, pending) != read)
            {
                // Leave the read running; the caller disposes the transport.
                return;
            }

            ReadResult result = read.Result;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
