using Amp.Hosting;
using Amp.Samples.Chat;
using Amp.Samples.Chat.Commands;
using Amp.Tls;

namespace Amp.Samples.ChatHost;

/// <summary>
/// The chat's commands, answered from each connection's service scope: the same room and the same rules whether the
/// client came to the AMP listener (and called StartTLS) or through the web port's negotiation (TLS from the start).
/// </summary>
internal sealed class ChatHostResponder(ChatSession session, ChatRoom room, AmpConnectionContext context, ChatHostOutput output)
{
    private static readonly TimeSpan DeliverTimeout = TimeSpan.FromSeconds(5);

    [AmpResponder]
    public AmpEmptyResponse Join(Join join)
    {
        TlsConnectionInfo tls = RequireTls("Join");
        var member = new RemoteMember(join.Nickname, context.Connection, DeliverTimeout, output.Writer);
        try
        {
            session.Join(member);
        }
        catch (Exception e) when (e is ArgumentException or NicknameTakenException)
        {
            output.Writer.WriteLine($"* {context.Connection.Name} cannot join as '{ChatText.Printable(join.Nickname)}': {e.Message}");
            throw;
        }

        output.Writer.WriteLine($"* {member.Nickname} joined through {context.ListenerName} over {tls.Protocol}, client certificate {tls.PeerCertificate?.Subject ?? "none"}");
        return AmpEmptyResponse.Instance;
    }

    [AmpResponder]
    public AmpEmptyResponse Say(Say say)
    {
        RequireTls("Say");
        RemoteMember member = session.Member;
        room.Say(member, say.Text);
        output.Writer.WriteLine($"<{member.Nickname}> {ChatText.Printable(say.Text)}");
        return AmpEmptyResponse.Instance;
    }

    [AmpResponder]
    public WhoResult Who(Who who)
    {
        RequireTls("Who");
        return new WhoResult { Nicknames = room.Nicknames() };
    }

    [AmpResponder]
    public AmpEmptyResponse Ping(Ping ping) => AmpEmptyResponse.Instance;

    [AmpResponder]
    public AmpEmptyResponse Leave(Leave leave)
    {
        session.Leave("left");
        return AmpEmptyResponse.Instance;
    }

    /// <summary>The innermost TLS layer: StartTLS on the listener, the negotiation's own on the web port.</summary>
    private TlsConnectionInfo RequireTls(string command)
    {
        IReadOnlyList<TlsConnectionInfo> layers = context.Connection.GetTlsLayers();
        if (layers.Count == 0)
        {
            output.Writer.WriteLine($"* refused {command} from {context.Connection.Name} in plaintext (TLS_REQUIRED)");
            throw new TlsRequiredException($"{command} needs TLS: call StartTLS first");
        }

        return layers[^1];
    }
}
