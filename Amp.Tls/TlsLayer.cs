using System.IO.Pipelines;
using Amp.Layers;
using Amp.Tls.Engines;

namespace Amp.Tls;

/// <summary>
/// A TLS layer over any byte pipe: <see cref="StartAsync(IDuplexPipe, TlsLayerOptions, TlsRole, CancellationToken)"/>
/// runs the handshake over the pipe below and returns a pipe carrying plaintext (<see cref="Input"/>,
/// <see cref="Output"/>); <see cref="StopAsync"/> ends TLS with close_notify both ways and leaves the pipe
/// below positioned exactly after the peer's close_notify, so whatever the peer wrote next (plaintext, or
/// an outer layer's records) is read from <see cref="Below"/>, nothing lost and nothing duplicated.
/// A TLS layer is itself a pipe: starting one over another gives TLS inside TLS, stopped innermost first.
/// </summary>
/// <remarks>
/// <para>
/// The TLS engine (<see cref="TlsLayerOptions.Engine"/>: the platform's <see cref="System.Net.Security.SslStream"/>
/// or BouncyCastle's TLS) runs over a view of the pipe below that hands it at most one TLS record per read,
/// so it never consumes bytes past the record it is decoding. The engine itself is never exposed;
/// <see cref="Info"/> tells what was negotiated.
/// </para>
/// <para>
/// Concurrency: one read of <see cref="Input"/> and one write to <see cref="Output"/> may run at the same
/// time (the <see cref="PipeReader"/> and <see cref="PipeWriter"/> rules). <see cref="StopAsync"/> reads
/// <see cref="Input"/> itself: no read of it may be pending then.
/// </para>
/// <para>
/// Failures: a TLS failure on a read or write of the pipes (an alert from the peer, a record that does not
/// decrypt) throws <see cref="AmpTlsException"/>, and every later read or write throws the same cause; a
/// failure of the pipe below passes through unchanged. The peer ending the pipe below without close_notify
/// ends <see cref="Input"/> as a close would (a TLS truncation, which many peers do on close); only
/// <see cref="StopAsync"/> treats it as a failure.
/// </para>
/// </remarks>
public sealed class TlsLayer : AmpLayer
{
    // The most plaintext one TLS record carries (RFC 8446 5.1), and what the input reads into per buffer.
    private const int MaxRecordPlaintext = 16 * 1024;
    private const int InputBufferSize = 64 * 1024;

    private readonly ITlsSession _tls;
    private readonly TlsRecordStream _records;
    private readonly TlsApplicationStream _plaintext;
    private readonly ReadTrackingPipeReader _input;
    private readonly PipeWriter _output;
    private int _writingClosed;
    private int _disposed;

    private TlsLayer(IDuplexPipe below, ITlsSession tls, TlsRecordStream records, ITlsEngine engine)
    {
        Below = below;
        _tls = tls;
        _records = records;
        Info = tls.Info;
        _plaintext = new TlsApplicationStream(tls, records, engine);
        // Reads take whole records (up to 16 KiB of plaintext each), several into one buffer; a zero-byte
        // read first waits for data, so an idle layer holds no buffer. Writes go to the engine as they
        // come, up to a record each (TLS's largest): a batch of boxes leaves as full records in one flush.
        _input = new ReadTrackingPipeReader(PipeReader.Create(_plaintext, new StreamPipeReaderOptions(
            bufferSize: InputBufferSize, minimumReadSize: MaxRecordPlaintext, leaveOpen: true, useZeroByteReads: true)));
        _output = PipeWriter.Create(_plaintext, new StreamPipeWriterOptions(minimumBufferSize: MaxRecordPlaintext, leaveOpen: true));
    }

    /// <summary>What the handshake negotiated: version, cipher suite, certificates, role, depth.</summary>
    public TlsConnectionInfo Info { get; }

    /// <summary>
    /// The pipe this layer runs over: the pipe passed to <see cref="StartAsync(IDuplexPipe, TlsLayerOptions, TlsRole, CancellationToken)"/>,
    /// or the pipe made over the stream passed to <see cref="StartAsync(Stream, TlsLayerOptions, TlsRole, CancellationToken)"/>.
    /// After <see cref="StopAsync"/>, read and write the layer below through it: for a stream, its reader
    /// may already hold bytes read from the stream past the peer's close_notify, so read them from here
    /// rather than from the stream. Neither stopping nor disposing the layer completes it.
    /// </summary>
    public IDuplexPipe Below { get; }

    /// <summary>The plaintext the peer sent. It ends when the peer's close_notify arrives (or the pipe below ends).</summary>
    /// <exception cref="AmpTlsException">Thrown by its reads when TLS fails (an alert from the peer, a record that does not decrypt).</exception>
    public override PipeReader Input => _input;

