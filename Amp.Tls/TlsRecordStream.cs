using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Amp.Tls;

/// <summary>
/// The <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> reads and writes: a view of
/// the pipe below that returns at most the rest of the current TLS record per read. So the TLS engine
/// never takes bytes past the record it is decoding, and after the peer's close_notify whatever follows
/// (plaintext, or the outer layer's records) is still in the pipe below for the layer revealed by a pop.
/// </summary>
internal sealed class TlsRecordStream : AsyncDuplexStream
{
    private const int HeaderLength = 5;

    private readonly IDuplexPipe _lower;
    private int _remainingInRecord;
    private volatile bool _inputEnded;
    private Exception? _lowerFailure;
    private bool _holdingFlushes;
    private bool _unflushed;

    public TlsRecordStream(IDuplexPipe lower)
    {
        _lower = lower;
    }

    /// <summary>
    /// Whether a read found the layer below ended (the peer closed its writing side or the connection):
    /// during the handshake that is the peer hanging up; after it, an end without close_notify.
    /// </summary>
    public bool InputEnded => _inputEnded;

    /// <summary>
    /// The exception the layer below threw from a read or a write, if any: a failure found in the TLS
    /// engine's exception chain is the layer below's, not TLS's.
    /// </summary>
    public Exception? LowerFailure => Volatile.Read(ref _lowerFailure);

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadRecordBytesAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or TlsTruncationException))
        {
            Interlocked.CompareExchange(ref _lowerFailure, e, null);
            throw;
        }
    }

    private async ValueTask<int> ReadRecordBytesAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        PipeReader reader = _lower.Input;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (destination.IsEmpty)
            {
                // SslStream's zero-byte read waits for data without taking any.
                reader.AdvanceTo(buffer.Start, buffer.Start);
                return 0;
            }

            if (_remainingInRecord == 0)
            {
                if (buffer.Length < HeaderLength)
                {
                    if (result.IsCompleted && buffer.IsEmpty)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        _inputEnded = true;
                        return 0;
                    }

                    if (result.IsCompleted)
                    {
                        // Cut inside a record's header (the first bytes of a close_notify, say): a truncation,
                        // never an end at a record boundary, or the layer below would read those bytes as its own.
                        reader.AdvanceTo(buffer.End);
                        _inputEnded = true;
                        throw new TlsTruncationException(
                            $"The peer closed the connection inside a TLS record header ({buffer.Length} of its {HeaderLength} bytes arrived).");
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                Span<byte> header = stackalloc byte[HeaderLength];
                buffer.Slice(0, HeaderLength).CopyTo(header);
                _remainingInRecord = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(header.Slice(3));
            }

            if (buffer.IsEmpty)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    _inputEnded = true;
                    return 0;
                }

                continue;
            }

            int count = (int)Math.Min(Math.Min(buffer.Length, _remainingInRecord), destination.Length);
            buffer.Slice(0, count).CopyTo(destination.Span);
            reader.AdvanceTo(buffer.GetPosition(count));
            _remainingInRecord -= count;
            return count;
        }
    }

    /// <summary>
    /// Until the next <see cref="FlushAsync"/>, records the TLS engine writes are put in the pipe below
    /// without flushing it: the records of one batch of plaintext then leave in one flush (one send on a
    /// socket) instead of one flush per record. Only the layer's writing side sets it, before it hands the
    /// engine a batch; the handshake, close_notify and anything else the engine writes on its own are flushed at once.
    /// </summary>
    public void HoldFlushes() => _holdingFlushes = true;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (!_holdingFlushes)
        {
            return WriteAndFlushAsync(source, cancellationToken);
        }

        try
        {
            _lower.Output.Write(source.Span);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _lowerFailure, e, null);
            throw;
        }

        _unflushed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes the records held since <see cref="HoldFlushes"/> to the pipe below, and stops holding.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        _holdingFlushes = false;
        if (!_unflushed)
        {
            return Task.CompletedTask;
        }

        _unflushed = false;
        return FlushLowerAsync(cancellationToken);
    }

    private async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        FlushResult result;
        try
        {
            result = await _lower.Output.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _lowerFailure, e, null);
            throw;
        }

        ThrowIfStopped(result);
    }

    private async Task FlushLowerAsync(CancellationToken cancellationToken)
    {
        FlushResult result;
        try
        {
            result = await _lower.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _lowerFailure, e, null);
            throw;
        }

        ThrowIfStopped(result);
    }

    private void ThrowIfStopped(FlushResult result)
    {
        if (result.IsCompleted)
        {
            var stopped = new IOException("The layer below stopped accepting writes.");
            Interlocked.CompareExchange(ref _lowerFailure, stopped, null);
            throw stopped;
        }
    }
}

/// <summary>The byte stream ended inside a TLS record: TLS's failure (a truncation), not the layer below's.</summary>
internal sealed class TlsTruncationException(string message) : IOException(message);
