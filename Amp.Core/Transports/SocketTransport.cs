using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Amp.Transports;

/// <summary>
/// A transport over a connected stream socket (TCP or Unix domain), built the Kestrel way: a receive
/// loop fills the <see cref="Input"/> pipe and a send loop drains the <see cref="Output"/> pipe, so
/// many small writes flushed together go out in one send.
/// </summary>
/// <remarks>
/// <para>
/// Both pipes are bounded (<see cref="SocketTransportOptions.MaxReadBufferSize"/>,
/// <see cref="SocketTransportOptions.MaxWriteBufferSize"/>): a peer that stops reading makes
/// <see cref="PipeWriter.FlushAsync"/> wait, and an application that stops reading stops the receive loop.
/// </para>
/// <para>
/// When the peer closes its sending side, <see cref="Input"/> completes normally. When the socket
/// fails (for example a connection reset), <see cref="Input"/> completes with an <see cref="IOException"/>
/// whose inner exception is the <see cref="SocketException"/>, and a later flush of <see cref="Output"/>
/// throws the same kind of exception. Completing <see cref="Output"/> sends the bytes already flushed,
/// then shuts down the sending side (the peer reads the end of its input); if <see cref="Output"/> is
/// completed with an exception, unsent bytes are dropped before the shutdown.
/// </para>
/// </remarks>
public sealed partial class SocketTransport : AmpTransport
{
    // Half of the pipe's 4 KiB segment, as Kestrel does: a receive takes the rest of the current segment
    // while at least this much is left, so a peer sending one byte per TCP segment costs at most two
    // bytes of buffer per byte received, not a fresh segment per receive.
    private const int MinimumReceiveSize = 2048;

    // The most one receive asks for, reached only while receives keep filling their buffers (see NextReceiveSize).
    private const int MaximumReceiveSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly SocketTransportOptions _options;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly Task _receiveTask;
    private readonly Task _sendTask;
    private readonly object _disposeLock = new();
    private readonly SocketSender _sender;
    private readonly CancellationTokenSource _closed = new();
    private Task? _disposeTask;
    private Action? _onTornDown;
    private volatile bool _closing;
    private volatile bool _sending;

    private SocketTransport(Socket socket, AmpTransportRole role, SocketTransportOptions options)
    {
        _socket = socket;
        _sender = new SocketSender(socket);
        _options = options;
        Role = role;
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.NoDelay = options.NoDelay;
            TcpKeepAlive.Apply(socket, options);
        }

        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        Description = EndPointText.Describe(socket);

        MemoryPool<byte> pool = options.MemoryPool ?? MemoryPool<byte>.Shared;

        // The application's reader (AMP's read loop) resumes on the thread pool so the receive loop can
        // go on receiving in parallel; a flush resumes the send loop inline (SendInline), which only
        // issues the send (measured in Amp.Benchmarks). The loops resume inline when the application
        // frees space, which only starts the next socket operation.
        _input = new Pipe(new PipeOptions(
            pool,
            readerScheduler: PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.MaxReadBufferSize,
            resumeWriterThreshold: options.MaxReadBufferSize / 2,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            pool,
            readerScheduler: options.SendInline ? PipeScheduler.Inline : PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: options.MaxWriteBufferSize,
            resumeWriterThreshold: options.MaxWriteBufferSize / 2,
            useSynchronizationContext: false));

