using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>Someone in a <see cref="ChatRoom"/>: a client over AMP, or the terminal of a hosting peer.</summary>
internal interface IChatMember
{
    /// <summary>The nickname the member joined with.</summary>
    string Nickname { get; }

    /// <summary>Shows <paramref name="line"/> to the member. Returns at once; a member that cannot be reached drops out.</summary>
    void Deliver(Deliver line);
}
