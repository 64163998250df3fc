// The types of the hosted chat server in docs/hosting.md, verbatim below the namespace line:
// HostingDocSnippetTests checks that the page shows exactly these, and that they work in a host.
using Amp.Hosting;

namespace Amp.Tests.Hosting.DocSnippet;

[AmpCommand("Join")]
public sealed class Join : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("name")] public string Name { get; init; } = "";
}

[AmpCommand("Say")]
public sealed class Say : IAmpCommand<SayResult>
{
    [AmpArgument("text")] public string Text { get; init; } = "";
}

public sealed class SayResult
{
    [AmpArgument("heard")] public int Heard { get; init; }
}

/// <summary>Sent to every other client for each line said.</summary>
[AmpCommand("Deliver", RequiresAnswer = false)]
public sealed class Deliver : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("line")] public string Line { get; init; } = "";
}

/// <summary>Who is on this connection: a scoped service, so one per connection.</summary>
public sealed class Member
{
    public string Name { get; set; } = "anonymous";
}

/// <summary>Resolved from the connection's scope: one instance answers all the calls of one client.</summary>
public sealed class ChatResponder(Member member, AmpConnectionContext context, IAmpConnections everyone)
{
    [AmpResponder]
    public AmpEmptyResponse Join(Join join)
    {
        member.Name = join.Name;
        return new AmpEmptyResponse();
    }

    [AmpResponder]
    public async Task<SayResult> Say(Say say, CancellationToken cancellationToken)
    {
        int heard = 0;
        foreach (AmpConnectionContext other in everyone)
        {
            if (other.Connection == context.Connection)
            {
                continue;
            }

            try
            {
                await other.Connection.SendAsync(new Deliver { Line = $"{member.Name}: {say.Text}" }, cancellationToken);
                heard++;
            }
            catch (AmpException)
            {
                // That client is leaving (AmpConnectionClosingException) or gone (AmpConnectionLostException).
            }
        }

        return new SayResult { Heard = heard };
    }
}
