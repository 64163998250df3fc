using System.CommandLine;
using Amp.Tool.Decoding;

namespace Amp.Tool.Cli;

/// <summary><c>amp decode [FILE]</c>.</summary>
internal static class DecodeCommand
{
    public static Command Create(ToolConsole console)
    {
        var file = new Argument<string?>("file") { Arity = ArgumentArity.ZeroOrOne, Description = "a capture (raw bytes) or hex text; - or nothing reads standard input" };
        var hex = new Option<string?>("--hex") { Description = "decode this hex text instead of a file", HelpName = "HEX" };
        var format = new Option<DecodeFormat>("--format") { Description = "auto (raw bytes if the first byte is 0x00, as every box's is; else hex), hex or binary", DefaultValueFactory = _ => DecodeFormat.Auto };
        var json = new Option<bool>("--json") { Description = "print one JSON object per box (JSON Lines)" };
        var command = new Command("decode", "Decode AMP bytes into boxes, printing each as soon as it is whole; a malformed or truncated stream prints what was decoded, then where and why it stopped.")
        {
            file, hex, format, json,
        };
        command.SetAction((result, cancellationToken) => ToolAction.RunAsync(
            console,
            () => DecodeRunner.RunAsync(new DecodeRequest(result.GetValue(file), result.GetValue(hex), result.GetValue(format), result.GetValue(json)), console, cancellationToken),
            cancellationToken));
        return command;
    }
}
