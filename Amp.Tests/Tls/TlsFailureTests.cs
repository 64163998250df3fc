using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>
/// Each way StartTLS can fail: a typed cause, pending calls failed with it, the connection closed, nothing
/// hanging; the certificate cases with each client engine against each server engine.
/// </summary>
[CancelAfter(30000)]
public sealed class TlsFailureTests
{
    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task ServerCertificateFromAnotherAuthorityIsUntrusted(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(
            TestCertificates.ServerOptions(TestCertificates.Stranger, engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        await AssertStartTlsFailsAsync(pair, TestCertificates.ClientOptions(engine: clientEngine), TlsFailure.UntrustedCertificate, "does not chain", cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task ExpiredServerCertificateIsNamedAsExpired(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(
            TestCertificates.ServerOptions(TestCertificates.Expired, engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        await AssertStartTlsFailsAsync(pair, TestCertificates.ClientOptions(engine: clientEngine), TlsFailure.ExpiredCertificate, "not valid now", cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task WrongHostNameIsRefused(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(
            TestCertificates.ServerOptions(engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        await AssertStartTlsFailsAsync(pair, TestCertificates.ClientOptions(host: "amp.example.org", engine: clientEngine), TlsFailure.HostNameMismatch, "amp.example.org", cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task AClientTrustingAnotherAuthorityFailsCleanlyOnBothSides(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(
            TestCertificates.ServerOptions(engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        await AssertStartTlsFailsAsync(pair, TestCertificates.ClientOptions(trust: TestCertificates.OtherAuthority, engine: clientEngine), TlsFailure.UntrustedCertificate, "Some Other CA", cancellationToken);
        AmpConnection server = await pair.ServerConnection;
        // The server may finish its side of a TLS 1.3 handshake before the client hangs up: it sees the peer go.
        AmpConnectionLostException serverEnd = await server.Completion.WaitAsync(cancellationToken);
        Assert.That(serverEnd.Reason, Is.AnyOf(AmpDisconnectReason.TlsFailure, AmpDisconnectReason.RemoteClosed, AmpDisconnectReason.TransportError));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task ClientCertificateTheServerDoesNotTrustEndsTheConnection(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(
            TestCertificates.ServerOptions(engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        TlsLayerOptions stranger = TestCertificates.ClientOptions(engine: clientEngine) with { LocalCertificate = TestCertificates.Stranger };
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(stranger, cancellationToken);
        Task<SumResult> held = pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        AmpConnection server = await pair.ServerConnection;
        AmpConnectionLostException serverEnd = await server.Completion.WaitAsync(cancellationToken);
        Assert.That(serverEnd.Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.That(((AmpTlsException)serverEnd.InnerException!).Failure, Is.EqualTo(TlsFailure.UntrustedCertificate));
        Assert.That(serverEnd.InnerException!.Message, Does.Contain("CN=stranger"));
        // With TLS 1.3 the client may finish its handshake before the server's alert arrives; either way nothing hangs.
        Assert.CatchAsync<AmpException>(() => held);
        await pair.Client.Completion.WaitAsync(cancellationToken);
        try
        {
            await starting.WaitAsync(cancellationToken);
        }
        catch (AmpException)
        {
            // Either outcome is fine for the client's StartTLS call, as long as it completes.
        }
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task APeerThatNeverHandshakesTimesOut(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        var options = TestCertificates.ClientOptions(role: TlsRole.Client, engine: engine) with { HandshakeTimeout = TimeSpan.FromMilliseconds(500) };
        Task<TlsConnectionInfo> starting = peer.Connection.StartTlsAsync(options, cancellationToken);
        Task<SumResult> held = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        await AnswerStartTlsAsync(peer, cancellationToken);
        var error = Assert.ThrowsAsync<AmpTlsException>(() => starting);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.HandshakeTimedOut));
        Assert.That(error.Message, Does.Contain("0.5 s"));
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => held);
        Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.That(lost.InnerException, Is.SameAs(error));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task APeerClosingMidHandshakeIsNamed(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        Task<TlsConnectionInfo> starting = peer.Connection.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client, engine: engine), cancellationToken);
        await AnswerStartTlsAsync(peer, cancellationToken);
        await peer.CompleteOutputAsync();
        var error = Assert.ThrowsAsync<AmpTlsException>(() => starting);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.PeerClosed));
        Assert.That((await peer.Connection.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
    }

    [Test]
    public async Task ARefusedStartTlsFailsTheHeldCallsAndSendsNothingInPlaintext(CancellationToken cancellationToken)
    {
        // The peer refuses StartTLS (UNHANDLED, as a peer without a StartTLS responder does), and only after
        // the Sum was queued behind it: that Sum was meant for TLS.
        await using RawPeer peer = RawPeer.Start();
        Task<TlsConnectionInfo> starting = peer.Connection.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        AmpBox startTls = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(startTls.GetString("_command"), Is.EqualTo("StartTLS"));
        Task<SumResult> held = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        await peer.WriteBoxAsync(
            new AmpBox { ["_error"] = startTls["_ask"] }.SetString("_error_code", "UNHANDLED").SetString("_error_description", "Unhandled Command: 'StartTLS'"),
            cancellationToken);
        var refused = Assert.ThrowsAsync<AmpUnhandledCommandException>(() => starting);
        Assert.That(refused!.CommandName, Is.EqualTo("StartTLS"));
        Assert.That(Assert.ThrowsAsync<AmpUnhandledCommandException>(() => held), Is.SameAs(refused));
        Assert.That(peer.Connection.LayerDepth, Is.Zero);

        // Plain AMP goes on, and the first box after the refusal is the new call: the held one never left.
        Task<SumResult> plain = peer.Connection.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken);
        AmpBox next = await peer.ReadBoxAsync(cancellationToken);
        Assert.That((next.GetString("_command"), next.GetString("a")), Is.EqualTo(("Sum", "2")));
        await peer.WriteBoxAsync(new AmpBox { ["_answer"] = next["_ask"] }.SetString("total", "4"), cancellationToken);
        Assert.That((await plain).Total, Is.EqualTo(new BigInteger(4)));
    }

    [Test]
    public async Task ARefusedStartTlsStillEndsThePeersCallsWhoseAnswersWereHeldForTls(CancellationToken cancellationToken)
    {
        // Our StartTLS is in flight, so our answer to the peer's Sum is held for TLS; then the peer refuses StartTLS.
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var responders = new AmpResponders().Add((Sum sum) =>
        {
            answered.TrySetResult();
            return new SumResult { Total = sum.A + sum.B };
        });
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = responders });
        Task<TlsConnectionInfo> starting = peer.Connection.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        AmpBox startTls = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(startTls.GetString("_command"), Is.EqualTo("StartTLS"));
        await peer.WriteBoxAsync(new AmpBox().SetString("_command", "Sum").SetString("_ask", "p1").SetString("a", "2").SetString("b", "3"), cancellationToken);
        await answered.Task.WaitAsync(cancellationToken);
        await Task.Delay(50, cancellationToken);   // the answer is queued right after the responder returns
        await peer.WriteBoxAsync(
            new AmpBox { ["_error"] = startTls["_ask"] }.SetString("_error_code", "NO_TLS").SetString("_error_description", "not today"),
            cancellationToken);
        var refused = Assert.ThrowsAsync<AmpRemoteException>(() => starting);
        Assert.That(refused!.ErrorCode, Is.EqualTo("NO_TLS"));

        // The held answer never goes out in plaintext; a bare UNKNOWN error under its tag ends the peer's call.
        AmpBox reply = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(reply.Keys, Is.EquivalentTo(new[] { "_error", "_error_code", "_error_description" }));
        Assert.That(reply.GetString("_error"), Is.EqualTo("p1"));
        Assert.That(reply.GetString("_error_code"), Is.EqualTo("UNKNOWN"));
        Assert.That(reply.GetString("_error_description"), Is.EqualTo("Unknown Error"));

        // Plain AMP goes on.
        await peer.WriteBoxAsync(new AmpBox().SetString("_command", "Sum").SetString("_ask", "p2").SetString("a", "4").SetString("b", "5"), cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("_answer"), Is.EqualTo("p2"));
        Assert.That(answer.GetString("total"), Is.EqualTo("9"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public void AServerWithoutACertificateIsAnOptionsError(TlsEngine engine)
    {
        var below = new PipePair(new System.IO.Pipelines.Pipe());
        var error = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(below, new TlsLayerOptions { Engine = engine }, isClient: false, 1, CancellationToken.None));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.InvalidOptions));
        Assert.That(error.Message, Does.Contain("needs a certificate (TlsLayerOptions.LocalCertificate)"));
    }

    private static async Task AssertStartTlsFailsAsync(TcpPair pair, TlsLayerOptions clientOptions, TlsFailure expected, string inMessage, CancellationToken cancellationToken)
    {
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(clientOptions, cancellationToken);
        Task<SumResult> held = pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        var error = Assert.ThrowsAsync<AmpTlsException>(() => starting);
        Assert.That(error!.Failure, Is.EqualTo(expected), error.Message);
        Assert.That(error.Message, Does.Contain(inMessage));
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => held);
        Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.That(lost.InnerException, Is.SameAs(error));
        Assert.That((await pair.Client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
    }

    private static async Task AnswerStartTlsAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        AmpBox call = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(call.GetString("_command"), Is.EqualTo("StartTLS"));
        await peer.WriteBoxAsync(new AmpBox { ["_answer"] = call["_ask"] }, cancellationToken);
    }

    private sealed class PipePair(System.IO.Pipelines.Pipe pipe) : System.IO.Pipelines.IDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input => pipe.Reader;

        public System.IO.Pipelines.PipeWriter Output => pipe.Writer;
    }
}
