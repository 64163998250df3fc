using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>The hosting peer's own terminal as a member of its room (<c>chat-server --name</c>).</summary>
internal sealed class TerminalMember(string nickname, TextWriter output) : IChatMember
{
    public string Nickname { get; } = nickname;

    public void Deliver(Deliver line) => output.WriteLine(ChatText.Format(line));
}
