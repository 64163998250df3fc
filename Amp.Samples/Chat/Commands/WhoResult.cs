namespace Amp.Samples.Chat.Commands;

/// <summary>The answer to <see cref="Who"/>: the nicknames present, sorted.</summary>
public sealed class WhoResult
{
    [AmpArgument("nicknames")] public IReadOnlyList<string> Nicknames { get; init; } = [];
}
