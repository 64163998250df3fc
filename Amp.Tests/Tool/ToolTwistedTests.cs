using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amp.Tests.Interop;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>
/// <c>amp</c> with a live Twisted peer (twisted_peer.py): calls raw and typed, declared errors,
/// UNHANDLED, StartTLS with certificates; and <c>amp listen</c> answering a Twisted client. Missing
/// Twisted fails these tests, as every interop test.
/// </summary>
[CancelAfter(120000)]
public sealed class ToolTwistedTests : TwistedServerFixture
{
    private const string Definitions = """
        {
          "Echo": {
            "arguments": { "int": "int?", "flag": "bool?", "float": "float?", "decimal": "decimal?", "when": "datetime?", "ints": "list:int?",
                           "texts": "list:text?", "items": { "amplist": { "name": "text", "n": "int?" }, "optional": true } },
            "response": { "int": "int?", "flag": "bool?", "float": "float?", "decimal": "decimal?", "when": "datetime?", "ints": "list:int?",
                          "texts": "list:text?", "items": { "amplist": { "name": "text", "n": "int?" }, "optional": true } }
          },
          "PeerInfo": { "response": { "tls": "bool", "subject": "text?", "issuer": "text?" } }
        }
        """;

    private string Address => $"127.0.0.1:{ServerPort}";

    [Test]
    public async Task CallsTwistedWithTypedArguments(CancellationToken cancellationToken)
    {
        ToolResult sum = await ToolRun.RunAsync(cancellationToken, "call", Address, "Sum", "a:int=13", "b:int=-81");
        ToolResult big = await ToolRun.RunAsync(cancellationToken, "call", Address, "Sum", "a:int=123456789012345678901234567890", "b:int=1", "--json");

        Assert.That((sum.ExitCode, sum.Output), Is.EqualTo((ExitCodes.Success, "total: -68\n")), sum.ToString());
        Assert.That(big.Output.ReplaceLineEndings("\n"), Is.EqualTo("{\n  \"total\": \"123456789012345678901234567891\"\n}\n"), "raw: the answer's bytes, as text");
    }

    [Test]
    public async Task EveryTypeRoundTripsThroughTwistedsEcho(CancellationToken cancellationToken)
    {
        string definitions = Path.Combine(Path.GetTempPath(), $"amp-twisted-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(definitions, Definitions, cancellationToken);
        try
        {
            ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", Address, "Echo", "--commands", definitions, "--json",
                "int=-7", "flag=true", "float=1e16", "decimal=1.10", "when=2010-12-25T01:30:00+01:00", "ints=1,20,500", """texts=["a,b", ""]""",
                """items=[{"name": "x", "n": 7}, {"name": "y"}]""");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString() + ServerErrors);
            JsonElement answer = JsonDocument.Parse(result.Output).RootElement;
            Assert.That(answer.GetProperty("int").GetInt32(), Is.EqualTo(-7));
            Assert.That(answer.GetProperty("flag").GetBoolean(), Is.True);
            Assert.That(answer.GetProperty("float").GetRawText(), Is.EqualTo("1e+16"), "Twisted's repr, kept as the number's text");
            Assert.That(answer.GetProperty("decimal").GetString(), Is.EqualTo("1.10"));
            Assert.That(answer.GetProperty("when").GetString(), Is.EqualTo("2010-12-25T01:30:00.000000+01:00"));
            Assert.That(answer.GetProperty("ints").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 1, 20, 500 }));
            Assert.That(answer.GetProperty("texts").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "a,b", "" }));
            Assert.That(answer.GetProperty("items")[0].GetProperty("n").GetInt32(), Is.EqualTo(7));
            Assert.That(answer.GetProperty("items")[1].TryGetProperty("n", out _), Is.False);
        }
        finally
        {
            File.Delete(definitions);
        }
    }

    [Test]
    public async Task TwistedsErrorsComeWithTheirCodes(CancellationToken cancellationToken)
    {
        ToolResult divide = await ToolRun.RunAsync(cancellationToken, "call", Address, "Divide", "numerator:int=1", "denominator:int=0");
        ToolResult unhandled = await ToolRun.RunAsync(cancellationToken, "call", Address, "Nope", "--json");
        ToolResult badArgument = await ToolRun.RunAsync(cancellationToken, "call", Address, "Sum", "a=one", "b=2");

        ToolRun.AssertOneLineFailure(divide, ExitCodes.RemoteError, "Divide failed: ZERO_DIVISION: division by zero");
        Assert.That(unhandled.ExitCode, Is.EqualTo(ExitCodes.RemoteError));
        Assert.That(JsonDocument.Parse(unhandled.Output).RootElement.GetProperty("_error_description").GetString(), Is.EqualTo("Unhandled Command: b'Nope'"));
        ToolRun.AssertOneLineFailure(badArgument, ExitCodes.RemoteError, "Sum failed: UNKNOWN: Unknown Error");
    }

    [Test]
    public async Task StartTlsWithTwistedVerifyingBothWays(CancellationToken cancellationToken)
    {
        await using TwistedServer server = await TwistedServer.StartAsync(cancellationToken, TwistedTlsFiles.Trusting);
        string address = $"127.0.0.1:{server.Port}";

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", address, "PeerInfo", "--ca", ToolTlsFiles.Ca,
            "--cert", ToolTlsFiles.ClientCertificate, "--key", ToolTlsFiles.ClientKey, "--response", "tls:bool", "-v");
        ToolResult untrusted = await ToolRun.RunAsync(cancellationToken, "call", address, "PeerInfo", "--ca", ToolTlsFiles.OtherCa,
            "--cert", ToolTlsFiles.ClientCertificate, "--key", ToolTlsFiles.ClientKey);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString() + server.Errors);
        Assert.That(result.Output, Is.EqualTo("tls: True\nissuer: Amp Test CA\nsubject: amp-client\n"));
        Assert.That(result.Errors, Does.Contain("server certificate CN=twisted-peer"));
        ToolRun.AssertOneLineFailure(untrusted, ExitCodes.TlsFailed, "(UntrustedCertificate)");
    }

    [Test]
    public async Task ListenAnswersATwistedClient(CancellationToken cancellationToken)
    {
        string script = Path.Combine(Path.GetTempPath(), $"amp-script-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(script, "Sum total:int=94\nDivide error ZERO_DIVISION \"division by zero\"\nEcho echo\n", cancellationToken);
        try
        {
            await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0", "--script", script);
            TwistedPeer.RequireTwisted();
            var info = new ProcessStartInfo(TwistedPeer.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
            info.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Twisted", "amp_tool_client.py"));
            info.ArgumentList.Add(listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using Process client = Process.Start(info)!;
            try
            {
                Task<string> errors = client.StandardError.ReadToEndAsync(cancellationToken);
                string output = await client.StandardOutput.ReadToEndAsync(cancellationToken);
                await client.WaitForExitAsync(cancellationToken);

                Assert.That(output.ReplaceLineEndings("\n"), Is.EqualTo("SUM 94\nECHO snow ☃\nDIVIDE ZeroDivisionError division by zero\nUNHANDLED UnhandledCommand\nDONE\n"), await errors);
                string printed = await listener.Output.WaitForAsync("disconnected", cancellationToken);
                Assert.That(printed, Does.Contain("received\n  _ask: 1\n  _command: Sum\n  a: 13\n  b: 81\n"));
                Assert.That(printed, Does.Contain("received\n  _ask: 2\n  _command: Echo\n  x: snow ☃\n"));
            }
            finally
            {
                if (!client.HasExited)
                {
                    client.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            File.Delete(script);
        }
    }
}
