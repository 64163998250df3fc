namespace Amp.Samples.Chat.Commands;

/// <summary>Asks who is in the chat. Only over TLS: the names are not for eavesdroppers.</summary>
[AmpCommand("Who")]
[AmpError("TLS_REQUIRED", typeof(TlsRequiredException))]
public sealed class Who : IAmpCommand<WhoResult>;
