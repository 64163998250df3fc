using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amp.Transports;

/// <summary>
/// Settings for <see cref="SocketTransport"/> and <see cref="SocketListener"/>. The defaults are safe:
/// each direction buffers at most about 1 MiB before applying backpressure, and a listener keeps at most
/// 10,000 connections open.
/// </summary>
public sealed class SocketTransportOptions
{
    private long _maxReadBufferSize = 1024 * 1024;
    private long _maxWriteBufferSize = 1024 * 1024;
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private int _listenBacklog = 512;
    private TimeSpan _peerCheckInterval = TimeSpan.FromSeconds(1);
    private int? _maxConnections = 10_000;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private TimeSpan _tcpKeepAliveTime = TimeSpan.FromSeconds(60);
    private TimeSpan _tcpKeepAliveInterval = TimeSpan.FromSeconds(10);
    private int _tcpKeepAliveRetryCount = 6;

    /// <summary>The pool the pipe buffers come from; <see langword="null"/> means <see cref="MemoryPool{T}.Shared"/>.</summary>
    public MemoryPool<byte>? MemoryPool { get; init; }

    /// <summary>
    /// How many received bytes may wait unread in <see cref="AmpTransport.Input"/> before the transport
    /// stops receiving (the peer then sees TCP backpressure). Receiving resumes below half of it.
    /// Default 1 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxReadBufferSize
    {
        get => _maxReadBufferSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxReadBufferSize = value;
        }
    }

    /// <summary>
    /// How many flushed bytes may wait unsent in <see cref="AmpTransport.Output"/> before
    /// <see cref="System.IO.Pipelines.PipeWriter.FlushAsync"/> waits for the socket to take them.
    /// Flushing resumes below half of it. Default 1 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxWriteBufferSize
    {
        get => _maxWriteBufferSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxWriteBufferSize = value;
        }
    }

    /// <summary>Whether Nagle's algorithm is disabled on TCP sockets. Default <see langword="true"/> (no delay).</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>
    /// Whether the transport waits for data with a zero-byte receive before renting a buffer, so idle
    /// connections hold no receive buffer. Default <see langword="true"/>.
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; init; } = true;

    /// <summary>
    /// Whether a flush sends on the flushing thread instead of waking the transport's send loop on the
    /// thread pool. Default <see langword="true"/>: on a 2-core machine it halves the round-trip time of
    /// a lone call, and an AMP connection already gathers concurrent calls into one flush.
    /// </summary>
    public bool SendInline { get; init; } = true;

    /// <summary>
    /// How long <see cref="SocketTransport.DisposeAsync"/> waits for bytes already flushed to
    /// <see cref="AmpTransport.Output"/> to be sent before it closes the socket anyway. Default 5 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan CloseTimeout
    {
        get => _closeTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _closeTimeout = value;
        }
    }

    /// <summary>
    /// The most connections a <see cref="SocketListener"/> keeps open at once: the transports it handed out
    /// that are not disposed yet (<see cref="SocketListener.ConnectionCount"/>). At the limit the listener
    /// accepts each further connection and closes it at once, as Kestrel's connection limit does, so the
    /// kernel's backlog never fills; the peer reads the end of the stream (or a reset, if it had already
    /// sent bytes), the refusal is logged (<c>ConnectionRejected</c>, Warning), and
    /// <see cref="SocketListener.AcceptAsync"/> goes on waiting for a connection it may hand out. Default
    /// 10,000: an idle connection holds about 25 KB, so about 250 MB at
    /// the limit. <see langword="null"/> for no limit. Read when the listener starts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int? MaxConnections
    {
        get => _maxConnections;
        init
        {
            if (value is int limit)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            }

            _maxConnections = value;
        }
    }

    /// <summary>
    /// Where a <see cref="SocketListener"/> logs (category <c>Amp.Connection</c>): connections refused at
    /// <see cref="MaxConnections"/>. Default <see cref="NullLoggerFactory.Instance"/> (no logging). Read when the listener starts.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ILoggerFactory LoggerFactory
    {
        get => _loggerFactory;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _loggerFactory = value;
        }
    }

    /// <summary>The pending-connection queue length of a <see cref="SocketListener"/>. Default 512.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int ListenBacklog
    {
        get => _listenBacklog;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _listenBacklog = value;
        }
    }

    /// <summary>
    /// How often the socket is checked for a reset while the application is not reading and the receive
    /// buffer is full (<see cref="MaxReadBufferSize"/>), so a connection whose peer has left ends even
    /// then. <see cref="Timeout.InfiniteTimeSpan"/> turns the check off. Default 1 second.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan PeerCheckInterval
    {
        get => _peerCheckInterval;
        init
        {
            _peerCheckInterval = OptionValues.PositiveOrInfinite(value);
        }
    }

    /// <summary>
    /// How long a TCP connection may carry nothing before the operating system sends the first TCP
    /// keepalive probe (<c>SO_KEEPALIVE</c>, <c>TCP_KEEPIDLE</c>). <see cref="Timeout.InfiniteTimeSpan"/> turns
    /// TCP keepalive off. Default 60 seconds: with the default interval and retry count, a peer whose host is
    /// gone or whose network is cut is found about 2 minutes after the connection fell silent, even with a
    /// peer that speaks no Amp.NET extension (Twisted).
    /// </summary>
    /// <remarks>
    /// TCP keepalive is answered by the peer's operating system, not by its process: it finds a dead host or a
    /// cut network, never a frozen process (its kernel still acknowledges). Finding a frozen peer is the job of
    /// the AMP keepalive ping (<see cref="AmpConnectionOptions.KeepAliveInterval"/>), used with peers that agreed
    /// to it. Whole seconds (rounded up); applied when the socket is connected or accepted.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 second and not <see cref="Timeout.InfiniteTimeSpan"/>, or more than <see cref="int.MaxValue"/> seconds.</exception>
    public TimeSpan TcpKeepAliveTime
    {
        get => _tcpKeepAliveTime;
        init => _tcpKeepAliveTime = value == Timeout.InfiniteTimeSpan ? value : TcpKeepAlive.WholeSeconds(value);
    }

    /// <summary>
    /// The time between TCP keepalive probes once the first went unanswered (<c>TCP_KEEPINTVL</c>). Default
    /// 10 seconds. Whole seconds (rounded up).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 second or more than <see cref="int.MaxValue"/> seconds.</exception>
    public TimeSpan TcpKeepAliveInterval
    {
        get => _tcpKeepAliveInterval;
        init => _tcpKeepAliveInterval = TcpKeepAlive.WholeSeconds(value);
    }

    /// <summary>
    /// How many unanswered TCP keepalive probes end the connection (<c>TCP_KEEPCNT</c>); the connection then
    /// fails with a socket error (<see cref="AmpDisconnectReason.TransportError"/>). Default 6.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 or more than 127 (Linux's limit).</exception>
    public int TcpKeepAliveRetryCount
    {
        get => _tcpKeepAliveRetryCount;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 127);
            _tcpKeepAliveRetryCount = value;
        }
    }
}
