namespace Amp.KeepAlive;

/// <summary>
/// The keepalive ping (spec/amp-wire.md §15.6): an ordinary AMP call with no arguments and an empty answer,
/// sent only to a peer that agreed to <c>keepalive/1</c>.
/// </summary>
[AmpCommand(WireName)]
internal sealed class KeepAlivePing : IAmpCommand<AmpEmptyResponse>
{
    public const string WireName = "_amp.ping";

    public static KeepAlivePing Instance { get; } = new();

    public static ReadOnlySpan<byte> WireNameBytes => "_amp.ping"u8;
}
