using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>
/// A client in the room: each line is a <see cref="Commands.Deliver"/> call back to it. A client that
/// does not answer within the timeout, or whose connection fails, is disconnected (and so leaves).
/// </summary>
internal sealed class RemoteMember(string nickname, AmpConnection connection, TimeSpan deliverTimeout, TextWriter log) : IChatMember
{
    public string Nickname { get; } = nickname;

    public AmpConnection Connection { get; } = connection;

    /// <summary>Starts the call; a graceful close of the connection waits for it (the server's farewell among them).</summary>
    public void Deliver(Deliver line) => _ = DeliverAsync(line);

    private async Task DeliverAsync(Deliver line)
    {
        try
        {
            using var timeout = new CancellationTokenSource(deliverTimeout);
            await Connection.CallRemoteAsync(line, timeout.Token);
        }
        catch (AmpConnectionClosingException)
        {
            // The connection is closing gracefully (the server stops, or the client said it is going away): its end removes the member.
        }
        catch (Exception e)
        {
            // When the connection is already gone, its end removes the member; nothing to add.
            if (Connection.IsConnected)
            {
                log.WriteLine($"* dropping {Nickname}: Deliver failed ({e.GetType().Name}: {e.Message})");
                await Connection.CloseAsync();
            }
        }
    }
}
