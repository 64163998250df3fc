namespace Amp.Samples.Chat.Commands;

/// <summary>Leaves the chat (the connection may stay open).</summary>
[AmpCommand("Leave")]
public sealed class Leave : IAmpCommand<AmpEmptyResponse>;
