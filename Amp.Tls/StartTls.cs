using Amp.Commands;
using Amp.Layers;

namespace Amp.Tls;

/// <summary>
/// Twisted's <c>StartTLS</c> command. Its box carries no arguments (the certificate and authorities are
/// local, as in Twisted), and its answer only <c>_answer</c>. Calling it with
/// <c>CallRemoteAsync(new StartTls { Options = ... })</c> holds every later box until TLS is up, then
/// sends them through it; <see cref="AmpTls.StartTlsAsync"/> does the same and returns what was negotiated.
/// </summary>
[AmpCommand("StartTLS")]
public sealed class StartTls : IAmpCommand<AmpEmptyResponse>, ILayerChangingCommand
{
    /// <summary>This side's TLS settings. Never sent.</summary>
    public TlsLayerOptions Options { get; init; } = new();

    AmpDisconnectReason ILayerChangingCommand.FailureReason => AmpDisconnectReason.TlsFailure;

    bool ILayerChangingCommand.HeldBoxesNeedTheNewLayer => true;

    /// <summary>What the layer pushed by this call negotiated, once it is up.</summary>
    internal TlsConnectionInfo? Negotiated { get; private set; }

    StackChange ILayerChangingCommand.CreateChange(AmpConnection connection)
    {
        LayerFactory push = AmpTls.LayerFactory(connection, Options);
        return StackChange.Push(async (below, cancellationToken) =>
        {
            AmpLayer layer = await push(below, cancellationToken).ConfigureAwait(false);
            Negotiated = ((TlsLayer)layer).Info;
            return layer;
        });
    }
}
