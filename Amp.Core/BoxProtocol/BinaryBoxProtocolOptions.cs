using Amp.Boxes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amp;

/// <summary>Settings of a <see cref="BinaryBoxProtocol"/> used on its own (an <see cref="AmpConnection"/> takes them from <see cref="AmpConnectionOptions"/>).</summary>
public sealed class BinaryBoxProtocolOptions
{
    private readonly long _maxQueuedOutgoingBytes = 4 * 1024 * 1024;
    private readonly int _maxLayerDepth = 8;
    private readonly TimeSpan _idleTimeout = Timeout.InfiniteTimeSpan;

    /// <summary>The box limits checked on every received box.</summary>
    public AmpLimits Limits { get; init; } = AmpLimits.Default;

    /// <summary>Where logs go (categories <c>Amp.Connection</c> and <c>Amp.Wire</c>).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How many encoded bytes may wait to be written before <see cref="BinaryBoxProtocol.HasRoom"/> turns false. Default 4 MiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public long MaxQueuedOutgoingBytes
    {
        get => _maxQueuedOutgoingBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxQueuedOutgoingBytes = value;
        }
    }

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

    /// <summary>The name in logs and messages; the transport's description when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// How long the peer may send nothing before the connection is closed
    /// (<see cref="AmpDisconnectReason.TimedOut"/>). Time counts only while this side waits for the peer's
    /// bytes. Off (<see cref="Timeout.InfiniteTimeSpan"/>) by default, as in Twisted; turn it on in servers
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
}
