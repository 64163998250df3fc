using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// Both peers change layers at once: each one's command arrives while its own waits for an answer. The
/// side whose transport is the acceptor wins: its change is made on both sides, the initiator's is refused
/// with <see cref="AmpLayerChangeConflictException"/>, and the connection stays up (never a transport error).
/// The crossing is arranged by holding one side's bytes in the network until the other's command is out.
/// </summary>
[CancelAfter(60000)]
public sealed class LayerChangeRaceCrossingTests
{
    private static readonly byte[] s_data = [.. Enumerable.Range(0, 20000).Select(i => (byte)(i * 7))];

    [Test]
    public async Task TheAcceptorsStartTlsReachingTheInitiatorWhileItsOwnWaitsWinsOverIt(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create(holdInitiatorOutput: true);
        Task<TlsConnectionInfo> initiatorCall = pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken);
        // The initiator's StartTLS is out (held in the network); the acceptor's reaches the initiator first.
        await pair.InitiatorOut.WaitWrittenAsync(0, cancellationToken);
        Task<TlsConnectionInfo> acceptorCall = pair.Acceptor.StartTlsAsync(Race.ServerTls, cancellationToken);
        await pair.AcceptorOut.WaitForwardedAsync(0, cancellationToken);
        pair.InitiatorOut.Open();

