using System.Net;
using System.Net.Sockets;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Transports;

/// <summary>
/// Accepts connections on a TCP port or a Unix domain socket path and hands each one out as a
/// <see cref="SocketTransport"/> with <see cref="AmpTransportRole.Acceptor"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="AcceptAsync"/> may be called repeatedly (typically in a loop) to serve any number of
/// connections; calls may overlap. Disposing the listener stops accepting but leaves the connections
/// already accepted open: each transport is disposed by its owner.
/// </para>
/// <para>
/// The listener counts the transports it handed out until each is disposed (<see cref="ConnectionCount"/>).
/// At <see cref="SocketTransportOptions.MaxConnections"/> it accepts further connections and closes them at
/// once, logging each (<see cref="AmpEventId.ConnectionRejected"/>): <see cref="AcceptAsync"/> never returns
/// a refused connection. Dispose every accepted transport, or its place is never freed.
/// </para>
/// </remarks>
public sealed class SocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SocketTransportOptions _options;
    private readonly string? _unixPath;
    private readonly int? _maxConnections;
    private readonly ILogger _logger;
    private readonly Action _connectionClosed;
    private int _connectionCount;
    private int _disposed;

    private SocketListener(Socket socket, SocketTransportOptions options, string? unixPath)
    {
        _socket = socket;
        _options = options;
        _unixPath = unixPath;
        _maxConnections = options.MaxConnections;
        _logger = options.LoggerFactory.CreateLogger("Amp.Connection");
        _connectionClosed = () => Interlocked.Decrement(ref _connectionCount);
        LocalEndPoint = socket.LocalEndPoint ?? throw new InvalidOperationException("The bound socket reported no local end point.");
    }

    /// <summary>The bound end point: for TCP the actual port, also when port 0 asked for any free one.</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>The bound TCP port.</summary>
    /// <exception cref="InvalidOperationException">The listener is bound to a Unix domain socket.</exception>
    public int Port => LocalEndPoint is IPEndPoint ip
        ? ip.Port
        : throw new InvalidOperationException("A Unix domain socket listener has no port.");

    /// <summary>The socket file's path for a Unix domain socket listener; <see langword="null"/> for TCP.</summary>
    public string? UnixSocketPath => _unixPath;

    /// <summary>
    /// How many transports this listener handed out that are not disposed yet: the count
    /// <see cref="SocketTransportOptions.MaxConnections"/> limits. A transport leaves it when its
    /// <see cref="AmpTransport.DisposeAsync"/> has finished closing the socket.
    /// </summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Starts listening on TCP.</summary>
    /// <param name="endPoint">The address and port; port 0 picks a free port (read it from <see cref="Port"/>).</param>
    /// <param name="options">Settings for the listener and the accepted transports; <see langword="null"/> for the defaults.</param>
    /// <returns>A listening listener.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static SocketListener ListenTcp(IPEndPoint endPoint, SocketTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        options ??= new SocketTransportOptions();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(options.ListenBacklog);
            return new SocketListener(socket, options, unixPath: null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts listening on TCP.</summary>
    /// <param name="address">The local address, such as <see cref="IPAddress.Loopback"/>.</param>
    /// <param name="port">The port; 0 picks a free port (read it from <see cref="Port"/>).</param>
    /// <param name="options">Settings for the listener and the accepted transports; <see langword="null"/> for the defaults.</param>
    /// <returns>A listening listener.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not a valid port.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static SocketListener ListenTcp(IPAddress address, int port, SocketTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return ListenTcp(new IPEndPoint(address, port), options);
    }

    /// <summary>
    /// Starts listening on a Unix domain socket. A stale socket file at <paramref name="path"/> (one
    /// nobody listens on) is deleted first; the file is deleted again when the listener is disposed.
    /// </summary>
    /// <param name="path">The socket file's path.</param>
    /// <param name="options">Settings for the listener and the accepted transports; <see langword="null"/> for the defaults.</param>
    /// <returns>A listening listener.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">Another process is listening on <paramref name="path"/>.</exception>
    /// <exception cref="SocketException">The path cannot be bound.</exception>
    public static SocketListener ListenUnix(string path, SocketTransportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SocketTransportOptions();
        var endPoint = new UnixDomainSocketEndPoint(path);
        DeleteStaleSocketFile(path, endPoint);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(options.ListenBacklog);
            return new SocketListener(socket, options, path);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits for the next connection this listener may hand out. Connections arriving while
    /// <see cref="ConnectionCount"/> is at <see cref="SocketTransportOptions.MaxConnections"/> are closed
    /// at once and never returned; the call goes on waiting.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The accepted connection, a <see cref="SocketTransport"/> with <see cref="AmpTransportRole.Acceptor"/>; dispose it when done.</returns>
    /// <exception cref="ObjectDisposedException">The listener is disposed, also while the call is waiting.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="SocketException">Accepting failed.</exception>
    public async ValueTask<AmpTransport> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (Volatile.Read(ref _disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(SocketListener), e);
            }

            if (!TryTakePlace())
            {
                Reject(accepted);
                continue;
            }

            try
            {
                return SocketTransport.FromAccepted(accepted, _options, _connectionClosed);
            }
            catch
            {
                _connectionClosed();
                accepted.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Stops listening: waiting <see cref="AcceptAsync"/> calls throw <see cref="ObjectDisposedException"/>,
    /// and a Unix domain socket file is deleted. Connections already accepted stay open. Safe to call more than once.
    /// </summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            if (_unixPath is not null)
            {
                TryDeleteFile(_unixPath);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Counts one more open connection, unless that would pass the limit.</summary>
    private bool TryTakePlace()
    {
        if (_maxConnections is not int limit)
        {
            Interlocked.Increment(ref _connectionCount);
            return true;
        }

        int count = Volatile.Read(ref _connectionCount);
        while (count < limit)
        {
            int seen = Interlocked.CompareExchange(ref _connectionCount, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }

    /// <summary>
    /// Closes a connection accepted past the limit. Accepting it, rather than leaving it in the kernel's
    /// backlog, keeps the backlog free for the connections that can be served once places free up, and
    /// tells the peer at once.
    /// </summary>
    private void Reject(Socket accepted)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.Connection.ConnectionRejected(_logger, EndPointText.Describe(accepted), _maxConnections!.Value);
        }

        accepted.Dispose();
    }

    private static void DeleteStaleSocketFile(string path, UnixDomainSocketEndPoint endPoint)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(endPoint);
            }
            catch (SocketException)
            {
                // Nobody answers: the file is left over from a listener that is gone.
                File.Delete(path);
                return;
            }
        }

        throw new IOException($"Another process is listening on the Unix domain socket {path}.");
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else removed or replaced it; nothing of ours is left to clean up.
        }
    }
}
