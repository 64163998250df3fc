namespace Amp.Samples.Chat.Commands;

/// <summary>Joins the chat under a nickname. Only over TLS; a nickname in use is a declared error.</summary>
[AmpCommand("Join")]
[AmpError("NICKNAME_TAKEN", typeof(NicknameTakenException))]
[AmpError("BAD_NICKNAME", typeof(ArgumentException))]
[AmpError("TLS_REQUIRED", typeof(TlsRequiredException))]
public sealed class Join : IAmpCommand<AmpEmptyResponse>
{
    /// <summary>The most characters a nickname may have.</summary>
    public const int MaximumLength = 32;

    [AmpArgument("nickname")] public string Nickname { get; init; } = "";
}
