namespace Amp.Layers;

/// <summary>
/// A command whose answer changes the layer stack (StartTLS, StopTLS). <c>CallRemoteAsync</c> sends it
/// through the barrier path: later boxes wait until the new layer is up.
/// </summary>
internal interface ILayerChangingCommand
{
    /// <summary>Why the connection ends if the change fails after the peer agreed.</summary>
    AmpDisconnectReason FailureReason { get; }

    /// <summary>
    /// Whether boxes queued while the change is pending may only travel in the new layer: if the peer
    /// refuses, their calls fail instead (StartTLS: nothing meant for TLS goes out in plaintext).
    /// </summary>
    bool HeldBoxesNeedTheNewLayer { get; }

    /// <summary>The change this side makes once the peer has agreed.</summary>
    StackChange CreateChange(AmpConnection connection);
}