        await AssertTheAcceptorsStartTlsWonAsync(pair, initiatorCall, acceptorCall, cancellationToken);
    }

    [Test]
    public async Task TheInitiatorsStartTlsReachingTheAcceptorWhileItsOwnWaitsIsRefusedWithAConflict(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create(holdAcceptorOutput: true);
        Task<TlsConnectionInfo> acceptorCall = pair.Acceptor.StartTlsAsync(Race.ServerTls, cancellationToken);
        // The acceptor's StartTLS is out (held in the network); the initiator's reaches the acceptor first.
        await pair.AcceptorOut.WaitWrittenAsync(0, cancellationToken);
        Task<TlsConnectionInfo> initiatorCall = pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken);
        await pair.InitiatorOut.WaitForwardedAsync(0, cancellationToken);
        pair.AcceptorOut.Open();

        await AssertTheAcceptorsStartTlsWonAsync(pair, initiatorCall, acceptorCall, cancellationToken);
    }

    [Test]
    public async Task TheAcceptorsSwitchReachingTheInitiatorWhileItsStartTlsWaitsWinsAndTheSwitchHappens(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create(holdInitiatorOutput: true);
        Task<TlsConnectionInfo> initiatorCall = pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken);
        await pair.InitiatorOut.WaitWrittenAsync(0, cancellationToken);
        Task<AmpSwitchedConnection> acceptorSwitch = pair.Acceptor.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        await pair.AcceptorOut.WaitForwardedAsync(0, cancellationToken);
        pair.InitiatorOut.Open();

        Exception? loser = await Race.OutcomeAsync(initiatorCall, cancellationToken);
        Exception? winner = await Race.OutcomeAsync(acceptorSwitch, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(winner, Is.Null, $"the acceptor's switch (the winner); {Race.Describe(pair.Acceptor)}");
            AssertConflict(loser, "the initiator's StartTLS (the loser)", pair.Initiator);
        });

        await using AmpSwitchedConnection raw = acceptorSwitch.Result;
        Assert.That(await RawEcho.ExchangeAsync(raw, s_data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(s_data).ToArray()),
            "the initiator runs raw echo after the switch");
        foreach (AmpConnection connection in new[] { pair.Initiator, pair.Acceptor })
        {
            AmpConnectionLostException end = await Race.WaitOrFailAsync(connection.Completion, $"{connection.Name} completed", cancellationToken);
            Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched), $"{connection.Name}: {end.Message}");
        }
    }

    [Test]
    public async Task TheInitiatorsSwitchReachingTheAcceptorWhileItsStartTlsWaitsIsRefusedWithAConflict(CancellationToken cancellationToken)
    {
        await using RacePair pair = RacePair.Create(holdAcceptorOutput: true);
        Task<TlsConnectionInfo> acceptorCall = pair.Acceptor.StartTlsAsync(Race.ServerTls, cancellationToken);
        await pair.AcceptorOut.WaitWrittenAsync(0, cancellationToken);
        Task<AmpSwitchedConnection> initiatorSwitch = pair.Initiator.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        await pair.InitiatorOut.WaitForwardedAsync(0, cancellationToken);
        pair.AcceptorOut.Open();

        Exception? loser = await Race.OutcomeAsync(initiatorSwitch, cancellationToken);
        Exception? winner = await Race.OutcomeAsync(acceptorCall, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(winner, Is.Null, $"the acceptor's StartTLS (the winner); {Race.Describe(pair.Acceptor)}");
            AssertConflict(loser, "the initiator's switch (the loser)", pair.Initiator);
            Assert.That(pair.AcceptorHooks.SwitchesAccepted, Is.Zero, "the acceptor switched although its StartTLS won");
        });
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 1, cancellationToken);
    }

    [Test]
    public async Task BothPeersCallingStartTlsAtOnceAgreeOnTheStackAndTheAcceptorsCallSucceeds(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        int crossed = 0;
        await Race.RunIterationsAsync(100, async iteration =>
        {
            await using RacePair pair = RacePair.Create();
            // Mostly close together (they cross), sometimes further apart (one answers the other first).
            int range = random.Next(3) == 0 ? 100000 : 2000;
            Task<TlsConnectionInfo>[] calls = await Race.StartTogetherAsync(
                [() => pair.Initiator.StartTlsAsync(Race.ClientTls, cancellationToken), () => pair.Acceptor.StartTlsAsync(Race.ServerTls, cancellationToken)],
                [random.Next(range), random.Next(range)],
                cancellationToken);
            Exception? initiator = await Race.OutcomeAsync(calls[0], cancellationToken);
            Exception? acceptor = await Race.OutcomeAsync(calls[1], cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(acceptor, Is.Null, $"the acceptor's StartTLS; {Race.Describe(pair.Acceptor)}");
                if (initiator is not null)
                {
                    AssertConflict(initiator, "the initiator's StartTLS", pair.Initiator);
                }
            });

            // Refused, only the acceptor's layer is pushed; answered, the second StartTLS went inside the first.
            crossed += initiator is null ? 0 : 1;
            await Race.AssertUpAndAgreeingAsync(pair, initiator is null ? 2 : 1, cancellationToken);
        });
        await TestContext.Out.WriteLineAsync($"{crossed} of 100 crossed (the initiator's StartTLS was refused)");
    }

    private static async Task AssertTheAcceptorsStartTlsWonAsync(RacePair pair, Task<TlsConnectionInfo> initiatorCall, Task<TlsConnectionInfo> acceptorCall, CancellationToken cancellationToken)
    {
        Exception? loser = await Race.OutcomeAsync(initiatorCall, cancellationToken);
        Exception? winner = await Race.OutcomeAsync(acceptorCall, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(winner, Is.Null, $"the acceptor's StartTLS (the winner); {Race.Describe(pair.Acceptor)}");
            AssertConflict(loser, "the initiator's StartTLS (the loser)", pair.Initiator);
            Assert.That(pair.Initiator.IsConnected, Is.True, Race.Describe(pair.Initiator));
            Assert.That(pair.Acceptor.IsConnected, Is.True, Race.Describe(pair.Acceptor));
        });
        Assert.That(acceptorCall.Result.IsClient, Is.False, "the acceptor's layer: the acceptor is the TLS server");
        await Race.AssertUpAndAgreeingAsync(pair, expectedDepth: 1, cancellationToken);
    }

    private static void AssertConflict(Exception? failure, string call, AmpConnection caller)
    {
        Assert.That(failure, Is.InstanceOf<AmpLayerChangeConflictException>(), $"{call}; {Race.Describe(caller)}");
        if (failure is AmpRemoteException remote)
        {
            Assert.That(remote.ErrorCode, Is.EqualTo(AmpErrorCodes.LayerChangeConflict));
        }
    }
}
