using System.Collections.Concurrent;
using System.Text.Json;
using Amp.Boxes;
using Amp.Tests.Interop;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary><c>amp call</c> with typed arguments (<c>key:type=value</c>), typed answers, and command definitions from JSON or an assembly.</summary>
[CancelAfter(60000)]
public sealed class ToolCallTypedTests
{
    /// <summary>The arguments of Twisted's captured <c>echo-all-call</c> (Interop/Twisted/twisted_capture.txt), typed on the command line.</summary>
    private static readonly string[] s_echoAll =
    [
        "bytes:hex=00ff", "decimal:decimal=1.10", "decimals:list:decimal=NaN", "flag:bool=true", "float:float=-0.0", "int:int=-1",
        "ints:list:int=1,20", """items:amplist=[{"name": "a", "n": 7}, {"name": "b"}]""", "path:path=/tmp/x", "text:text=☃",
        """texts:list:text=["a", ""]""", "when:datetime=9876-01-23T12:34:56.054321-01:23", "whens:list:datetime=2010-12-25T00:00:00Z",
    ];

    [Test]
    public async Task TypedArgumentsAreTheBytesTwistedWrites(CancellationToken cancellationToken)
    {
        await using var server = new CapturingServer();

        ToolResult result = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Echo", .. s_echoAll]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(Convert.ToHexString(await server.FirstBox.WaitAsync(cancellationToken)), Is.EqualTo(Convert.ToHexString(TwistedCapture.Box("echo-all-call"))));
    }

    [TestCase("n:int=+1_000", "1000")]
    [TestCase("n:int=-0007", "-7")]
    [TestCase("n:float=1e16", "1e+16")]
    [TestCase("n:float=0.1", "0.1")]
    [TestCase("n:float=-inf", "-inf")]
    [TestCase("n:float=nan", "nan")]
    [TestCase("n:bool=False", "False")]
    [TestCase("n:bool=1", "True")]
    [TestCase("n:decimal=1E+3", "1E+3")]
    [TestCase("n:decimal=-0", "-0")]
    [TestCase("n:datetime=2010-12-25T01:30:00+01:00", "2010-12-25T01:30:00.000000+01:00")]
    [TestCase("n:text=", "")]
    [TestCase("n:hex=41:42 43", "ABC")]
    public async Task EachScalarTypeIsWrittenInTwistedsForm(string argument, string expected, CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        await using var server = ToolTestServer.Start(ToolTestServer.Recording(new AmpResponders(), "Put", received, _ => new AmpBox()));

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Put", argument);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(received.Single().GetString("n"), Is.EqualTo(expected));
    }

