using Amp.Samples.Chat;

namespace Amp.Samples.ChatHost;

/// <summary>
/// Who is on one connection (a scoped service: one per connection, whichever way it came in). When the connection
/// ends its scope is disposed, and so a member who did not leave leaves.
/// </summary>
internal sealed class ChatSession(ChatRoom room, ChatHostOutput output) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private RemoteMember? _member;
    private bool _ended;

    /// <summary>Joins the room as <paramref name="member"/>.</summary>
    /// <exception cref="ArgumentException">This connection has joined already, or the nickname is not usable.</exception>
    /// <exception cref="Chat.Commands.NicknameTakenException">The nickname is in use.</exception>
    public void Join(RemoteMember member)
    {
        lock (_gate)
        {
            if (_ended)
            {
                // The scope was disposed while this Join was on its way: nobody would take the member out.
                throw new InvalidOperationException("the connection has ended");
            }

            if (_member is not null)
            {
                throw new ArgumentException($"this connection has already joined as {_member.Nickname}");
            }

            room.Join(member);
            _member = member;
        }
    }

    /// <summary>The member of this connection.</summary>
    /// <exception cref="InvalidOperationException">Not joined.</exception>
    public RemoteMember Member => Volatile.Read(ref _member) ?? throw new InvalidOperationException("join first");

    /// <summary>Leaves the room, if in it.</summary>
    public void Leave(string how)
    {
        RemoteMember? member;
        lock (_gate)
        {
            member = _member;
            _member = null;
        }

        if (member is not null && room.Leave(member, how))
        {
            output.Writer.WriteLine($"* {member.Nickname} {how}");
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _ended = true;
        }

        Leave("left (disconnected)");
        return ValueTask.CompletedTask;
    }
}

/// <summary>Where the hosted chat prints what happens (the process's standard output).</summary>
internal sealed record ChatHostOutput(TextWriter Writer);
