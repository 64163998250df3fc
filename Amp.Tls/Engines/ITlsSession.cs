namespace Amp.Tls.Engines;

/// <summary>
/// An established TLS session of one engine: plaintext in and out, close_notify, release. The caller
/// (<see cref="TlsApplicationStream"/>) runs at most one read and one write (or flush, or shutdown) at a time,
/// and translates what they throw.
/// </summary>
internal interface ITlsSession : IAsyncDisposable
{
    /// <summary>What the handshake negotiated.</summary>
    TlsConnectionInfo Info { get; }

    /// <summary>
    /// Reads plaintext; 0 when the peer's close_notify was read or the pipe below ended at a record boundary.
    /// A zero-byte read waits until plaintext is ready (or the input ends) without taking any.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Encrypts <paramref name="source"/> into records for the pipe below, held until <see cref="FlushAsync"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken);

    /// <summary>Flushes the records written so far to the pipe below.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Sends close_notify (flushed); nothing more is written. Reading goes on until the peer's close_notify.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