        // Task.Run keeps socket I/O out of the constructor (and out of the caller's synchronization context).
        _receiveTask = Task.Run(ReceiveLoopAsync);
        _sendTask = Task.Run(SendLoopAsync);
    }

    /// <inheritdoc/>
    public override PipeReader Input => _input.Reader;

    /// <inheritdoc/>
    public override PipeWriter Output => _output.Writer;

    /// <inheritdoc/>
    public override AmpTransportRole Role { get; }

    /// <summary>A description such as <c>tcp 127.0.0.1:40112-&gt;127.0.0.1:5000</c> (local, then remote).</summary>
    public override string Description { get; }

    /// <summary>
    /// Cancelled when the socket fails in either direction (a reset, for instance) or is closed. While the
    /// application is not reading and <see cref="Input"/> is full, the socket is checked for a reset every
    /// <see cref="SocketTransportOptions.PeerCheckInterval"/>, so a peer that leaves is noticed even then.
    /// </summary>
    public override CancellationToken Closed => _closed.Token;

    /// <summary>Whether the send loop holds flushed bytes that the socket has not taken yet.</summary>
    internal override bool HasUnsentOutput => _sending;

    /// <summary>The socket (tests read its options).</summary>
    internal Socket Socket => _socket;

    /// <summary>The local end point of the socket, or <see langword="null"/> if the platform did not report one.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>The remote end point of the socket, or <see langword="null"/> if the platform did not report one.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Connects over TCP to <paramref name="host"/>, trying each of its addresses in turn.</summary>
    /// <param name="host">A host name or an IP address literal.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="options">Socket settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the name lookup and the connection attempts.</param>
    /// <returns>A connected transport with <see cref="AmpTransportRole.Initiator"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not a valid port.</exception>
    /// <exception cref="SocketException">The name did not resolve or no address accepted the connection.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<SocketTransport> ConnectTcpAsync(
        string host,
        int port,
        SocketTransportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        IPAddress[] addresses = IPAddress.TryParse(host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? lastError = null;
        foreach (IPAddress address in addresses)
        {
            try
            {
                return await ConnectAsync(new IPEndPoint(address, port), options, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                lastError = e;
            }
        }

        throw lastError!;
    }

    /// <summary>Connects to a Unix domain socket.</summary>
    /// <param name="path">The socket file's path.</param>
    /// <param name="options">Socket settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>A connected transport with <see cref="AmpTransportRole.Initiator"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="SocketException">Nothing listens at <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static Task<SocketTransport> ConnectUnixAsync(
        string path,
        SocketTransportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ConnectAsync(new UnixDomainSocketEndPoint(path), options, cancellationToken);
    }

    /// <summary>Connects to an end point: an <see cref="IPEndPoint"/>, a <see cref="DnsEndPoint"/> or a <see cref="UnixDomainSocketEndPoint"/>.</summary>
    /// <param name="endPoint">Where to connect.</param>
    /// <param name="options">Socket settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>A connected transport with <see cref="AmpTransportRole.Initiator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<SocketTransport> ConnectAsync(
        EndPoint endPoint,
        SocketTransportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint is DnsEndPoint dns)
        {
            return await ConnectTcpAsync(dns.Host, dns.Port, options, cancellationToken).ConfigureAwait(false);
        }

        Socket socket = endPoint.AddressFamily == AddressFamily.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new SocketTransport(socket, AmpTransportRole.Initiator, options ?? new SocketTransportOptions());
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a socket a listener accepted; <paramref name="closed"/> runs once, when the transport's tear-down has ended.</summary>
    internal static SocketTransport FromAccepted(Socket socket, SocketTransportOptions options, Action? closed = null) =>
        new(socket, AmpTransportRole.Acceptor, options) { _onTornDown = closed };

    /// <summary>
    /// Closes the connection: completes <see cref="Output"/>, waits up to
    /// <see cref="SocketTransportOptions.CloseTimeout"/> for bytes already flushed to be sent, closes the
    /// socket and waits for the receive and send loops to end. A read pending on <see cref="Input"/>
    /// returns with <see cref="ReadResult.IsCompleted"/> (and whatever was received but not consumed);
    /// a flush pending on <see cref="Output"/> returns with <see cref="FlushResult.IsCanceled"/>.
    /// Safe to call more than once and concurrently; every call waits for the same tear-down.
    /// </summary>
    /// <remarks>Any use of <see cref="Input"/> or <see cref="Output"/> afterwards throws <see cref="InvalidOperationException"/>.</remarks>
    /// <returns>A task that completes when the socket is closed and both loops have ended.</returns>
    public override ValueTask DisposeAsync()
    {
        lock (_disposeLock)
        {
            _disposeTask ??= DisposeThenNotifyAsync();
            return new ValueTask(_disposeTask);
        }
    }

    private async Task DisposeThenNotifyAsync()
    {
        try
        {
            await DisposeCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            // A listener counts its open connections: this one is gone, whatever the tear-down met.
            _onTornDown?.Invoke();
        }
    }

    private async Task DisposeCoreAsync()
    {
        _output.Writer.CancelPendingFlush();
        _output.Writer.Complete();
        try
        {
            await _sendTask.WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer is not taking our bytes; close anyway.
        }

        _closing = true;
        try
        {
            // A receive in progress ends with 0 bytes, not an "operation canceled" exception as it would if
            // the socket were disposed under it: a clean close throws nothing.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset, for instance: disposing ends a receive in progress.
            _socket.Dispose();
        }

        // The receive loop may be waiting for the application to make room; let it see the close.
        _input.Writer.CancelPendingFlush();
        await _receiveTask.ConfigureAwait(false);
        _socket.Dispose();
        SignalClosed();
        await _sendTask.ConfigureAwait(false);
        _input.Reader.Complete();
    }
}
