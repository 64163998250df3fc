using System.IO.Compression;
using Amp.Compression.Framing;

namespace Amp.Compression;

/// <summary>Settings of one compression layer. The defaults suit AMP: fast compression, frames up to 1 MiB accepted.</summary>
public sealed record CompressionLayerOptions
{
    private readonly CompressionLevel _level = CompressionLevel.Fastest;
    private readonly int _maxFrameBytes = 1024 * 1024;

    /// <summary>
    /// How hard this side compresses what it sends. Default <see cref="CompressionLevel.Fastest"/>: the
    /// compressor runs on the writer's path once per batch of boxes, and AMP boxes (repeated keys, similar
    /// values) compress well even at the fastest level. The peer needs no setting to decompress.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="CompressionLevel"/>.</exception>
    public CompressionLevel Level
    {
        get => _level;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not a defined CompressionLevel.");
            }

            _level = value;
        }
    }

    /// <summary>
    /// The longest frame payload accepted from the peer, in bytes; a longer length prefix ends the
    /// connection with an <see cref="AmpCompressionException"/> as soon as it is read. Default 1 MiB; at
    /// least 65,536 (64 KiB), the most a sender puts in one frame (spec/amp-wire.md §12b). It bounds the
    /// compressed input only: decompressed bytes are produced as the reader above asks for them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 65,536.</exception>
    public int MaxFrameBytes
    {
        get => _maxFrameBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, CompressionFrame.MaxWrittenPayload);
            _maxFrameBytes = value;
        }
    }
}
