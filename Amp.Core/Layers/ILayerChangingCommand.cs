namespace Amp.Layers;

/// <summary>
/// A command whose answer changes the layer stack (StartTLS, StopTLS). <c>CallRemoteAsync</c> sends it
/// through the barrier path: later boxes wait until the new layer is up.
/// </summary>
internal interface ILayerChangingCommand
{
    /// <summary>Why the connection ends if the change fails after the peer agreed.</summary>
    AmpDisconnectReason FailureReason { get; }

    /// <summary>Builds the layer this side pushes once the peer has agreed.</summary>
    LayerFactory CreateLayer(AmpConnection connection);
}
