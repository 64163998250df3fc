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
public sealed class StartTls : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <summary>This side's TLS settings. Never sent.</summary>
    public TlsLayerOptions Options { get; init; } = new();

    /// <summary>What the layer pushed by this call negotiated, once it is up.</summary>
    internal TlsConnectionInfo? Negotiated { get; private set; }

    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) =>
        AmpTls.PushTls(Options, layer => Negotiated = layer.Info);
}
