using System.CommandLine;
using Amp.Tool.Addressing;
using Amp.Tool.Listening;

namespace Amp.Tool.Cli;

/// <summary><c>amp listen ADDRESS</c>.</summary>
internal static class ListenCommand
{
    public static Command Create(ToolConsole console)
    {
        var address = new Argument<string>("address") { Description = "PORT (on 127.0.0.1; 0 picks a free one), HOST:PORT, or unix:/path/to/socket" };
        var script = new Option<string?>("--script") { Description = "answer by the rules in FILE (COMMAND REPLY per line; see docs/amp-tool.md) instead of echoing", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "print one JSON object per event (JSON Lines)" };
        var connections = new Option<int?>("--connections") { Description = "exit once N connections have come and gone", HelpName = "N" };
        var tls = new TlsFlags(server: true);
        var command = new Command("listen", "A debugging server: prints every box it receives (time, peer, keys) and answers each command with its own arguments (echo) or by --script.")
        {
            address, script, json, connections,
        };
        tls.AddTo(command);
        command.SetAction((result, cancellationToken) => ToolAction.RunAsync(console, () =>
        {
            if (result.GetValue(connections) is < 1)
            {
                throw ToolException.Usage("--connections: give a number of connections, 1 or more");
            }

            AmpAddress listenOn = AmpAddress.ParseListen(result.GetValue(address)!);
            var request = new ListenRequest(
                listenOn,
                result.GetValue(script) is { } file ? ListenScript.Load(file) : null,
                tls.Build(result, host: null, console.Error),
                result.GetValue(json),
                result.GetValue(connections));
            return ListenServer.RunAsync(request, console, cancellationToken);
        }, cancellationToken));
        return command;
    }
}
