namespace Amp.Samples.Chat.Commands;

/// <summary>
/// Keeps a quiet member's connection from counting as idle: the client calls it every
/// <see cref="ChatClient.KeepAliveInterval"/>, well within the server's <c>--idle-timeout</c>.
/// </summary>
[AmpCommand("Ping")]
public sealed class Ping : IAmpCommand<AmpEmptyResponse>;
