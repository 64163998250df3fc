using System.Runtime.ExceptionServices;
using Amp.Tls.Engines;

namespace Amp.Tls;

/// <summary>
/// The plaintext side of a TLS layer: the engine's session, with its failures translated as
/// <see cref="TlsErrors.FromTransfer"/> decides (a TLS failure becomes an <see cref="AmpTlsException"/>,
/// a failure of the layer below passes through as that layer threw it). The layer's pipes are made over
/// this stream. After the first TLS failure every operation throws that failure again: the engine's
/// state is broken, and its later errors ("error 5") would only hide the cause.
/// </summary>
internal sealed class TlsApplicationStream : AsyncDuplexStream
{
    private readonly ITlsSession _tls;
    private readonly TlsRecordStream _records;
    private readonly ITlsEngine _engine;
    private AmpTlsException? _failure;

    public TlsApplicationStream(ITlsSession tls, TlsRecordStream records, ITlsEngine engine)
    {
        _tls = tls;
        _records = records;
        _engine = engine;
    }

    /// <summary>The first TLS failure of the layer, if any.</summary>
    public AmpTlsException? Failure => Volatile.Read(ref _failure);

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        try
        {
            return await _tls.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Translate(e, "Reading from the TLS layer");
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        try
        {
            await _tls.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Translate(e, "Writing to the TLS layer");
        }
    }

    /// <summary>Sends close_notify.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        try
        {
            await _tls.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Translate(e, "Sending the TLS close_notify");
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        try
        {
            await _tls.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Translate(e, "Flushing the TLS layer");
        }
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new AmpTlsException(failure.Failure, failure.Message, failure.InnerException);
        }
    }

    private AmpTlsException Translate(Exception error, string operation)
    {
        if (TlsErrors.FromTransfer(error, _records, operation, _engine) is { } failure)
        {
            Interlocked.CompareExchange(ref _failure, failure, null);
            return failure;
        }

        // Not this layer's failure: rethrow what was thrown, with its stack (the layer below's own exception
        // rather than the TLS engine's wrapper around it).
        ExceptionDispatchInfo.Throw(error is OperationCanceledException ? error : _records.LowerFailure ?? error);
        return null!;
    }
}
