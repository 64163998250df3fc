using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Amp.Samples.LineTls;

/// <summary>
/// Reading and writing the line protocol's lines on whatever pipe is on top. A read consumes exactly one
/// line: what follows it (the peer's first TLS record after <c>OK</c>, say) stays in the pipe for the next
/// reader, which is what lets a layer be pushed or popped between two lines.
/// </summary>
public static class LineText
{
    /// <summary>The longest line accepted, newline included; a peer sending more is cut off.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>Reads one line (without its CR LF or LF), or <see langword="null"/> when the pipe ends first.</summary>
    /// <exception cref="InvalidDataException">The line is longer than <see cref="MaxLineBytes"/>.</exception>
    public static async Task<string?> ReadLineAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                string line = Encoding.UTF8.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                reader.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }

            if (buffer.Length >= MaxLineBytes)
            {
                reader.AdvanceTo(buffer.Start);
                throw new InvalidDataException($"A line is longer than {MaxLineBytes} bytes.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Writes one line and flushes it (through every TLS layer between the pipe and the wire).</summary>
    public static async Task WriteLineAsync(PipeWriter writer, string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
    }
}
