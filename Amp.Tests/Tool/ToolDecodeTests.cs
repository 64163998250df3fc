using System.Text;
using System.Text.Json;
using Amp.Tests.Interop;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>
/// <c>amp decode</c> of Twisted's captured bytes: as a file, as hex, from standard input in every split,
/// cut at every byte (what was whole is printed, then where it stopped), and malformed.
/// </summary>
[CancelAfter(120000)]
public sealed class ToolDecodeTests
{
    private static readonly byte[] s_capture = [.. TwistedCapture.Box("sum-call"), .. TwistedCapture.Box("sum-answer"), .. TwistedCapture.Box("divide-zero-error")];

    [Test]
    public async Task CapturedTwistedBoxesDecodeFromAFileAsHexAndAsJson(CancellationToken cancellationToken)
    {
        string binary = Path.Combine(Path.GetTempPath(), $"amp-decode-{Guid.NewGuid():N}.bin");
        string hex = Path.ChangeExtension(binary, ".hex");
        await File.WriteAllBytesAsync(binary, s_capture, cancellationToken);
        await File.WriteAllTextAsync(hex, string.Join('\n', s_capture.Chunk(16).Select(line => string.Join(' ', line.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))))), cancellationToken);
        try
        {
            ToolResult fromFile = await ToolRun.RunAsync(cancellationToken, "decode", binary);
            ToolResult fromHex = await ToolRun.RunAsync(cancellationToken, "decode", hex);
            ToolResult inline = await ToolRun.RunAsync(cancellationToken, "decode", "--hex", Convert.ToHexString(s_capture));
            ToolResult json = await ToolRun.RunAsync(cancellationToken, "decode", binary, "--json");

            Assert.That(fromFile.ExitCode, Is.EqualTo(ExitCodes.Success), fromFile.ToString());
            Assert.That(fromFile.Output, Does.StartWith("""
                box 1 at byte 0 (40 bytes)
                  _ask: 1
                  _command: Sum
                  a: 13
                  b: 81
                box 2 at byte 40 (25 bytes)
                  _answer: 1
                  total: 94
                box 3 at byte 65 (79 bytes)
                """.ReplaceLineEndings("\n")));
            Assert.That(fromFile.Output, Does.Contain("  _error_code: ZERO_DIVISION\n"));
            Assert.That(fromHex.Output, Is.EqualTo(fromFile.Output), "hex text with spaces and line breaks is found by itself");
            Assert.That(inline.Output, Is.EqualTo(fromFile.Output));
            string[] lines = json.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(3));
            JsonElement first = JsonDocument.Parse(lines[0]).RootElement;
            Assert.That(first.GetProperty("offset").GetInt32(), Is.Zero);
            Assert.That(first.GetProperty("length").GetInt32(), Is.EqualTo(40));
            Assert.That(first.GetProperty("box").GetProperty("_command").GetString(), Is.EqualTo("Sum"));
        }
        finally
        {
            File.Delete(binary);
            File.Delete(hex);
        }
    }

    [Test]
    public async Task StandardInputSplitAnywhereDecodesTheSame(CancellationToken cancellationToken)
    {
        ToolResult whole = await ToolRun.RunAsync(new MemoryStream(s_capture), cancellationToken, "decode");
        Assert.That(whole.ExitCode, Is.EqualTo(ExitCodes.Success), whole.ToString());

        ToolResult bytePerRead = await Quiet(SplitStream.BytePerRead(s_capture), cancellationToken, "decode");
        Assert.That(bytePerRead.Output, Is.EqualTo(whole.Output), "one byte per read");
        for (int cut = 1; cut < s_capture.Length; cut++)
        {
            ToolResult split = await Quiet(new SplitStream(s_capture, [cut]), cancellationToken, "decode");
            Assert.That((split.ExitCode, split.Output), Is.EqualTo((ExitCodes.Success, whole.Output)), $"split at byte {cut}");
        }

        byte[] hex = Encoding.ASCII.GetBytes(Convert.ToHexString(s_capture));
        for (int cut = 1; cut < hex.Length; cut++)
        {
            ToolResult split = await Quiet(new SplitStream(hex, [cut]), cancellationToken, "decode", "--format", "hex");
            Assert.That((split.ExitCode, split.Output), Is.EqualTo((ExitCodes.Success, whole.Output)), $"hex split at character {cut}");
        }
    }

    [Test]
    public async Task CutAtEveryBytePrintsTheWholeBoxesThenWhereItStopped(CancellationToken cancellationToken)
    {
        int[] boundaries = [40, 65, s_capture.Length];
        ToolResult whole = await ToolRun.RunAsync(new MemoryStream(s_capture), cancellationToken, "decode");
        string[] boxes = whole.Output.Split("box ", StringSplitOptions.RemoveEmptyEntries).Select(b => "box " + b).ToArray();
        for (int length = 1; length < s_capture.Length; length++)
        {
            ToolResult cut = await Quiet(new MemoryStream(s_capture[..length]), cancellationToken, "decode");
            int complete = boundaries.Count(b => b <= length);
            Assert.That(cut.Output, Is.EqualTo(string.Concat(boxes.Take(complete))), $"cut after {length} bytes");
            if (boundaries.Contains(length))
            {
                Assert.That(cut.ExitCode, Is.EqualTo(ExitCodes.Success), $"cut after {length} bytes, at a box's end");
                continue;
            }

            ToolRun.AssertOneLineFailure(cut, ExitCodes.BadInput, $"amp: the input ends inside box {complete + 1} (it starts at byte {(complete == 0 ? 0 : boundaries[complete - 1])}; ");
        }
    }

    [TestCase("0004 5f61736b 0001 31 0000 4745 54", "box 2 (starting at byte 11) is malformed: key length 18245 exceeds the limit of 255")]
    [TestCase("0004 5f61736b 0001 3", "the hex text ends with half a byte")]
    [TestCase("0004 5f61736b zz", "not hex: character 15 of the hex text is 'z'")]
    [TestCase("0004 5f61736b 0001", "inside the value of '_ask' (0 of its 1 bytes arrived)")]
    [TestCase("00", "inside the next key's 2-byte length")]
    [TestCase("0004 5f61", "inside a key of 4 bytes (2 arrived)")]
    [TestCase("0004 5f61736b 00", "after the key '_ask', inside its value's 2-byte length")]
    public async Task BadInputPrintsWhatWasWholeAndOneLineWhy(string hex, string mentions, CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, "decode", "--hex", hex);

        ToolRun.AssertOneLineFailure(result, ExitCodes.BadInput, mentions);
    }

    [Test]
    public async Task AFileThatCannotBeReadIsExitCode2(CancellationToken cancellationToken)
    {
        string missing = Path.Combine(Path.GetTempPath(), $"amp-missing-{Guid.NewGuid():N}.bin");

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "decode", missing);

        ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, $"cannot read {missing}");
    }

    /// <summary>Runs the tool without echoing each of hundreds of runs to the test log.</summary>
    private static async Task<ToolResult> Quiet(Stream input, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exitCode = await AmpTool.RunAsync(args, new ToolConsole(output, errors, () => input), cancellationToken);
        return new ToolResult(exitCode, output.ToString(), errors.ToString());
    }
}
