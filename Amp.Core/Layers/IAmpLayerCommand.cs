namespace Amp.Layers;

/// <summary>
/// A command whose success answer changes the layer stack on both sides (StartTLS, StopTLS,
/// compression). Implement it next to <see cref="IAmpCommand{TResponse}"/>:
/// <c>CallRemoteAsync</c> then sends the command through the box layer's change machinery (later
/// boxes are held until the change is made), and the responder is registered with
/// <see cref="AmpResponders.AddLayerChange{TCommand, TResponse}"/>.
/// </summary>
public interface IAmpLayerCommand
{
    /// <summary>The change this side makes once the peer has agreed.</summary>
    /// <param name="connection">The connection the command is called on.</param>
    /// <returns>The change.</returns>
    LayerChange CreateChange(AmpConnection connection);
}
