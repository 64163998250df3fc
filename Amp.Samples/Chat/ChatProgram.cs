using System.Net.Sockets;
using System.Security.Cryptography;
using Amp.Samples.Chat.Demo;

namespace Amp.Samples.Chat;

/// <summary>The <c>chat-server</c>, <c>chat-client</c> and <c>chat-demo</c> (alias <c>demo</c>) subcommands.</summary>
internal static class ChatProgram
{
    public static bool Handles(string command) => command is "chat-server" or "chat-client" or "chat-demo" or "demo";

    public static async Task<int> RunAsync(string command, IReadOnlyList<string> flags, CancellationToken cancellationToken)
    {
        ChatArguments? arguments = ChatArguments.Parse(flags, Console.Error);
        if (arguments is null)
        {
            return 1;
        }

        if (arguments.Help)
        {
            Console.WriteLine(Help(command));
            return 0;
        }

        try
        {
            return command switch
            {
                "chat-server" => await ChatServer.RunAsync(arguments, Console.In, Console.Out, cancellationToken),
                "chat-client" => await ChatClient.RunAsync(arguments, Console.In, Console.Out, cancellationToken),
                _ => await ChatDemo.RunAsync(arguments, cancellationToken),
            };
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or SocketException or CryptographicException)
        {
            Console.Error.WriteLine($"{command}: {e.Message}");
            return 1;
        }
    }

    private static string Help(string command) => (command switch
    {
        "chat-server" => """
            chat-server [flags]
              A chat server. Each client calls StartTLS first; Join, Say and Who are refused in plaintext
              (TLS_REQUIRED). The server calls Deliver back on every other member for each line said, and
              prints what happens. With --name, you are in the chat too: type lines as a client would.
              Ctrl+C or SIGTERM (or /quit with --name) tells everyone and stops: each client is told the
              server is going away, the lines in flight are delivered (2 s at most), then it closes.
            """,
        "chat-client" => """
            chat-client --name NAME [flags]
              Connects, calls StartTLS (checking the server's certificate), joins as NAME, then says each
              line typed. /who lists who is present; /quit, end of input (Ctrl+D) or Ctrl+C leave.
              With --via http://HOST:PORT/amp/chat it dials chat-host's web port instead, where the
              connection negotiation starts TLS before AMP.
              Exit codes: 0 left, 1 bad flags or certificates, 2 lost the server (or no TLS), 3 nickname
              refused or taken, 130 interrupted before joining.
            """,
        _ => """
            demo (or chat-demo) [--cert-dir DIR]
              Starts a chat server and clients (alice, bob, a second alice, carol) as separate processes,
              types into them and prints the transcript: StartTLS with the TLS version and certificates,
              joins, messages, a taken nickname, a client killed mid-conversation, /who and leaving.
              Exit code 0 when everything expected was seen.
            """,
    }) + $"""

        flags:
        {ChatArguments.Usage}
        With no --cert/--key/--ca, a development CA, a server and a client certificate are created in
        --cert-dir on first run (only the CA's certificate is kept, not its key) and reused after.
        """;
}
