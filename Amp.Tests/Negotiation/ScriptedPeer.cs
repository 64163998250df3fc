using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Negotiation;

/// <summary>
/// One end of an in-memory pair driven by the test with exact bytes: the plaintext request or answer, then TLS, then
/// blocks and boxes inside it. <see cref="BytePerFlush"/> writes every byte in a flush of its own (inside TLS, a record
/// of its own), so the other side meets every split.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    public ScriptedPeer(AmpTransport transport, bool bytePerFlush = false)
    {
        Transport = transport;
        BytePerFlush = bytePerFlush;
    }

    public AmpTransport Transport { get; }

    public bool BytePerFlush { get; }

    /// <summary>The TLS layer once <see cref="StartTlsAsync"/> has run.</summary>
    public TlsLayer? Tls { get; private set; }

    private IDuplexPipe Top => (IDuplexPipe?)Tls ?? Transport;

    public async Task StartTlsAsync(TlsLayerOptions options, TlsRole role, CancellationToken cancellationToken) =>
        Tls = await TlsLayer.StartAsync(Transport, options, role, cancellationToken);

    public Task WriteAsync(string text, CancellationToken cancellationToken) => WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        if (!BytePerFlush)
        {
            await Top.Output.WriteAsync(bytes, cancellationToken);
            return;
        }

        foreach (byte b in bytes)
        {
            await Top.Output.WriteAsync(new[] { b }, cancellationToken);
        }
    }

    /// <summary>Reads one head (lines up to the empty line), consuming nothing after it; empty if the stream ends first.</summary>
    public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        PipeReader input = Top.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? end = FindEnd(buffer);
            if (end is { } position)
            {
                string head = Encoding.UTF8.GetString(buffer.Slice(0, position).ToArray());
                input.AdvanceTo(position);
                return head;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return string.Empty;
            }
        }
    }

    /// <summary>Reads everything until the other side closes.</summary>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken)
    {
        PipeReader input = Top.Input;
        var bytes = new List<byte>();
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken);
            }
            catch (AmpTlsException)
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.AddRange(result.Buffer.ToArray());
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }
        }
    }

    /// <summary>Reads one AMP box from the top of the stack.</summary>
    public async Task<AmpBox> ReadBoxAsync(CancellationToken cancellationToken)
    {
        byte[]? bytes = await WireBoxes.ReadBoxAsync(Top.Input, cancellationToken);
        Assert.That(bytes, Is.Not.Null, "the stream ended before a whole box");
        var sequence = new ReadOnlySequence<byte>(bytes!);
        Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBox? box), Is.True);
        return box!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Tls is not null)
        {
            await Tls.DisposeAsync();
        }

        await Transport.DisposeAsync();
    }

    /// <summary>The value of <paramref name="key"/> in a head's <c>Key: Value</c> lines, or <see langword="null"/>.</summary>
    public static string? Value(string head, string key)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith(key + ": ", StringComparison.Ordinal))
            {
                return line[(key.Length + 2)..];
            }
        }

        return null;
    }

    private static SequencePosition? FindEnd(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.IsNext("\r\n"u8, advancePast: true))
        {
            return reader.Position;
        }

        return reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true) && FindBlankLine(ref reader) ? reader.Position : null;
    }

    private static bool FindBlankLine(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            if (reader.IsNext("\r\n"u8, advancePast: true))
            {
                return true;
            }

            if (!reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
            {
                return false;
            }
        }
    }
}
