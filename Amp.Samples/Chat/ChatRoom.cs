using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>
/// Who is in the chat, by nickname (case-insensitive), and the fan-out of every line to everyone else.
/// Delivery never waits for a member, so a slow or vanished member cannot hold up the others.
/// </summary>
internal sealed class ChatRoom
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IChatMember> _members = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds <paramref name="member"/> and tells the others.</summary>
    /// <exception cref="ArgumentException">The nickname is not usable.</exception>
    /// <exception cref="NicknameTakenException">Someone present has that nickname.</exception>
    public void Join(IChatMember member)
    {
        if (ChatText.NicknameProblem(member.Nickname) is { } problem)
        {
            throw new ArgumentException($"'{ChatText.Printable(member.Nickname)}' is not a usable nickname: {problem}");
        }

        lock (_gate)
        {
            if (!_members.TryAdd(member.Nickname, member))
            {
                throw new NicknameTakenException($"the nickname '{member.Nickname}' is taken");
            }
        }

        Tell(member, ChatText.Notice, $"{member.Nickname} joined");
    }

    /// <summary>Removes <paramref name="member"/> if present and tells the others <c>nickname how</c>.</summary>
    /// <returns>False when the member was not in the room.</returns>
    public bool Leave(IChatMember member, string how)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(member.Nickname, out IChatMember? present) || present != member)
            {
                return false;
            }

            _members.Remove(member.Nickname);
        }

        Tell(member, ChatText.Notice, $"{member.Nickname} {how}");
        return true;
    }

    /// <summary>Delivers <paramref name="text"/> from <paramref name="member"/> to everyone else.</summary>
    /// <exception cref="ArgumentException">The text is empty, too long or has control characters.</exception>
    public void Say(IChatMember member, string text)
    {
        if (ChatText.TextProblem(text) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        Tell(member, member.Nickname, text);
    }

    /// <summary>Delivers a notice from the server to everyone.</summary>
    public void Announce(string text) => Tell(except: null, ChatText.Notice, text);

    /// <summary>The nicknames present, sorted.</summary>
    public string[] Nicknames()
    {
        string[] names;
        lock (_gate)
        {
            names = [.. _members.Keys];
        }

        Array.Sort(names, StringComparer.OrdinalIgnoreCase);
        return names;
    }

    private void Tell(IChatMember? except, string from, string text)
    {
        IChatMember[] members;
        lock (_gate)
        {
            members = [.. _members.Values];
        }

        var line = new Deliver { From = from, Text = text, At = DateTimeOffset.Now };
        foreach (IChatMember member in members)
        {
            if (member != except)
            {
                member.Deliver(line);
            }
        }
    }
}
