using Amp.Layers;

namespace Amp.Compression;

/// <summary>
/// <c>StopCompression</c>, an Amp.NET extension (spec/amp-wire.md §12b): pops the top compression layer.
/// The box carries no arguments and the answer only <c>_answer</c>, both sent compressed in the layer being
/// popped. The responder ends its Deflate stream and writes the end frame right after its answer, and
/// writes in the layer below from then on; the caller does the same when the answer arrives. Each side
/// reads the popped layer until the peer's end frame, then the layer below.
/// </summary>
[AmpCommand("StopCompression")]
public sealed class StopCompression : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) => LayerChange.Pop<CompressionLayer>();
}
