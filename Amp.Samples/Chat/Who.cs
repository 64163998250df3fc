using Amp.Commands;

namespace Amp.Samples.Chat;

/// <summary>Asks who is in the chat.</summary>
[AmpCommand("Who")]
public sealed class Who : IAmpCommand<WhoResult>;
