using System.Net.Security;

namespace Amp.Tls.Engines.Platform;

/// <summary>An established <see cref="SslStream"/>: its records go to the pipe below through <see cref="TlsRecordStream"/>.</summary>
internal sealed class SslStreamSession(SslStream tls, TlsRecordStream records, TlsConnectionInfo info) : ITlsSession
{
    public TlsConnectionInfo Info => info;

    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken) => tls.ReadAsync(destination, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        // The layer's writer always flushes after writing (StreamPipeWriter does): the records of this
        // write go below in that one flush.
        records.HoldFlushes();
        return tls.WriteAsync(source, cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken) => tls.FlushAsync(cancellationToken);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await tls.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);

        // Whatever a write cut short left held goes out with the close_notify.
        await records.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => tls.DisposeAsync();
}
