using System.Globalization;
using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Integration;

[AmpCommand("WideEcho")]
public sealed class WideEcho : IAmpCommand<WideEchoResult>
{
    [AmpArgument("decimal", MaxDigits = 65535)] public AmpDecimal Decimal { get; init; }
}

public sealed class WideEchoResult
{
    [AmpArgument("decimal", MaxDigits = 65535)] public AmpDecimal Decimal { get; init; }
}

/// <summary>
/// Digit limits seen from the connection: a value over the limit from the peer is a malformed argument
/// (error answer, connection up), and one of ours is refused before anything is sent.
/// </summary>
[CancelAfter(10000)]
public sealed class DigitLimitCallTests
{
    private static string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(i => (char)('1' + (i % 9))));

    private static byte[] Box(params string[] keysAndValues)
    {
        var box = new AmpBox();
        for (int i = 0; i < keysAndValues.Length; i += 2)
        {
            box.SetString(keysAndValues[i], keysAndValues[i + 1]);
        }

        return BoxWriter.Serialize(box);
    }

    [TestCase("Echo", "decimal", 4301)]
    [TestCase("Echo", "decimal", 65000)]
    [TestCase("Echo", "int", 4301)]
    [TestCase("Sum", "a", 65000)]
    public async Task TooManyDigitsFromThePeerGetAnErrorAnswerAndTheConnectionStaysUp(string command, string key, int digits, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        string[] call = command == "Sum"
            ? ["_ask", "5", "_command", "Sum", key, Digits(digits), "b", "1"]
            : ["_ask", "5", "_command", "Echo", key, Digits(digits)];
        await peer.WriteAsync(Box(call), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Box("_error", "5", "_error_code", "UNKNOWN", "_error_description", "Unknown Error")));

        // The limit itself is still read and echoed.
        await peer.WriteAsync(Box("_ask", "6", "_command", "Echo", "decimal", Digits(4300)), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Box("_answer", "6", "decimal", Digits(4300))));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task TooManyDigitsOfOursFailTheCallBeforeAnythingIsSent(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        var tooLong = new Echo { Decimal = AmpDecimal.Parse(Digits(4301)) };
        var error = Assert.ThrowsAsync<AmpArgumentException>(() => peer.Connection.CallRemoteAsync(tooLong, cancellationToken).WaitAsync(cancellationToken));
        Assert.That(error!.FieldName, Is.EqualTo("decimal"));
        Assert.That(error.InnerException, Is.TypeOf<ArgumentException>());
        Assert.ThrowsAsync<AmpArgumentException>(() => peer.Connection.CallRemoteAsync(new Sum { A = BigInteger.Pow(10, 4300), B = 1 }, cancellationToken).WaitAsync(cancellationToken));

        // The first box the peer sees is the next call's.
        Task<SumResult> next = peer.Connection.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken);
        AmpBox sent = RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!);
        Assert.That(sent.GetString("_command"), Is.EqualTo("Sum"));
        Assert.That(sent.GetString("a"), Is.EqualTo("2"));
        await peer.WriteAsync(Box("_answer", sent.GetString("_ask")!, "total", "5"), cancellationToken);
        Assert.That((await next.WaitAsync(cancellationToken)).Total, Is.EqualTo(new BigInteger(5)));
    }

    [Test]
    public async Task AnArgumentThatDeclaresMoreDigitsCarriesThemBothWays(CancellationToken cancellationToken)
    {
        await using ConnectedPair pair = ConnectedPair.Create(configure: table => table.Add((WideEcho c) => new WideEchoResult { Decimal = c.Decimal }));
        AmpDecimal value = AmpDecimal.Parse(Digits(20000) + "E-3");
        WideEchoResult result = await pair.Client.CallRemoteAsync(new WideEcho { Decimal = value }, cancellationToken).WaitAsync(cancellationToken);
        Assert.That(result.Decimal, Is.EqualTo(value));
        Assert.That(result.Decimal.Coefficient.ToString(CultureInfo.InvariantCulture), Has.Length.EqualTo(20000));
    }
}
