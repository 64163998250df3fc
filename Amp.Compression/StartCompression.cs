using Amp.Layers;

namespace Amp.Compression;

/// <summary>
/// <c>StartCompression</c>, an Amp.NET extension (spec/amp-wire.md §12b): pushes a Deflate compression
/// layer on both sides. The box carries no arguments (the compression level is local) and the answer only
/// <c>_answer</c>, both in the current top layer; each side compresses from right after that answer.
/// Calling it with <c>CallRemoteAsync(new StartCompression { Options = ... })</c> is the same as
/// <see cref="AmpCompression.StartCompressionAsync"/>.
/// </summary>
/// <remarks>
/// Boxes sent while the command is in flight are held and go out compressed. If the peer refuses, they
/// go out uncompressed rather than failing: compression changes the size of the bytes, not who may read
/// them, so nothing held was meant only for the new layer (unlike StartTLS).
/// </remarks>
[AmpCommand("StartCompression")]
public sealed class StartCompression : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <summary>This side's compression settings. Never sent.</summary>
    public CompressionLayerOptions Options { get; init; } = new();

    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) => AmpCompression.PushCompression(Options);
}