    [TestCase("n:int=1.5", "n: not a valid int")]
    [TestCase("n:bool=maybe", "not a valid bool")]
    [TestCase("n:datetime=2010-12-25T00:00:00", "with an offset")]
    [TestCase("n:hex=abc", "pairs of hexadecimal digits")]
    [TestCase("n:list:int=1,x", "not a valid int")]
    [TestCase("n:amplist=[1]", "is a JSON object")]
    [TestCase("n:intt=1", "is not a type")]
    [TestCase("n:list:amplist=[]", "a list holds scalar elements")]
    public async Task AValueThatIsNotOfItsTypeIsABadCommandLine(string argument, string mentions, CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "127.0.0.1:1", "Put", argument);

        ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, mentions);
    }

    [Test]
    public async Task ResponseTypesDecodeTheAnswer(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(ToolTestServer.Echoing(new AmpResponders(), "Echo"));
        string[] call = ["call", server.Address, "Echo", .. s_echoAll, "--response", "ints:list:int", "--response", "items:amplist", "--response", "flag:bool",
            "--response", "float:float", "--response", "whens:list:datetime", "--response", "bytes:bytes", "--response", "int:int"];

        ToolResult text = await ToolRun.RunAsync(cancellationToken, call);
        ToolResult json = await ToolRun.RunAsync(cancellationToken, [.. call, "--json"]);

        Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.Success), text.ToString());
        Assert.That(text.Output, Does.StartWith("""
            ints: [1,20]
            items: [{"n":"7","name":"a"},{"name":"b"}]
            flag: True
            float: -0.0
            whens: ["2010-12-25T00:00:00.000000-00:00"]
            bytes: \x00\xff
            int: -1
            decimal: 1.10
            """.ReplaceLineEndings("\n")), "the typed keys first, in the order given, then the others as bytes");
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.Success), json.ToString());
        using JsonDocument answer = JsonDocument.Parse(json.Output);
        Assert.That(answer.RootElement.GetProperty("ints").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 1, 20 }));
        Assert.That(answer.RootElement.GetProperty("flag").GetBoolean(), Is.True);
        Assert.That(answer.RootElement.GetProperty("float").GetDouble(), Is.EqualTo(-0.0));
        Assert.That(answer.RootElement.GetProperty("int").GetInt32(), Is.EqualTo(-1));
        Assert.That(answer.RootElement.GetProperty("items")[0].GetProperty("name").GetString(), Is.EqualTo("a"));
        Assert.That(answer.RootElement.GetProperty("bytes").GetProperty("base64").GetString(), Is.EqualTo("AP8="));
    }

    [Test]
    public async Task AJsonDefinitionTypesArgumentsAndAnswerAndNamesDeclaredErrors(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        var responders = ToolTestServer.Recording(new AmpResponders(), "Sum", received, box => new AmpBox().SetString("total", "94"))
            .AddRaw("Divide", (_, _, _) => throw new AmpRemoteException("ZERO_DIVISION", "division by zero"));
        await using var server = ToolTestServer.Start(responders);
        string definitions = await WriteTempAsync("""
            {
              // comments and trailing commas are allowed
              "Sum": { "arguments": { "a": "int", "b": "int", "note": "text?" }, "response": { "total": "int" } },
              "Divide": { "arguments": { "numerator": "int", "denominator": "int" }, "response": { "quotient": "float" },
                          "errors": { "ZERO_DIVISION": "the denominator was zero" }, },
            }
            """, cancellationToken);
        try
        {
            ToolResult sum = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "--commands", definitions, "a=+13", "b=81", "--json");
            ToolResult missing = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "--commands", definitions, "a=1");
            ToolResult unknown = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "--commands", definitions, "a=1", "b=2", "c=3");
            ToolResult undeclared = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Nope", "--commands", definitions);
            ToolResult divide = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Divide", "--commands", definitions, "numerator=1", "denominator=0");

            Assert.That(sum.ExitCode, Is.EqualTo(ExitCodes.Success), sum.ToString());
            Assert.That(JsonDocument.Parse(sum.Output).RootElement.GetProperty("total").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(received.Single().GetString("a"), Is.EqualTo("13"), "a declared int is written as Twisted writes it");
            ToolRun.AssertOneLineFailure(missing, ExitCodes.Usage, "Sum needs the argument 'b' (int)");
            ToolRun.AssertOneLineFailure(unknown, ExitCodes.Usage, "Sum has no argument 'c' (its arguments: a, b, note?)");
            ToolRun.AssertOneLineFailure(undeclared, ExitCodes.Usage, "declares no command 'Nope' (it declares Divide, Sum)");
            ToolRun.AssertOneLineFailure(divide, ExitCodes.RemoteError, "Divide failed: ZERO_DIVISION: division by zero (declared: the denominator was zero)");
            Assert.That(divide.Output, Is.EqualTo("_error_code: ZERO_DIVISION\n_error_description: division by zero\n"));
        }
        finally
        {
            File.Delete(definitions);
        }
    }

    [Test]
    public async Task AnAssemblyWithAmpCommandClassesIsADefinition(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(ToolTestServer.Echoing(new AmpResponders(), "Echo"));
        string assembly = typeof(Amp.Tests.TestUtilities.Echo).Assembly.Location;

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Echo", "--commands", assembly,
            "int=5", "ints=[1, 2]", """items=[{"name": "x", "n": 3}]""", "flag=True", "--json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        JsonElement answer = JsonDocument.Parse(result.Output).RootElement;
        Assert.That(answer.GetProperty("int").GetInt32(), Is.EqualTo(5));
        Assert.That(answer.GetProperty("ints").GetArrayLength(), Is.EqualTo(2));
        Assert.That(answer.GetProperty("items")[0].GetProperty("n").GetInt32(), Is.EqualTo(3), "EchoItem.N is a BigInteger?: an optional int inside the AmpList");
        Assert.That(answer.GetProperty("flag").GetBoolean(), Is.True);
    }

    [Test]
    public async Task AnAnswerThatDoesNotMatchItsDeclarationIsPrintedAsItCameAndFails(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(new AmpResponders().AddRaw("Sum", (_, _, _) => ValueTask.FromResult(new AmpBox().SetString("total", "ninety"))));

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "--response", "total:int", "--response", "carry:int");

        Assert.That(result.Output, Is.EqualTo("total: ninety\n"));
        ToolRun.AssertOneLineFailure(result, ExitCodes.RemoteError, "'total' is not a valid int");
    }

    [Test]
    public async Task BigValuesAreChunkedAsTheBigStringRecipe(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        await using var server = ToolTestServer.Start(ToolTestServer.Recording(new AmpResponders(), "Put", received, box => box));
        byte[] content = new byte[150_000];
        new Random(16).NextBytes(content);
        string file = Path.Combine(Path.GetTempPath(), $"amp-tool-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, content, cancellationToken);
        try
        {
            ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Put", $"data:bigbytes=@{file}", "--response", "data:bigbytes", "--json");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
            AmpBox box = received.Single();
            Assert.That(box.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "data", "data.2", "data.3" }));
            Assert.That(box.TryGetBigBytes("data", out byte[]? joined) ? joined : null, Is.EqualTo(content));
            JsonElement answer = JsonDocument.Parse(result.Output).RootElement;
            Assert.That(answer.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "data" }), "the chunk keys are read as one value");
            Assert.That(Convert.FromBase64String(answer.GetProperty("data").GetProperty("base64").GetString()!), Is.EqualTo(content));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> WriteTempAsync(string text, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-tool-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, text, cancellationToken);
        return path;
    }
}
