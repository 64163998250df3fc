using Amp.Commands;

namespace Amp.Samples.Chat;

/// <summary>Says a line to everyone else in the chat. Only over TLS, after <see cref="Join"/>.</summary>
[AmpCommand("Say")]
[AmpError("TLS_REQUIRED", typeof(TlsRequiredException))]
[AmpError("NOT_JOINED", typeof(InvalidOperationException))]
public sealed class Say : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("text")] public string Text { get; init; } = "";
}
