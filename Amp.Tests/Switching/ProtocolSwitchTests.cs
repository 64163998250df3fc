using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Switching;

/// <summary>Handing a connection to another protocol at a box boundary, between two Amp.NET peers.</summary>
[CancelAfter(20000)]
public sealed class ProtocolSwitchTests
{
    private static readonly byte[] s_data = MakeData();

    [Test]
    public async Task ASwitchToRawEchoLosesNothingAtTheBoundary(CancellationToken cancellationToken)
    {
        await using var pair = Create(new InMemoryTransportOptions());
        await using AmpSwitchedConnection raw = await pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        byte[] back = await RawEcho.ExchangeAsync(raw, s_data, cancellationToken);
        Assert.That(back, Is.EqualTo(RawEcho.Greeting.Concat(s_data).ToArray()));
        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
        Assert.That((await pair.Server.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
    }

    [Test]
    public async Task EveryBoundaryPositionWithOneBytePerRead(CancellationToken cancellationToken)
    {
        await using var pair = Create(new InMemoryTransportOptions { MaxBytesPerRead = 1 });
        await using AmpSwitchedConnection raw = await pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        byte[] data = s_data.AsSpan(0, 3000).ToArray();
        Assert.That(await RawEcho.ExchangeAsync(raw, data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(data).ToArray()));
    }

    [Test]
    public async Task RandomSplits([Range(0, 3)] int round, CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount + round;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = Create(new InMemoryTransportOptions { SplitSeed = seed });
        await using AmpSwitchedConnection raw = await pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        Assert.That(await RawEcho.ExchangeAsync(raw, s_data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(s_data).ToArray()));
    }

    [Test]
    public async Task ARefusedSwitchLetsAmpGoOn(CancellationToken cancellationToken)
    {
        await using var pair = Create(new InMemoryTransportOptions());
        var refused = Assert.ThrowsAsync<UnknownProtocolException>(() => pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "nope" }, cancellationToken));
        Assert.That(refused!.Message, Is.EqualTo("no protocol named nope"));
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        Assert.That((await pair.Server.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(7)));
    }

    [Test]
    public async Task SendsWhileASwitchIsPendingAreRefusedAndPendingCallsEnd(CancellationToken cancellationToken)
    {
        // The peer holds its answer to the switch until the refused call is checked: unheld, the switch could
        // finish first, and the call would then fail as after a switch, not as during one.
        using var answerTheSwitch = new ManualResetEventSlim();
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions(), configure: responders => responders.AddProtocolSwitch<SwitchProtocol>((_, _) =>
        {
            answerTheSwitch.Wait(cancellationToken);
            return RawEcho.RunAsync;
        }));
        Task<DelayResult> pending = pair.Client.CallRemoteAsync(new Delay { Ms = 2000, Value = 1 }, cancellationToken);
        await pair.Client.CallRemoteAsync(new Sum(), cancellationToken);
        Task<AmpSwitchedConnection> switching = pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        var refused = Assert.ThrowsAsync<AmpProtocolSwitchedException>(() => pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken));
        Assert.That(refused!.Message, Does.Contain("protocol switch is pending"));
        answerTheSwitch.Set();
        await using AmpSwitchedConnection raw = await switching;
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => pending);
        Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
        Assert.That(await RawEcho.ExchangeAsync(raw, [1, 2, 3], cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(new byte[] { 1, 2, 3 }).ToArray()));
    }

    [Test]
    public async Task AmpInsideAmp(CancellationToken cancellationToken)
    {
        var inner = new TaskCompletionSource<AmpConnection>();
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions(), configure: responders => responders.AddProtocolSwitch<SwitchProtocol>((_, _) => async switched =>
        {
            await using AmpConnection amp = AmpConnection.Start(new DuplexPipeTransport(switched.Pipe), new AmpConnectionOptions { Responders = new AmpResponders().Add((Sum c) => new SumResult { Total = c.A * c.B }) });
            inner.TrySetResult(amp);
            await amp.Completion;
        }));
        await using AmpSwitchedConnection switched = await pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "amp" }, cancellationToken);
        await using AmpConnection client = AmpConnection.Start(new DuplexPipeTransport(switched.Pipe));
        Assert.That((await client.CallRemoteAsync(new Sum { A = 6, B = 7 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(42)), "the new AMP multiplies");
    }

    [Test]
    public async Task ASwitchUnderTlsKeepsTlsBelow(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(new InMemoryTransportOptions(), configure: responders => responders
            .AddRawEchoSwitch()
            .AddStartTls(connection => connection.Transport.Role == AmpTransportRole.Initiator
                ? TestCertificates.ClientOptions(role: TlsRole.Client)
                : TestCertificates.ServerOptions(role: TlsRole.Server)));
        await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        await using AmpSwitchedConnection raw = await pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        Assert.That(raw.Layers, Does.Contain("tls("));
        Assert.That(raw.GetTlsLayers().Single().PeerCertificate!.Subject, Is.EqualTo("CN=amp-server"), "the new protocol sees what TLS negotiated");
        Assert.That(await RawEcho.ExchangeAsync(raw, s_data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(s_data).ToArray()));
    }

    private static ConnectedPair Create(InMemoryTransportOptions transport) =>
        ConnectedPair.Create(transport, configure: responders => responders.AddRawEchoSwitch());

    private static byte[] MakeData()
    {
        var data = new byte[64 * 1024];
        new Random(1234).NextBytes(data);
        // Bytes that look like AMP boxes must arrive raw.
        "\0\0looks like an AMP end marker\0\0"u8.CopyTo(data);
        return data;
    }
}
