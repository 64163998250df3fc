using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>Bad command lines get one line naming the problem and exit code 2, never a stack trace; <c>--help</c> works everywhere.</summary>
[CancelAfter(60000)]
public sealed class ToolUsageTests
{
    [TestCase(new[] { "call" }, "amp call: Required argument missing for command: 'call'.")]
    [TestCase(new[] { "call", "127.0.0.1:5000" }, "Required argument missing")]
    [TestCase(new[] { "call", "localhost", "Sum" }, "'localhost' is not an address: give HOST:PORT")]
    [TestCase(new[] { "call", "127.0.0.1:99999", "Sum" }, "the port must be a number from 1 to 65535")]
    [TestCase(new[] { "call", "::1:5000", "Sum" }, "write an IPv6 address in brackets")]
    [TestCase(new[] { "call", "unix:", "Sum" }, "unix: needs a socket path")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "--bogus" }, "amp: unknown option '--bogus' (see amp call --help)")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "--timeout", "soon" }, "amp call: Cannot parse argument 'soon' for option '--timeout'")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "--timeout", "-1" }, "--timeout -1: give a number of seconds, 0 or more")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "novalue" }, "'novalue' is not key=value")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "=1" }, "'=1' is not key=value")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "a=@/nonexistent/file" }, "a=@/nonexistent/file: cannot read the file")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "--response", "total" }, "--response total: write KEY:TYPE")]
    [TestCase(new[] { "call", "127.0.0.1:5000", "Sum", "--commands", "/nonexistent.json" }, "--commands: no such file: /nonexistent.json")]
    [TestCase(new[] { "listen" }, "amp listen: Required argument missing")]
    [TestCase(new[] { "listen", "99999" }, "the port must be a number from 0 to 65535")]
    [TestCase(new[] { "listen", "example.com:5000" }, "listen on an IP address")]
    [TestCase(new[] { "listen", "0", "--connections", "0" }, "--connections: give a number of connections, 1 or more")]
    [TestCase(new[] { "listen", "0", "--script", "/nonexistent" }, "--script /nonexistent: cannot read it")]
    [TestCase(new[] { "decode", "--format", "xml" }, "amp decode: Cannot parse argument 'xml' for option '--format'")]
    [TestCase(new[] { "decode", "a", "b" }, "amp decode: Unrecognized command or argument 'b'")]
    [TestCase(new[] { "frobnicate" }, "amp: Unrecognized command or argument 'frobnicate'")]
    public async Task ABadCommandLineIsExitCode2AndOneLine(string[] args, string mentions, CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, args);

        ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, mentions);
    }

    [TestCase(new string[0], "amp [command] [options]")]
    [TestCase(new[] { "--help" }, "amp [command] [options]")]
    [TestCase(new[] { "call", "--help" }, "amp call <address> <command> [<arguments>...] [options]")]
    [TestCase(new[] { "listen", "-h" }, "amp listen <address> [options]")]
    [TestCase(new[] { "decode", "--help" }, "amp decode [<file>] [options]")]
    [TestCase(new[] { "call", "127.0.0.1:1", "Sum", "--bogus", "--help" }, "amp call <address>")]
    public async Task HelpIsPrintedEverywhere(string[] args, string usage, CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, args);

        Assert.That(result.ExitCode, Is.EqualTo(args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Does.Contain("Usage:").And.Contain(usage));
        Assert.That(result.Errors, Is.Empty);
    }

    [Test]
    public async Task TheRootHelpListsTheCommandsAndTheExitCodes(CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, "--help");

        Assert.That(result.Output, Does.Contain("call <address> <command>").And.Contain("listen <address>").And.Contain("decode <file>"));
        Assert.That(result.Output, Does.Contain("3 could not connect; 4 TLS failed; 5 timed out"));
    }
}
