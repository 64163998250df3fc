using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Amp.Layers;

namespace Amp.Fuzz.Targets;

/// <summary>
/// The layer target's cheap stand-in for TLS: bytes travel in frames (a 2-byte big-endian length, then
/// the payload XORed with the key) and an empty frame ends the layer, as close_notify does. Reading stops
/// right after the peer's empty frame, so what follows is read from the layer below. The same format as
/// the model test's mask layer; no timers, so a stuck layer shows as a hang.
/// </summary>
internal sealed class FrameLayer : AmpLayer
{
    private const int MaxFrame = 1024;

    private readonly IDuplexPipe _below;
    private readonly byte _key;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Task _writing;
    private readonly Task _reading;
    private int _disposed;

    public FrameLayer(IDuplexPipe below, byte key)
    {
        _below = below;
        _key = key;
        _writing = WriteFramesAsync();
        _reading = ReadFramesAsync();
    }

    public override PipeReader Input => _input.Reader;

    public override PipeWriter Output => _output.Writer;

    public override string Name => $"frame({_key:x2})";

    /// <summary>Writes what is queued, then the empty frame; the pipe below stays open.</summary>
    public override async ValueTask CloseWritingAsync(CancellationToken cancellationToken)
    {
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _writing.ConfigureAwait(false);
        if (!_reading.IsCompleted)
        {
            try
            {
                _below.Input.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
                // The pipe below is completed already: the pump has stopped or stops on its own.
            }
        }

        await _reading.ConfigureAwait(false);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
    }

    private async Task WriteFramesAsync()
    {
        await Task.Yield();
        PipeReader from = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync().ConfigureAwait(false);
                PipeWriter to = _below.Output;
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (!buffer.IsEmpty)
                {
                    int length = (int)Math.Min(buffer.Length, MaxFrame);
                    Span<byte> frame = to.GetSpan(2 + length)[..(2 + length)];
                    BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)length);
                    buffer.Slice(0, length).CopyTo(frame[2..]);
                    Mask(frame[2..], _key);
                    to.Advance(2 + length);
                    buffer = buffer.Slice(length);
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(to.GetSpan(2), 0);
                    to.Advance(2);
                }

                FlushResult flushed = await to.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The pipe below ended or failed: the connection is ending.
        }
        finally
        {
            await from.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadFramesAsync()
    {
        await Task.Yield();
        PipeReader from = _below.Input;
        PipeWriter to = _input.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    from.AdvanceTo(buffer.Start);
                    return;
                }

                bool ended = false;
                while (buffer.Length >= 2)
                {
                    int length = FrameLength(buffer);
                    if (length == 0)
                    {
                        buffer = buffer.Slice(2);
                        ended = true;
                        break;
                    }

                    if (buffer.Length < 2 + length)
                    {
                        break;
                    }

                    Span<byte> payload = to.GetSpan(length)[..length];
                    buffer.Slice(2, length).CopyTo(payload);
                    Mask(payload, _key);
                    to.Advance(length);
                    buffer = buffer.Slice(2 + length);
                }

                if (ended)
                {
                    // Nothing after the empty frame is this layer's.
                    from.AdvanceTo(buffer.Start);
                    await to.FlushAsync().ConfigureAwait(false);
                    return;
                }

                from.AdvanceTo(buffer.Start, buffer.End);
                FlushResult flushed = await to.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        failure = new IOException($"The stream below the frame layer ended inside a frame ({buffer.Length} bytes).");
                    }

                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            failure = e;
        }
        finally
        {
            await to.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private static int FrameLength(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(prefix);
        return BinaryPrimitives.ReadUInt16BigEndian(prefix);
    }

    private static void Mask(Span<byte> bytes, byte key)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= key;
        }
    }
}
