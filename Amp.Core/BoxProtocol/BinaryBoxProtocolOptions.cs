using Amp.Boxes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amp;

/// <summary>Settings of a <see cref="BinaryBoxProtocol"/> used on its own (an <see cref="AmpConnection"/> takes them from <see cref="AmpConnectionOptions"/>).</summary>
public sealed class BinaryBoxProtocolOptions
{
    private readonly long _maxQueuedOutgoingBytes = 4 * 1024 * 1024;
    private readonly int _maxLayerDepth = 8;

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
}
