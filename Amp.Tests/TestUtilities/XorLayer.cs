using System.Buffers;
using System.IO.Pipelines;
using Amp.Layers;

namespace Amp.Tests.TestUtilities;

/// <summary>A test layer that XORs every byte with a key, so a box on the wrong layer is garbage.</summary>
internal sealed class XorLayer : AmpLayer
{
    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly Task _pumps;
    private long _bytesIn;

    public XorLayer(IDuplexPipe below, byte key)
    {
        Key = key;
        _pumps = Task.WhenAll(PumpAsync(below.Input, _input.Writer, key, count: true), PumpAsync(_output.Reader, below.Output, key, count: false));
    }

    public byte Key { get; }

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public override PipeReader Input => _input.Reader;

    public override PipeWriter Output => _output.Writer;

    public override string Name => $"xor({Key:x2})";

    public override async ValueTask DisposeAsync()
    {
        await _output.Writer.CompleteAsync();
        await _input.Reader.CompleteAsync();
        await _pumps.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task PumpAsync(PipeReader from, PipeWriter to, byte key, bool count)
    {
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync();
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    Span<byte> span = to.GetSpan(segment.Length).Slice(0, segment.Length);
                    for (int i = 0; i < span.Length; i++)
                    {
                        span[i] = (byte)(segment.Span[i] ^ key);
                    }

                    to.Advance(span.Length);
                }

                if (count)
                {
                    Interlocked.Add(ref _bytesIn, result.Buffer.Length);
                }

                from.AdvanceTo(result.Buffer.End);
                FlushResult flush = await to.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A side was completed by dispose.
        }

        await to.CompleteAsync();
    }
}
