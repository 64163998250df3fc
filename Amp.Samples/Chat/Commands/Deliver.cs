namespace Amp.Samples.Chat.Commands;

/// <summary>
/// The server calls this back on each client to deliver a line. <see cref="From"/> is a nickname, or
/// <c>*</c> for the server's own notices (joins and departures).
/// </summary>
[AmpCommand("Deliver")]
public sealed class Deliver : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("from")] public string From { get; init; } = "";
    [AmpArgument("text")] public string Text { get; init; } = "";
    [AmpArgument("at")] public DateTimeOffset At { get; init; }
}
