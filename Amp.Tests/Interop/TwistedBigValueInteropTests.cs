using Amp.Boxes;
using Amp.Descriptors;
using Amp.Tests.TestUtilities;
using Amp.Tests.Unit.Commands;

namespace Amp.Tests.Interop;

/// <summary>
/// Big values against a live Twisted peer whose BigEcho uses the BigString / BigUnicode recipe: our calls to
/// Twisted's server, and the bytes Twisted writes for the same boxes (<c>twisted_peer.py bigcapture</c>).
/// Twisted calling our server is the <c>bigvalues</c> scenario of <see cref="TwistedClientInteropTests"/>.
/// </summary>
[CancelAfter(60000)]
public sealed class TwistedBigValueInteropTests : TwistedServerFixture
{
    private static readonly Dictionary<string, Func<BigEcho>> s_cases = new(StringComparer.Ordinal)
    {
        // The same values as big_capture_items() in twisted_peer.py.
        ["bigecho-empty"] = () => new BigEcho { Data = [], Text = "" },
        ["bigecho-65535"] = () => new BigEcho { Data = BigPayloads.Bytes(65535) },
        ["bigecho-65536"] = () => new BigEcho { Data = BigPayloads.Bytes(65536), Text = BigPayloads.Text(65536) },
        ["bigecho-700000"] = () => new BigEcho { Data = BigPayloads.Bytes(700_000), Text = BigPayloads.Text(200_000), DataX = "x"u8.ToArray(), DataDot1X = "1x"u8.ToArray() },
    };

    private Dictionary<string, byte[]>? _capture;

    public static IEnumerable<string> Cases => s_cases.Keys;

    public static IEnumerable<int> Sizes => BigPayloads.Sizes;

    [TestCaseSource(nameof(Sizes))]
    public async Task TwistedEchoesBigBytesAndText(int size, CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        byte[] data = BigPayloads.Bytes(size);
        BigEchoValues bytes = await connection.CallRemoteAsync(new BigEcho { Data = data }, cancellationToken);
        BigBoxes.AssertSame(bytes.Data, data, "data");
        Assert.That(bytes.Text, Is.Null);

        string text = BigPayloads.Text(size);
        BigEchoValues back = await connection.CallRemoteAsync(new BigEcho { Text = text }, cancellationToken);
        Assert.That(back.Text, Is.EqualTo(text));
        Assert.That(back.Data, Is.Null);
    }

    [Test]
    public async Task InterleavedKeysAndFourByteCharactersCutByChunksComeBackEqual(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        BigEcho sent = s_cases["bigecho-700000"]();
        BigEchoValues back = await connection.CallRemoteAsync(sent, cancellationToken);
        BigBoxes.AssertSame(back.Data, sent.Data, "data");
        Assert.That((back.Text, back.DataX, back.DataDot1X), Is.EqualTo((sent.Text, sent.DataX, sent.DataDot1X)));

        string emoji = "ab" + string.Concat(Enumerable.Repeat("\U0001F600", 40_000));
        Assert.That((await connection.CallRemoteAsync(new BigEcho { Text = emoji }, cancellationToken)).Text, Is.EqualTo(emoji));
    }

    [Test]
    public async Task RawBoxesWithSetBigBytesTalkToTheRecipe(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        byte[] data = BigPayloads.Bytes(700_000);
        AmpBox answer = await connection.CallRemoteStringAsync("BigEcho", new AmpBox().SetBigBytes("data", data).SetBigString("text", "\u00e9\u2603"), cancellationToken);
        Assert.That(answer.TryGetBigBytes("data", out byte[]? back), Is.True);
        BigBoxes.AssertSame(back, data, "data");
        Assert.That(answer.GetBigString("text"), Is.EqualTo("\u00e9\u2603"));
        Assert.That(answer.Keys.Order(StringComparer.Ordinal).Take(4), Is.EqualTo(new[] { "_answer", "data", "data.10", "data.11" }));
    }

    [Test]
    public async Task AValueBeyondOurBoxLimitNeedsMaxBoxBytesRaised(CancellationToken cancellationToken)
    {
        // Twisted has no box limit and echoes 3 MB; ours is 1 MiB by default.
        byte[] data = BigPayloads.Bytes(3_000_000);
        await using (AmpConnection narrow = await ConnectAsync(cancellationToken))
        {
            var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => narrow.CallRemoteAsync(new BigEcho { Data = data }, cancellationToken));
            Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        }

        await using AmpConnection wide = await ConnectAsync(cancellationToken, new AmpConnectionOptions { Limits = new AmpLimits { MaxBoxBytes = 4 * 1024 * 1024 } });
        BigBoxes.AssertSame((await wide.CallRemoteAsync(new BigEcho { Data = data }, cancellationToken)).Data, data, "data");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task OurClientWritesTwistedsCallBytes(string name, CancellationToken cancellationToken)
    {
        byte[] expected = (await CaptureAsync(cancellationToken))[name + "-call"];
        await using RawPeer peer = RawPeer.Start();
        _ = peer.Connection.CallRemoteAsync(s_cases[name](), cancellationToken);
        BigBoxes.AssertSame(await peer.ReadExactlyAsync(expected.Length, cancellationToken), expected, name + "-call");

        // The untyped box, built with SetBigBytes, is written the same way.
        BigEcho values = s_cases[name]();
        var box = new AmpBox();
        if (values.Data is not null)
        {
            box.SetBigBytes("data", values.Data);
        }

        if (values.Text is not null)
        {
            box.SetBigString("text", values.Text);
        }

        if (values.DataX is not null)
        {
            box["data-x"] = values.DataX;
            box["data.1x"] = values.DataDot1X!;
        }

        await using RawPeer raw = RawPeer.Start();
        _ = raw.Connection.CallRemoteStringAsync("BigEcho", box, cancellationToken);
        BigBoxes.AssertSame(await raw.ReadExactlyAsync(expected.Length, cancellationToken), expected, name + "-call from an AmpBox");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task OurServerAnswersWithTwistedsBytes(string name, CancellationToken cancellationToken)
    {
        Dictionary<string, byte[]> capture = await CaptureAsync(cancellationToken);
        byte[] expected = capture[name + "-answer"];
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteAsync(capture[name + "-call"], cancellationToken);
        BigBoxes.AssertSame(await peer.ReadExactlyAsync(expected.Length, cancellationToken), expected, name + "-answer");

        BigEcho parsed = CommandDescriptor<BigEcho, BigEchoValues>.Instance.ReadArguments(capture[name + "-call"]);
        BigEcho made = s_cases[name]();
        BigBoxes.AssertSame(parsed.Data, made.Data, "Twisted's data is ours");
        Assert.That(parsed.Text, Is.EqualTo(made.Text), "Twisted's text is ours");
    }

    private async Task<Dictionary<string, byte[]>> CaptureAsync(CancellationToken cancellationToken)
    {
        if (_capture is null)
        {
            var (exitCode, output, errors) = await TwistedPeer.RunAsync(cancellationToken, "bigcapture");
            Assert.That(exitCode, Is.Zero, errors);
            _capture = TwistedCapture.ParseBoxes(output);
            Assert.That(_capture.Keys, Is.EquivalentTo(s_cases.Keys.SelectMany(c => new[] { c + "-call", c + "-answer" })));
        }

        return _capture;
    }
}
