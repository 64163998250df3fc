using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// An established BouncyCastle session: plaintext comes out of the protocol's queue, records are read
/// from below one at a time only when the queue is empty, and the input ends at the peer's close_notify.
/// </summary>
internal sealed class BcSession : ITlsSession
{
    private readonly TlsProtocol _protocol;
    private readonly IBcHalfClose _halfClose;
    private readonly BcRecordIo _io;
    private bool _inputEnded;

    public BcSession(TlsProtocol protocol, BcRecordIo io, TlsConnectionInfo info)
    {
        _protocol = protocol;
        _halfClose = (IBcHalfClose)protocol;
        _io = io;
        Info = info;
    }

    public TlsConnectionInfo Info { get; }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_io.Engine)
            {
                if (_protocol.ApplicationDataAvailable > 0)
                {
                    return destination.IsEmpty ? 0 : _protocol.ReadApplicationData(destination.Span);
                }

                if (_halfClose.PeerClosed)
                {
                    return 0;
                }
            }

            if (_inputEnded)
            {
                return 0;
            }

            // Records without plaintext (a session ticket, a key update, an empty record) loop here.
            if (!await _io.ReadRecordAsync(cancellationToken).ConfigureAwait(false))
            {
                _inputEnded = true;
                return 0;
            }
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken) =>
        _io.WriteAsync(source, flush: false, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) =>
        _io.WriteAsync(ReadOnlyMemory<byte>.Empty, flush: true, cancellationToken).AsTask();

    public Task ShutdownAsync(CancellationToken cancellationToken) =>
        _io.RunAsync(protocol => ((IBcHalfClose)protocol).SendCloseNotify(), cancellationToken).AsTask();

    /// <summary>Nothing to release: the protocol holds only managed memory, and no close_notify is sent.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
