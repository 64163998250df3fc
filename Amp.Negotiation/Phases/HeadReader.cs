using System.Buffers;
using System.IO.Pipelines;
using Amp.Negotiation.Http;

namespace Amp.Negotiation.Phases;

/// <summary>Reads one head (an HTTP head or a block) from a pipe, consuming exactly its bytes: what follows stays in the pipe.</summary>
internal static class HeadReader
{
    /// <summary>
    /// The head's bytes, or <see langword="null"/> with the reason: <see cref="HeadScan.TooLarge"/>,
    /// <see cref="HeadScan.Malformed"/>, or <see cref="HeadScan.Incomplete"/> when the stream ended first
    /// (the count received then says how many bytes had come).
    /// </summary>
    public static async ValueTask<(byte[]? Head, HeadScan Status, long Received)> ReadAsync(PipeReader reader, int maxBytes, int maxLines, CancellationToken cancellationToken)
    {
        var scanner = new HeadScanner(maxBytes, maxLines);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            HeadScan scan = scanner.Scan(buffer, out long length);
            if (scan == HeadScan.Complete)
            {
                byte[] head = buffer.Slice(0, length).ToArray();

                // Consumed and examined end together: a later read returns at once with whatever followed the head.
                reader.AdvanceTo(buffer.GetPosition(length));
                return (head, scan, length);
            }

            long received = buffer.Length;
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (scan != HeadScan.Incomplete)
            {
                return (null, scan, received);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return (null, HeadScan.Incomplete, received);
            }
        }
    }
}
