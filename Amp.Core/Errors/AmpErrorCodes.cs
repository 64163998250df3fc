namespace Amp;

/// <summary>The error codes AMP itself defines.</summary>
public static class AmpErrorCodes
{
    /// <summary>An undeclared failure in a responder, or a malformed argument: <c>UNKNOWN</c> with description <c>Unknown Error</c>.</summary>
    public const string Unknown = "UNKNOWN";

    /// <summary>No responder for the command: <c>UNHANDLED</c>.</summary>
    public const string Unhandled = "UNHANDLED";

    /// <summary>The description sent with <see cref="Unknown"/>, as Twisted sends it.</summary>
    public const string UnknownDescription = "Unknown Error";

    /// <summary>
    /// A layer change (StartTLS, StopTLS, a switch) was refused because the refusing side had its own change
    /// in flight and won the tie-break (an Amp.NET extension; see <see cref="AmpLayerChangeConflictException"/>).
    /// </summary>
    public const string LayerChangeConflict = "LAYER_CHANGE_CONFLICT";

    /// <summary>
    /// A push was refused because the connection already has as many layers as its
    /// <see cref="AmpConnectionOptions.MaxLayerDepth"/> allows (an Amp.NET extension).
    /// </summary>
    public const string LayerDepthLimit = "LAYER_DEPTH_LIMIT";

    /// <summary>
    /// The responder gave up because its caller cancelled the call or the call's deadline passed (the
    /// cancellation extension, spec/amp-wire.md §15.5). The caller has stopped waiting and drops it.
    /// </summary>
    public const string Cancelled = "CANCELLED";
}
