using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Tests.LayerChanges;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// Responders that call back the caller, more of them than the responder limit, followed by an ordinary
/// call and a layer change (issue 10, item 2): the commands past the limit are set aside, the layer
/// change is not, and everything is answered.
/// </summary>
[CancelAfter(60_000)]
public sealed class CallbackLimitTests
{
    private const int Limit = 16;

    [TestCase(null)]
    [TestCase("StartTLS")]
    [TestCase("switch")]
    public async Task MoreCallbacksThanTheLimitThenACallThenALayerChangeAreAllAnswered(string? change, CancellationToken cancellationToken)
    {
        await using ConnectedPair pair = ConnectedPair.Create(
            serverOptions: responders => new AmpConnectionOptions { Responders = responders, MaxConcurrentIncomingCalls = Limit, Name = "server" },
            configure: responders => responders.AddRawEchoSwitch().AddStartTls(connection => connection.Transport.Role == AmpTransportRole.Initiator
                ? TestCertificates.ClientOptions(role: TlsRole.Client)
                : TestCertificates.ServerOptions(role: TlsRole.Server)));

        Task<SumResult>[] callbacks = [.. Enumerable.Range(0, 10 * Limit).Select(i => pair.Client.CallRemoteAsync(new CallMeBack { A = i, B = 1 }, cancellationToken))];
        Task<SumResult> ordinary = pair.Client.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken);
        Task changing = change switch
        {
            "StartTLS" => pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken),
            "switch" => pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken),
            _ => Task.CompletedTask,
        };

        if (change == "switch")
        {
            // As in Twisted, calls still outstanding when the connection is handed over end with it: each
            // completes, answered or with the switch as the reason, and the switched stream works.
            await using AmpSwitchedConnection switched = await (Task<AmpSwitchedConnection>)changing;
            foreach (Task<SumResult> call in callbacks.Append(ordinary))
            {
                Exception? failure = await Race.OutcomeAsync(call, cancellationToken);
                Assert.That(failure, Is.Null.Or.InstanceOf<AmpConnectionLostException>().With.Property("Reason").EqualTo(AmpDisconnectReason.ProtocolSwitched));
            }

            Assert.That(await RawEcho.ExchangeAsync(switched, [1, 2, 3], cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(new byte[] { 1, 2, 3 }).ToArray()));
            return;
        }

        SumResult[] answered = await Task.WhenAll(callbacks);
        Assert.That(answered.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 10 * Limit)));
        Assert.That((await ordinary).Total, Is.EqualTo(new BigInteger(42)));
        await changing;
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(2)));
    }
}
