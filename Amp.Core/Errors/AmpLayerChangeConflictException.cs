namespace Amp;

/// <summary>
/// The peer refused a layer change (StartTLS, StopTLS, a protocol switch, or any other change) because
/// a change of its own was in flight at the same moment and won the tie-break: the side whose transport
/// accepted the connection wins. The connection is up and both sides agree on its layers; the change
/// may be called again (code <c>LAYER_CHANGE_CONFLICT</c>, see spec/amp-wire.md).
/// </summary>
public sealed class AmpLayerChangeConflictException : AmpRemoteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="description">The description the peer sent.</param>
    /// <param name="commandName">The refused command.</param>
    public AmpLayerChangeConflictException(string description, string? commandName = null)
        : base(AmpErrorCodes.LayerChangeConflict, description, commandName)
    {
    }
}
