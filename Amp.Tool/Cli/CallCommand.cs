using System.CommandLine;
using System.Globalization;
using Amp.Tool.Addressing;
using Amp.Tool.Calling;
using Amp.Tool.Schemas;
using Amp.Tool.Values;

namespace Amp.Tool.Cli;

/// <summary><c>amp call ADDRESS COMMAND [key=value ...]</c>.</summary>
internal static class CallCommand
{
    public static Command Create(ToolConsole console)
    {
        var address = new Argument<string>("address") { Description = "HOST:PORT, [IPv6]:PORT, or unix:/path/to/socket" };
        var name = new Argument<string>("command") { Description = "the command's wire name, as Sum" };
        var arguments = new Argument<string[]>("arguments")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = $"key=value (the text's bytes), key:TYPE=value, key=@FILE (the file's bytes), key=@@text (a literal @text); TYPE is one of {WireType.Names}",
        };
        var json = new Option<bool>("--json") { Description = "print the answer (or error box) as JSON" };
        var timeout = new Option<double>("--timeout") { Description = "seconds for everything, connecting included; 0 waits forever", DefaultValueFactory = _ => 30, HelpName = "SECONDS" };
        var commands = new Option<string?>("--commands") { Description = "command definitions: a JSON file, or a .NET assembly with [AmpCommand] classes; arguments and answer are then typed", HelpName = "FILE" };
        var response = new Option<string[]>("--response") { Description = "decode an answer key as TYPE (repeatable), as --response total:int", HelpName = "KEY:TYPE" };
        var noAnswer = new Option<bool>("--no-answer") { Description = "send without _ask; nothing is answered (requiresAnswer=False)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "say what happens on standard error: connection, TLS, the box sent" };
        var tls = new TlsFlags(server: false);
        var command = new Command("call", "Call a command on an AMP server and print the answer (key: value lines, or --json).")
        {
            address, name, arguments, json, timeout, commands, response, noAnswer, verbose,
        };
        tls.AddTo(command);
        command.SetAction((result, cancellationToken) => ToolAction.RunAsync(console, () =>
        {
            double seconds = result.GetValue(timeout);
            if (!(seconds >= 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                throw ToolException.Usage($"--timeout {seconds.ToString(CultureInfo.InvariantCulture)}: give a number of seconds, 0 or more");
            }

            AmpAddress target = AmpAddress.ParseConnect(result.GetValue(address)!);
            string commandName = result.GetValue(name)!;
            CommandSchema? declaration = result.GetValue(commands) is { } file ? CommandCatalog.Load(file).Get(commandName) : null;
            var parsed = (result.GetValue(arguments) ?? []).Select(a => CallArgument.Parse(a, Environment.CurrentDirectory)).ToList();
            var request = new CallRequest(
                target,
                commandName,
                TypedBox.Arguments(declaration, parsed),
                Response(declaration, result.GetValue(response) ?? []),
                declaration,
                !result.GetValue(noAnswer) && (declaration?.RequiresAnswer ?? true),
                tls.Build(result, target.Host, console.Error),
                seconds == 0 ? null : TimeSpan.FromSeconds(seconds),
                result.GetValue(json),
                result.GetValue(verbose));
            return CallRunner.RunAsync(request, console, cancellationToken);
        }, cancellationToken));
        return command;
    }

    private static List<FieldSchema>? Response(CommandSchema? declaration, string[] overrides)
    {
        if (declaration is null && overrides.Length == 0)
        {
            return null;
        }

        var fields = new List<FieldSchema>(declaration?.Response ?? []);
        foreach (string item in overrides)
        {
            int colon = item.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw ToolException.Usage($"--response {item}: write KEY:TYPE, as total:int");
            }

            string key = CallArgument.WireKey(item[..colon]);
            WireType type;
            try
            {
                type = WireType.Parse(item[(colon + 1)..]);
            }
            catch (FormatException e)
            {
                throw ToolException.Usage($"--response {item}: {e.Message}");
            }

            fields.RemoveAll(f => f.Key == key);
            fields.Add(new FieldSchema(key, type, Optional: true));
        }

        return fields;
    }
}
