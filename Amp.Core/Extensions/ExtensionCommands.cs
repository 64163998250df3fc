namespace Amp.Extensions;

/// <summary>
/// The extension hello (spec/amp-wire.md §15.1): the sender's offer, as wire names such as <c>streams/1</c>.
/// A peer without extensions (Twisted) answers <c>UNHANDLED</c>.
/// </summary>
[AmpCommand(WireName)]
internal sealed class ExtensionHello : IAmpCommand<ExtensionAccept>
{
    public const string WireName = "_amp.extensions";

    [AmpArgument("offer")]
    public IReadOnlyList<string> Offer { get; set; } = [];
}

/// <summary>The answer to <see cref="ExtensionHello"/>: the extensions both sides now use.</summary>
internal sealed class ExtensionAccept
{
    [AmpArgument("accept")]
    public IReadOnlyList<string> Accept { get; set; } = [];
}