    /// <summary>The plaintext to send; each flush encrypts what was written and writes it to the pipe below.</summary>
    /// <exception cref="AmpTlsException">Thrown by its flushes when TLS fails.</exception>
    public override PipeWriter Output => _output;

    /// <summary>
    /// The layer's name for diagnostics: <c>tls(1.3)</c> or <c>tls(1.2)</c> with the platform's engine,
    /// <c>tls(1.3, BouncyCastle)</c> with BouncyCastle's.
    /// </summary>
    public override string Name => Info.Engine == TlsEngine.SslStream
        ? $"tls({TlsText.Version(Info.Protocol)})"
        : $"tls({TlsText.Version(Info.Protocol)}, {Info.Engine})";

    /// <summary>
    /// Runs the TLS handshake over <paramref name="below"/> and returns the layer. <paramref name="below"/>
    /// may be anything that carries bytes both ways: a transport, a pair of pipes, another
    /// <see cref="TlsLayer"/> (TLS inside TLS). The layer never completes it.
    /// </summary>
    /// <param name="below">The pipe to run TLS over, positioned where the peer's first TLS record will arrive.</param>
    /// <param name="options">This side's certificate, trusted authorities and limits.</param>
    /// <param name="role">Which end of the handshake this side plays: <see cref="TlsRole.Client"/> or <see cref="TlsRole.Server"/>.</param>
    /// <param name="cancellationToken">Abandons the handshake.</param>
    /// <returns>The layer, once the handshake has completed on this side.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="below"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="role"/> is <see cref="TlsRole.Automatic"/> (a pipe has no side that connected), or
    /// differs from a role set in <see cref="TlsLayerOptions.Role"/>.
    /// </exception>
    /// <exception cref="AmpTlsException">The handshake failed; <see cref="AmpTlsException.Failure"/> names the cause.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<TlsLayer> StartAsync(IDuplexPipe below, TlsLayerOptions options, TlsRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(below);
        ArgumentNullException.ThrowIfNull(options);
        bool isClient = IsClient(options, role);
        int depth = below is TlsLayer outer ? outer.Info.Depth + 1 : 1;
        return HandshakeAsync(below, options, isClient, depth, cancellationToken);
    }

    /// <summary>
    /// Runs the TLS handshake over <paramref name="below"/> (a <see cref="System.Net.Sockets.NetworkStream"/>,
    /// for example) and returns the layer. The stream is wrapped in a pipe, <see cref="Below"/>; after
    /// <see cref="StopAsync"/> go on through <see cref="Below"/>, not the stream, which stays open and
    /// belongs to the caller.
    /// </summary>
    /// <param name="below">A readable and writable stream, positioned where the peer's first TLS record will arrive.</param>
    /// <param name="options">This side's certificate, trusted authorities and limits.</param>
    /// <param name="role">Which end of the handshake this side plays: <see cref="TlsRole.Client"/> or <see cref="TlsRole.Server"/>.</param>
    /// <param name="cancellationToken">Abandons the handshake.</param>
    /// <returns>The layer, once the handshake has completed on this side.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="below"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The stream cannot both read and write; or <paramref name="role"/> is <see cref="TlsRole.Automatic"/>,
    /// or differs from a role set in <see cref="TlsLayerOptions.Role"/>.
    /// </exception>
    /// <exception cref="AmpTlsException">The handshake failed; <see cref="AmpTlsException.Failure"/> names the cause.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<TlsLayer> StartAsync(Stream below, TlsLayerOptions options, TlsRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(below);
        ArgumentNullException.ThrowIfNull(options);
        if (!below.CanRead || !below.CanWrite)
        {
            throw new ArgumentException("A TLS layer needs a stream that can both read and write.", nameof(below));
        }

        bool isClient = IsClient(options, role);
        return StartOverStreamAsync(new StreamDuplexPipe(below), options, isClient, cancellationToken);
    }

    /// <summary>Runs the handshake over <paramref name="below"/> for an AMP connection's StartTLS, and returns the layer.</summary>
    /// <exception cref="AmpTlsException">The handshake failed, or was cancelled because the connection is closing; the message names the cause.</exception>
    internal static async Task<TlsLayer> StartAsync(IDuplexPipe below, TlsLayerOptions options, bool isClient, int depth, CancellationToken cancellationToken)
    {
        try
        {
            return await HandshakeAsync(below, options, isClient, depth, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new AmpTlsException(TlsFailure.HandshakeFailed, "The TLS handshake was abandoned: the connection is closing.", e);
        }
    }

    /// <summary>
    /// Sends close_notify (after flushing <see cref="Output"/>); nothing more may be written to the layer.
    /// The peer's close_notify later ends <see cref="Input"/>. Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Abandons the flush and the close_notify.</param>
    /// <returns>A task that completes when close_notify has been written to the pipe below.</returns>
    /// <exception cref="AmpTlsException">TLS had failed, or failed while flushing.</exception>
    public override async ValueTask CloseWritingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writingClosed, 1) != 0)
        {
            return;
        }

        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _plaintext.ShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pops the layer: flushes <see cref="Output"/>, sends close_notify, reads until the peer's close_notify,
    /// then disposes the layer without completing <see cref="Below"/>. Afterwards <see cref="Below"/>
    /// delivers exactly the bytes the peer wrote after its close_notify. The peer must stop too (with its
    /// own <see cref="StopAsync"/> or <see cref="CloseWritingAsync"/>), after reading everything this side
    /// sent inside TLS; the protocol above decides when, as SMTP's STARTTLS or a StopTLS command does.
    /// </summary>
    /// <remarks>
    /// Plaintext arriving inside TLS after the stop began and before the peer's close_notify, or left unread
    /// in <see cref="Input"/>, is an error (<see cref="TlsFailure.DataBeforeCloseNotify"/>), never silently
    /// dropped: read everything the protocol expects before stopping. Whatever the outcome, the layer is
    /// disposed; after a failure the position of <see cref="Below"/> in the byte stream is unknown, so close it.
    /// </remarks>
    /// <param name="cancellationToken">Abandons the stop (the layer is disposed anyway).</param>
    /// <returns>A task that completes when the peer's close_notify has been read and the layer disposed.</returns>
    /// <exception cref="AmpTlsException">
    /// TLS failed (<see cref="TlsFailure.DataBeforeCloseNotify"/> for data before the close_notify,
    /// <see cref="TlsFailure.PeerClosed"/> when the pipe below ended before it, or the cause of an earlier failure).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The layer was already stopped or disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await CloseWritingAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                long unread = result.Buffer.Length;
                _input.AdvanceTo(result.Buffer.End);
                if (unread > 0)
                {
                    throw new AmpTlsException(TlsFailure.DataBeforeCloseNotify,
                        $"While stopping the TLS layer, {unread} bytes of data arrived inside TLS before the peer's close_notify (or were left unread in the layer's input); "
                        + "the peer must stop sending in a layer being stopped.");
                }

                if (result.IsCompleted)
                {
                    break;
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("A read of the TLS layer's input was cancelled while the layer was being stopped.");
                }
            }

            if (_records.InputEnded)
            {
                throw new AmpTlsException(TlsFailure.PeerClosed,
                    "While stopping the TLS layer, the peer closed the connection without sending its close_notify.");
            }
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Releases the layer without sending close_notify; <see cref="Below"/> stays open. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the layer is released.</returns>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or AmpException or ObjectDisposedException or InvalidOperationException)
        {
            // Bytes written but never flushed could not go out through a failed layer; releasing it goes on.
        }

        // A read pending on the input has lent its pooled buffer to the TLS engine: end that read (the
        // cancellation reaches the pipe below) and wait for it before the input gives the buffer back.
        _input.CancelPendingRead();
        await _input.WhenNoReadRunsAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _tls.DisposeAsync().ConfigureAwait(false);
    }

    private static bool IsClient(TlsLayerOptions options, TlsRole role)
    {
        if (role is not (TlsRole.Client or TlsRole.Server))
        {
            throw new ArgumentException($"A TLS layer over a pipe or a stream needs TlsRole.Client or TlsRole.Server, not {role}: nothing tells which side connected.", nameof(role));
        }

        if (options.Role is not TlsRole.Automatic && options.Role != role)
        {
            throw new ArgumentException($"The role {role} contradicts TlsLayerOptions.Role ({options.Role}).", nameof(role));
        }

        return role == TlsRole.Client;
    }

    private static async Task<TlsLayer> StartOverStreamAsync(StreamDuplexPipe below, TlsLayerOptions options, bool isClient, CancellationToken cancellationToken)
    {
        try
        {
            return await HandshakeAsync(below, options, isClient, depth: 1, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await below.CompleteAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<TlsLayer> HandshakeAsync(IDuplexPipe below, TlsLayerOptions options, bool isClient, int depth, CancellationToken cancellationToken)
    {
        (ITlsSession session, TlsRecordStream records, ITlsEngine engine) =
            await TlsHandshake.RunAsync(below, options, isClient, depth, cancellationToken).ConfigureAwait(false);
        return new TlsLayer(below, session, records, engine);
    }
}
