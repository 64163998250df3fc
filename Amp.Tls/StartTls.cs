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

    /// <summary>The push of a TLS layer with <see cref="Options"/>, made when the call is made, before anything is sent.</summary>
    /// <param name="connection">The calling connection.</param>
    /// <returns>The change.</returns>
    /// <exception cref="AmpTlsException"><see cref="TlsFailure.InvalidOptions"/>: the options cannot work in any role (nothing is sent).</exception>
    public LayerChange CreateChange(AmpConnection connection)
    {
        if (Options.FindProblem(isClient: null) is { } problem)
        {
            throw new AmpTlsException(TlsFailure.InvalidOptions, problem);
        }

        return AmpTls.PushTls(Options, layer => Negotiated = layer.Info);
    }
}
