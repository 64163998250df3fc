namespace Amp.Samples.Chat.Commands;

/// <summary>Says a line to everyone else in the chat. Only over TLS, after <see cref="Join"/>.</summary>
[AmpCommand("Say")]
[AmpError("TLS_REQUIRED", typeof(TlsRequiredException))]
[AmpError("NOT_JOINED", typeof(InvalidOperationException))]
[AmpError("BAD_TEXT", typeof(ArgumentException))]
public sealed class Say : IAmpCommand<AmpEmptyResponse>
{
    /// <summary>The most characters a line may have.</summary>
    public const int MaximumLength = 2000;

    [AmpArgument("text")] public string Text { get; init; } = "";
}
