using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Amp.Layers;

namespace Amp.Tests.Model;

/// <summary>
/// A test layer for the model test that can be pushed and popped: bytes travel in frames
/// (a 2-byte big-endian length, then the payload XORed with <see cref="Key"/>), and an empty frame
/// closes the layer's writing side. The reading side ends right after the peer's empty frame and
/// never consumes a byte beyond it, so the bytes that follow are read from the layer below (as TLS
/// does with close_notify). A box on the wrong side of a boundary is garbage to the peer.
/// </summary>
/// <remarks>
/// Unlike <c>TestUtilities.XorLayer</c>, closing or disposing this layer never completes the pipe
/// below (the layer below stays usable after a pop), and disposing never waits for the peer.
/// </remarks>
internal sealed class MaskLayer : AmpLayer
{
    private const int MaxFrame = 16 * 1024;

    private readonly IDuplexPipe _below;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Task _writing;
    private readonly Task _reading;
    private int _readingDone;
    private int _writingClosed;
    private int _disposed;
    private volatile bool _closeFrameWritten;

    public MaskLayer(IDuplexPipe below, byte key)
    {
        _below = below;
        Key = key;
        _writing = Task.Run(WritePumpAsync);
        _reading = Task.Run(ReadPumpAsync);
    }

    public byte Key { get; }

    public override PipeReader Input => _input.Reader;

    public override PipeWriter Output => _output.Writer;

    public override string Name => $"mask({Key:x2})";

    /// <summary>Writes what was queued, then the closing frame; the pipe below stays open.</summary>
    public override async ValueTask CloseWritingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writingClosed, 1) != 0)
        {
            await _writing.ConfigureAwait(false);
            return;
        }

        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        using CancellationTokenRegistration registration = cancellationToken.Register(() => CancelFlushBelow());
        await _writing.ConfigureAwait(false);
        if (!_closeFrameWritten)
        {
            throw new IOException("The mask layer could not write its closing frame.");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _writingClosed, 1);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);

        // What was queued goes out if the layer below takes it; a peer that stops reading does not hold the close up.
        if (await Task.WhenAny(_writing, Task.Delay(1000)).ConfigureAwait(false) != _writing)
        {
            CancelFlushBelow();
            await _writing.ConfigureAwait(false);
        }

        if (Volatile.Read(ref _readingDone) == 0)
        {
            // The read pump still reads the layer below (the connection is closing): wake it; it stops.
            try
            {
                _below.Input.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
                // Completed below already.
            }
        }

        await _input.Reader.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>For diagnostics: whether both pumps have stopped.</summary>
    public bool IsStopped => _writing.IsCompleted && _reading.IsCompleted;

    private void CancelFlushBelow()
    {
        try
        {
            _below.Output.CancelPendingFlush();
        }
        catch (InvalidOperationException)
        {
            // Completed below already.
        }
    }

    private async Task WritePumpAsync()
    {
        PipeReader from = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                PipeWriter to = _below.Output;
                while (!buffer.IsEmpty)
                {
                    int length = (int)Math.Min(buffer.Length, MaxFrame);
                    Span<byte> frame = to.GetSpan(2 + length);
                    BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)length);
                    buffer.Slice(0, length).CopyTo(frame.Slice(2));
                    for (int i = 2; i < 2 + length; i++)
                    {
                        frame[i] ^= Key;
                    }

                    to.Advance(2 + length);
                    buffer = buffer.Slice(length);
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    // Closed for a pop: the empty frame ends our writing in this layer.
                    BinaryPrimitives.WriteUInt16BigEndian(to.GetSpan(2), 0);
                    to.Advance(2);
                }

                FlushResult flushed = await to.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    _closeFrameWritten = !flushed.IsCanceled && !flushed.IsCompleted;
                    break;
                }

                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception)
        {
            // The pipe below failed or was completed: the connection is ending (a test layer never faults its pump).
        }
        finally
        {
            await from.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadPumpAsync()
    {
        PipeReader from = _below.Input;
        PipeWriter to = _input.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled && Volatile.Read(ref _disposed) != 0)
                {
                    from.AdvanceTo(buffer.Start);
                    return;
                }

                bool closed = false;
                while (buffer.Length >= 2)
                {
                    int length = FrameLength(buffer);
                    if (length == 0)
                    {
                        buffer = buffer.Slice(2);
                        closed = true;
                        break;
                    }

                    if (buffer.Length < 2 + length)
                    {
                        break;
                    }

                    Span<byte> target = to.GetSpan(length).Slice(0, length);
                    buffer.Slice(2, length).CopyTo(target);
                    for (int i = 0; i < target.Length; i++)
                    {
                        target[i] ^= Key;
                    }

                    to.Advance(length);
                    buffer = buffer.Slice(2 + length);
                }

                if (closed)
                {
                    // Nothing after the closing frame is ours: it stays for whoever reads the layer below.
                    from.AdvanceTo(buffer.Start, buffer.Start);
                    Volatile.Write(ref _readingDone, 1);
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
                        failure = new IOException($"The stream below the mask layer ended inside a frame ({buffer.Length} bytes).");
                    }

                    return;
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            Volatile.Write(ref _readingDone, 1);
            await to.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private static int FrameLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(header);
        return BinaryPrimitives.ReadUInt16BigEndian(header);
    }
}
