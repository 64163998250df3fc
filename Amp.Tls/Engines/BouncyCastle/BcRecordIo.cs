using System.Buffers;
using System.Runtime.ExceptionServices;
using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// Moves BouncyCastle's records between its non-blocking protocol and the pipe below, never blocking a
/// thread: reads one whole record at a time from <see cref="TlsRecordStream"/> (so nothing past it is taken
/// from the pipe below) and offers it; takes what the protocol queued to send and writes it below.
/// </summary>
/// <remarks>
/// The protocol is not thread-safe and the layer reads and writes at the same time, so every call into it
/// holds <see cref="Engine"/> (CPU only, never across an await); writing below, from either side, holds a
/// one-permit semaphore, so the queued records leave in the order the protocol made them. After the protocol
/// fails it has queued its fatal alert: that is sent (best effort) before the failure is rethrown.
/// </remarks>
internal sealed class BcRecordIo
{
    private const int HeaderLength = 5;

    // The largest record TLS 1.2 allows (2^14 of plaintext plus 2048 of expansion), with margin; the
    // protocol refuses longer lengths from the header before the body is read.
    private const int MaxRecordBytes = HeaderLength + (1 << 14) + 2048 + 256;
    private const int OutputChunkBytes = 64 * 1024;

    private readonly TlsProtocol _protocol;
    private readonly TlsRecordStream _records;
    private readonly SemaphoreSlim _sending = new(1, 1);

    public BcRecordIo(TlsProtocol protocol, TlsRecordStream records)
    {
        _protocol = protocol;
        _records = records;
    }

    /// <summary>Held around every call into the protocol.</summary>
    public Lock Engine { get; } = new();

    /// <summary>Runs <paramref name="step"/> on the protocol under <see cref="Engine"/>, then sends what it queued; if it throws, sends the queued alert, then rethrows.</summary>
    public async ValueTask RunAsync(Action<TlsProtocol> step, CancellationToken cancellationToken)
    {
        await RunUnsentAsync(step).ConfigureAwait(false);
        await SendQueuedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the next record from below and offers it to the protocol, then sends what that made it queue.
    /// Returns <see langword="false"/> when the input ended at a record boundary.
    /// </summary>
    public async ValueTask<bool> ReadRecordAsync(CancellationToken cancellationToken)
    {
        // Wait for the record's first bytes before taking a buffer: an idle layer holds none.
        await _records.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        byte[] record = ArrayPool<byte>.Shared.Rent(MaxRecordBytes);
        try
        {
            // The view below never returns bytes of the next record, and at least the header once it returns any.
            int received = await _records.ReadAsync(record.AsMemory(0, MaxRecordBytes), cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                return false;
            }

            int size = 0;
            await RunUnsentAsync(protocol => size = protocol.PreviewInputRecord(record).RecordSize).ConfigureAwait(false);
            if (size > MaxRecordBytes)
            {
                await RunUnsentAsync(_ => throw new TlsFatalAlert(AlertDescription.record_overflow, $"A TLS record of {size} bytes")).ConfigureAwait(false);
            }

            while (received < size)
            {
                int read = await _records.ReadAsync(record.AsMemory(received, size - received), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new TlsTruncationException($"The peer closed the connection in the middle of a TLS record ({received} of its {size} bytes arrived).");
                }

                received += read;
            }

            await RunAsync(protocol => protocol.OfferInput(record, 0, size), cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> a record at a time (releasing the protocol between records, so
    /// reading goes on) and writes the records below, flushed only when <paramref name="flush"/>.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, bool flush, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!plaintext.IsEmpty)
            {
                int count = 0;
                ReadOnlyMemory<byte> rest = plaintext;
                await RunUnsentAsync(protocol =>
                {
                    count = Math.Min(rest.Length, protocol.ApplicationDataLimit);
                    protocol.WriteApplicationData(rest.Span[..count]);
                }, holdingSend: true).ConfigureAwait(false);
                plaintext = plaintext[count..];
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }

            if (flush)
            {
                await _records.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Writes below, flushed, whatever the protocol queued (handshake messages, alerts, a key update); does
    /// nothing, not even wait for the writing side, when nothing is queued.
    /// </summary>
    public async ValueTask SendQueuedAsync(CancellationToken cancellationToken)
    {
        lock (Engine)
        {
            if (_protocol.GetAvailableOutputBytes() == 0)
            {
                return;
            }
        }

        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            await _records.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/> under <see cref="Engine"/> without sending what it queued (the caller does);
    /// if it throws, sends the queued alert (<paramref name="holdingSend"/>: the caller holds the send semaphore), then rethrows.
    /// </summary>
    private async ValueTask RunUnsentAsync(Action<TlsProtocol> step, bool holdingSend = false)
    {
        Exception? failure = null;
        lock (Engine)
        {
            try
            {
                step(_protocol);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }

        if (failure is not null)
        {
            await SendAlertAsync(holdingSend).ConfigureAwait(false);
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Sends the fatal alert a failed protocol queued, if the pipe below still takes it; never throws.</summary>
    private async ValueTask SendAlertAsync(bool holdingSend = false)
    {
        try
        {
            // The alert must not wait for the peer: a pipe that is full or broken gets none.
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            if (!holdingSend && !await _sending.WaitAsync(TimeSpan.FromSeconds(1), quick.Token).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await DrainAsync(quick.Token).ConfigureAwait(false);
                await _records.FlushAsync(quick.Token).ConfigureAwait(false);
            }
            finally
            {
                if (!holdingSend)
                {
                    _sending.Release();
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The layer has failed already; its cause is what matters, not the alert that could not go.
        }
    }

    /// <summary>Moves the queued records into the pipe below without flushing it. Holds the send semaphore.</summary>
    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        byte[]? chunk = null;
        try
        {
            while (true)
            {
                int count;
                lock (Engine)
                {
                    int available = _protocol.GetAvailableOutputBytes();
                    if (available == 0)
                    {
                        return;
                    }

                    chunk ??= ArrayPool<byte>.Shared.Rent(Math.Min(available, OutputChunkBytes));
                    count = _protocol.ReadOutput(chunk, 0, chunk.Length);
                }

                _records.HoldFlushes();
                await _records.WriteAsync(chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }
}
