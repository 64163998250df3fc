using Amp.Layers;

namespace Amp.Tls;

/// <summary>
/// <c>StopTLS</c>, an Amp.NET extension (no other AMP implementation has it; see spec/amp-wire.md):
/// pops the top TLS layer. The box carries no arguments and the answer only <c>_answer</c>, both sent
/// inside the layer being popped. The responder sends close_notify right after its answer and writes
/// in the layer below from then on; the caller does the same when the answer arrives. Each side reads
/// the popped layer until the peer's close_notify, then the layer below.
/// </summary>
[AmpCommand("StopTLS")]
public sealed class StopTls : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) => LayerChange.Pop<TlsLayer>();
}
