using Amp.Boxes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amp;

/// <summary>Settings of one connection. Every limit has a safe default. One instance may serve many connections.</summary>
public sealed class AmpConnectionOptions
{
    private readonly int _maxConcurrentIncomingCalls = 256;
    private readonly long _maxQueuedOutgoingBytes = 4 * 1024 * 1024;
    private readonly TimeSpan _callTimeout = Timeout.InfiniteTimeSpan;
    private readonly int _maxLayerDepth = 8;
    private readonly TimeSpan _idleTimeout = Timeout.InfiniteTimeSpan;
    private readonly TimeSpan _keepAliveInterval = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _keepAliveTimeout = TimeSpan.FromSeconds(20);
    private readonly int _streamWindowBytes = 256 * 1024;
    private readonly long _maxStreamBufferBytes = 16 * 1024 * 1024;
    private readonly int _maxIncomingStreams = 1024;

    /// <summary>Limits on incoming boxes.</summary>
    public AmpLimits Limits { get; init; } = AmpLimits.Default;

    /// <summary>The commands this side answers. Empty by default: every command gets <c>UNHANDLED</c>.</summary>
    public AmpResponders Responders { get; init; } = new();

    /// <summary>Where logs go. Categories: <c>Amp.Connection</c>, <c>Amp.Wire</c>, <c>Amp.Dispatch</c>, and <c>Amp.Tls</c> for TLS layers.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// How many incoming calls may be running at once (responders that have not completed). At the
    /// limit, further commands are set aside in order (up to <see cref="MaxQueuedOutgoingBytes"/> or one
    /// box's limit, whichever is smaller) while answers to this side's own calls are still read; past
    /// that, reading pauses until one completes. Nothing is dropped. Default 256.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxConcurrentIncomingCalls
    {
        get => _maxConcurrentIncomingCalls;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrentIncomingCalls = value;
        }
    }

    /// <summary>
    /// How many bytes of outgoing boxes may wait to be written (for example while the peer is not
    /// reading). Callers wait, and reading pauses, while more are queued. Default 4 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 65 KiB (one box must fit).</exception>
    public long MaxQueuedOutgoingBytes
    {
        get => _maxQueuedOutgoingBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 65 * 1024);
            _maxQueuedOutgoingBytes = value;
        }
    }

    /// <summary>
    /// How long a call (<c>CallRemoteAsync</c>, <c>CallRemoteStringAsync</c>) waits for its answer before
    /// failing with <see cref="TimeoutException"/>; the answer, if it comes later, is dropped. Checked
    /// by one sweep per connection, so a call fails up to a quarter of the timeout (at most 1 s) after it.
    /// Default <see cref="Timeout.InfiniteTimeSpan"/>: a call waits until it is answered, cancelled or the
    /// connection ends, as in Twisted. StartTLS, StopTLS and protocol switches are never timed out this
    /// way (the TLS handshake has its own timeout).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan CallTimeout
    {
        get => _callTimeout;
        init
        {
            _callTimeout = OptionValues.PositiveOrInfinite(value);
        }
    }

    /// <summary>
    /// Close the connection after answering <c>UNKNOWN</c> (an undeclared exception or malformed arguments),
    /// as Twisted does. Default <see langword="false"/>: the connection stays up.
    /// </summary>
    public bool CloseOnUnknownError { get; init; }

    /// <summary>
    /// Quote the offending box in the messages of <see cref="AmpProtocolError.EmptyBox"/>,
    /// <see cref="AmpProtocolError.MalformedError"/> and <see cref="AmpProtocolError.UnknownTag"/>
    /// protocol errors. Default <see langword="false"/>. (A malformed argument's message always quotes up
    /// to 64 bytes of its value, and the Trace-level <c>BoxReceived</c> log always shows the box.)
    /// </summary>
    public bool IncludeWireDataInErrors { get; init; }

    /// <summary>
    /// How many layers (TLS, compression, a user's) may be pushed on the transport, counting both sides'
    /// pushes. A push past it is refused: asked for by this side, it fails with
    /// <see cref="InvalidOperationException"/> and nothing is sent; asked for by the peer, it is answered
    /// with the error code <see cref="AmpErrorCodes.LayerDepthLimit"/>. Each layer costs memory and CPU per
    /// byte, so a peer must not nest them without bound. Default 8.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxLayerDepth
    {
        get => _maxLayerDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxLayerDepth = value;
        }
    }

    /// <summary>A name for this connection in logs and messages; the transport's description when empty.</summary>
    public string? Name { get; init; }

    internal static AmpConnectionOptions Default { get; } = new();

    /// <summary>
    /// How long the peer may send nothing while no call is in flight either way (no answer awaited, no responder running) before the connection is closed
    /// (<see cref="AmpDisconnectReason.TimedOut"/>). Time counts only while this side waits for the peer's
    /// bytes. Keepalive pings and their answers, either way, are not activity: an idle connection is closed even
    /// while its pings are answered. Checked once a second, so the connection closes up to a second after it. Off (<see cref="Timeout.InfiniteTimeSpan"/>) by default, as in Twisted; turn it on in servers
    /// that face the internet.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        init
        {
            _idleTimeout = OptionValues.PositiveOrInfinite(value);
        }
    }

    /// <summary>
    /// The slowest the peer may send a box once it has begun one; a slower box closes the connection
    /// (<see cref="AmpDisconnectReason.TimedOut"/>), so a peer trickling bytes cannot hold a connection and
    /// its buffers for ever. <see langword="null"/> turns it off. Default <see cref="AmpMinimumDataRate.Default"/>
    /// (240 bytes per second after 5 seconds).
    /// </summary>
    public AmpMinimumDataRate? MinimumReceiveRate { get; init; } = AmpMinimumDataRate.Default;

    /// <summary>
    /// How long the peer may send nothing at all before this side pings it (a <c>_amp.ping</c> call, spec/amp-wire.md
    /// §15.6), to find a peer that is frozen, whose host is gone or whose network is cut. Only a peer that agreed to
    /// <see cref="AmpExtensions.KeepAlive"/> is pinged; if nothing is agreed yet when the first ping is due, the
    /// extension hello goes in its place, and a peer that does not agree (Twisted) is never pinged (TCP keepalive,
    /// <see cref="Transports.SocketTransportOptions.TcpKeepAliveTime"/>, still finds a dead host). Time counts only while
    /// this side waits for the peer's bytes with its own output drained, and no ping is sent while a layer change
    /// is pending. <see cref="Timeout.InfiniteTimeSpan"/> turns pings off (this side still answers the peer's). Default 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan KeepAliveInterval
    {
        get => _keepAliveInterval;
        init
        {
            _keepAliveInterval = OptionValues.PositiveOrInfinite(value);
        }
    }

    /// <summary>
    /// How long after a keepalive ping the peer may still send nothing at all (any bytes count, not only the
    /// ping's answer) before the connection is closed with <see cref="AmpDisconnectReason.KeepAliveTimeout"/>; pending
    /// calls fail with that reason. With the defaults a frozen peer is found about 50 seconds
    /// (<see cref="KeepAliveInterval"/> + this) after it fell silent. Time counts only while this side waits for the peer's bytes.
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps the pings (for middleboxes that drop idle connections) but never closes.
    /// Default 20 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan KeepAliveTimeout
    {
        get => _keepAliveTimeout;
        init
        {
            _keepAliveTimeout = OptionValues.PositiveOrInfinite(value);
        }
    }

    /// <summary>
    /// The Amp.NET extensions this side may use (spec/amp-wire.md §15). Each is used only once the peer has
    /// agreed to it: this side offers them in a hello the first time a call needs one (or when
    /// <see cref="AmpConnection.NegotiateExtensionsAsync"/> is called), and answers the peer's hello. A
    /// peer that never meets such a call sees plain AMP; a Twisted peer answers the hello <c>UNHANDLED</c> and
    /// the call fails locally with <see cref="AmpExtensionUnavailableException"/>. <see cref="AmpExtensions.None"/>
    /// makes this side answer hellos <c>UNHANDLED</c>, as Twisted does. Default <see cref="AmpExtensions.Default"/>
    /// (every extension but <see cref="AmpExtensions.TraceContext"/>, which is opt-in).
    /// </summary>
    public AmpExtensions Extensions { get; init; } = AmpExtensions.Default;

    /// <summary>
    /// The credit window of each incoming stream: the most bytes the peer may send ahead of what the
    /// application has read. Larger windows carry more per round trip; smaller ones hold small calls up less
    /// behind a stream. Default 256 KiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 KiB.</exception>
    public int StreamWindowBytes
    {
        get => _streamWindowBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            _streamWindowBytes = value;
        }
    }

    /// <summary>
    /// The most bytes all incoming streams of a connection may buffer together (credit granted and not yet
    /// read). A stream announced when it is spent gets its credit when other streams are read. Default 16 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 KiB.</exception>
    public long MaxStreamBufferBytes
    {
        get => _maxStreamBufferBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            _maxStreamBufferBytes = value;
        }
    }

    /// <summary>
    /// The most incoming streams a connection keeps open at once (announced and not yet ended by the peer,
    /// stopped ones included). A peer that announces more breaks the protocol (<see cref="AmpProtocolError.StreamViolation"/>)
    /// and the connection is closed: each open stream costs memory even before it carries a byte. Default 1024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxIncomingStreams
    {
        get => _maxIncomingStreams;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxIncomingStreams = value;
        }
    }
}
