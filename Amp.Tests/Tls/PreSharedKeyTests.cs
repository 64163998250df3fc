using System.Net.Security;
using System.Numerics;
using System.Security.Authentication;
using System.Security.Cryptography;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>
/// Pre-shared keys between Amp.NET peers over StartTLS (BouncyCastle engine): TLS 1.3 external PSK and TLS 1.2
/// PSK suites, a server finding keys by identity, and each way it is refused; the platform's engine refuses
/// them before anything is sent.
/// </summary>
[CancelAfter(60000)]
public sealed class PreSharedKeyTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);

    public static IEnumerable<TestCaseData> Versions()
    {
        yield return new TestCaseData(SslProtocols.Tls13).SetArgDisplayNames("TLS 1.3");
        yield return new TestCaseData(SslProtocols.Tls12).SetArgDisplayNames("TLS 1.2");
    }

    [TestCaseSource(nameof(Versions))]
    public async Task BothSidesProveTheKeyWithoutCertificates(SslProtocols version, CancellationToken cancellationToken)
    {
        var key = new TlsPreSharedKey("device-7", s_key);
        await using TcpPair pair = await TcpPair.StartAsync(Psk(key, version), Psk(key, version), cancellationToken);
        Task<SumResult> held = pair.Client.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken);
        TlsConnectionInfo info = await pair.Client.StartTlsAsync(Psk(key, version), cancellationToken);

        Assert.That((info.Protocol, info.Engine, info.IsClient), Is.EqualTo((version, TlsEngine.BouncyCastle, true)));
        Assert.That(info.PreSharedKeyIdentity!.Value.ToArray(), Is.EqualTo("device-7"u8.ToArray()));
        Assert.That((info.PeerCertificate, info.LocalCertificate), Is.EqualTo((null as object, null as object)));
        Assert.That(info.CipherSuite, version == SslProtocols.Tls13
            ? Is.AnyOf(TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256)
            : Is.EqualTo(TlsCipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256), "forward secrecy first");
        Assert.That(info.ToString(), Does.Contain("pre-shared key 'device-7'"));
        Assert.That((await held).Total, Is.EqualTo(new BigInteger(42)), "a box held behind StartTLS went out inside TLS");
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        TlsConnectionInfo server = (await pair.ServerConnection).GetTlsLayers().Single();
        Assert.That(server.PreSharedKeyIdentity!.Value.ToArray(), Is.EqualTo("device-7"u8.ToArray()));

        await pair.Client.StopTlsAsync(cancellationToken);
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(2)));
    }

    [TestCaseSource(nameof(Versions))]
    public async Task AServerFindsEachClientsKeyByItsIdentity(SslProtocols version, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, byte[]> { ["sensor-1"] = RandomNumberGenerator.GetBytes(32), ["sensor-2"] = RandomNumberGenerator.GetBytes(16) };
        var asked = new List<string>();
        var server = new TlsLayerOptions
        {
            Engine = TlsEngine.BouncyCastle,
            EnabledProtocols = version,
            PreSharedKeyLookup = identity =>
            {
                string name = System.Text.Encoding.UTF8.GetString(identity.Span);
                lock (asked)
                {
                    asked.Add(name);
                }

                return keys.GetValueOrDefault(name);
            },
        };
        foreach ((string name, byte[] secret) in keys)
        {
            TlsLayerOptions client = Psk(new TlsPreSharedKey(name, secret), version);
            await using TcpPair pair = await TcpPair.StartAsync(server, client, cancellationToken);
            TlsConnectionInfo info = await pair.Client.StartTlsAsync(client, cancellationToken);
            Assert.That(System.Text.Encoding.UTF8.GetString(info.PreSharedKeyIdentity!.Value.Span), Is.EqualTo(name));
            Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(5)));
        }

        Assert.That(asked, Is.EqualTo(new[] { "sensor-1", "sensor-2" }));
    }

    [TestCaseSource(nameof(Versions))]
    public async Task AnIdentityTheServerDoesNotKnowIsRefused(SslProtocols version, CancellationToken cancellationToken)
    {
        TlsLayerOptions server = new() { Engine = TlsEngine.BouncyCastle, EnabledProtocols = version, PreSharedKeyLookup = _ => null };
        TlsLayerOptions client = Psk(new TlsPreSharedKey("stranger", s_key), version);
        await using TcpPair pair = await TcpPair.StartAsync(server, client, cancellationToken);

        var error = Assert.ThrowsAsync<AmpTlsException>(() => pair.Client.StartTlsAsync(client, cancellationToken))!;
        Assert.That(error.Failure, Is.EqualTo(TlsFailure.AlertReceived), error.Message);
        Assert.That(error.Message, Does.Contain("unknown_psk_identity (115)"));
        AmpConnectionLostException serverEnd = await (await pair.ServerConnection).Completion.WaitAsync(cancellationToken);
        var refused = (AmpTlsException)serverEnd.InnerException!;
        Assert.That(refused.Failure, Is.EqualTo(TlsFailure.UnknownPreSharedKey), refused.Message);
        Assert.That(refused.Message, Does.Contain("'stranger'"));
    }

    [TestCaseSource(nameof(Versions))]
    public async Task TheRightIdentityWithTheWrongKeyFails(SslProtocols version, CancellationToken cancellationToken)
    {
        TlsLayerOptions server = Psk(new TlsPreSharedKey("device-7", s_key), version);
        TlsLayerOptions client = Psk(new TlsPreSharedKey("device-7", RandomNumberGenerator.GetBytes(32)), version);
        await using TcpPair pair = await TcpPair.StartAsync(server, client, cancellationToken);

        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(client, cancellationToken);
        AmpConnectionLostException clientEnd = await pair.Client.Completion.WaitAsync(cancellationToken);
        AmpConnectionLostException serverEnd = await (await pair.ServerConnection).Completion.WaitAsync(cancellationToken);
        Assert.That((clientEnd.Reason, serverEnd.Reason), Is.EqualTo((AmpDisconnectReason.TlsFailure, AmpDisconnectReason.TlsFailure)));

        // The side that finds the key wrong fails the handshake; the other one receives its alert.
        TlsFailure[] failures = [((AmpTlsException)clientEnd.InnerException!).Failure, ((AmpTlsException)serverEnd.InnerException!).Failure];
        Assert.That(failures, Is.EquivalentTo(new[] { TlsFailure.HandshakeFailed, TlsFailure.AlertReceived }),
            $"client: {clientEnd.InnerException!.Message}\nserver: {serverEnd.InnerException!.Message}");
        Assert.CatchAsync<AmpException>(() => starting);
    }

    [TestCase(TlsEngine.BouncyCastle)]
    [TestCase(TlsEngine.SslStream)]
    public async Task AClientWithAKeyRefusesAServerThatAnswersWithACertificate(TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        TlsLayerOptions client = Psk(new TlsPreSharedKey("device-7", s_key), SslProtocols.None);
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(engine: serverEngine), client, cancellationToken);

        var error = Assert.ThrowsAsync<AmpTlsException>(() => pair.Client.StartTlsAsync(client, cancellationToken))!;
        Assert.That(error.Failure, Is.EqualTo(TlsFailure.UnknownPreSharedKey), error.Message);
        Assert.That(error.Message, Does.Contain("did not take the pre-shared key 'device-7'"));
    }

    [Test]
    public async Task AServerWithACertificateAndKeysServesBothKindsOfClient(CancellationToken cancellationToken)
    {
        var key = new TlsPreSharedKey("device-7", s_key);
        TlsLayerOptions server = TestCertificates.ServerOptions(engine: TlsEngine.BouncyCastle) with { PreSharedKey = key, RequireClientCertificate = false };

        await using TcpPair withKey = await TcpPair.StartAsync(server, Psk(key, SslProtocols.None), cancellationToken);
        TlsConnectionInfo keyed = await withKey.Client.StartTlsAsync(Psk(key, SslProtocols.None), cancellationToken);
        Assert.That((keyed.PreSharedKeyIdentity.HasValue, keyed.PeerCertificate), Is.EqualTo((true, null as object)));

        await using TcpPair withCertificate = await TcpPair.StartAsync(server, TestCertificates.ClientOptions(), cancellationToken);
        TlsConnectionInfo certified = await withCertificate.Client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        Assert.That((certified.PreSharedKeyIdentity.HasValue, certified.PeerCertificate!.Subject), Is.EqualTo((false, "CN=amp-server")));
        Assert.That((await withCertificate.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
    }

    [Test]
    public async Task ThePlatformEngineRefusesPreSharedKeysBeforeAnythingIsSent(CancellationToken cancellationToken)
    {
        var key = new TlsPreSharedKey("device-7", s_key);
        var platform = new TlsLayerOptions { PreSharedKey = key, Role = TlsRole.Client };

        var layer = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(new DuplexPipe(new System.IO.Pipelines.Pipe(), new System.IO.Pipelines.Pipe()), platform, TlsRole.Client, cancellationToken))!;
        Assert.That(layer.Failure, Is.EqualTo(TlsFailure.InvalidOptions));
        Assert.That(layer.Message, Does.Contain("The SslStream engine cannot use pre-shared keys").And.Contain("Engine = TlsEngine.BouncyCastle"));

        var registering = Assert.Throws<ArgumentException>(() => new AmpResponders().AddStartTls(new TlsLayerOptions { PreSharedKeyLookup = _ => null }))!;
        Assert.That(registering.Message, Does.Contain("The SslStream engine cannot use pre-shared keys"));

        // StartTLS refuses before its box is sent: the connection goes on in plaintext.
        await using ConnectedPair pair = StartTlsTests.TlsPair(new Amp.Transports.InMemoryTransportOptions());
        var calling = Assert.ThrowsAsync<AmpTlsException>(() => pair.Client.StartTlsAsync(platform, cancellationToken))!;
        Assert.That(calling.Failure, Is.EqualTo(TlsFailure.InvalidOptions));
        await StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Client.LayerDepth, Is.Zero);
    }

    [Test]
    public void OptionsTheBouncyCastleEngineCannotHonourAreRefused()
    {
        var below = new DuplexPipe(new System.IO.Pipelines.Pipe(), new System.IO.Pipelines.Pipe());
        var oldVersion = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(below,
            TestCertificates.ClientOptions(role: TlsRole.Client, engine: TlsEngine.BouncyCastle) with { EnabledProtocols = (SslProtocols)0x300 }, TlsRole.Client))!;
        Assert.That(oldVersion.Message, Does.Contain("speaks TLS 1.2 and 1.3 only"));

        var noKeyNoCertificate = Assert.ThrowsAsync<AmpTlsException>(() =>
            TlsLayer.StartAsync(below, new TlsLayerOptions { Engine = TlsEngine.BouncyCastle }, TlsRole.Server))!;
        Assert.That(noKeyNoCertificate.Message, Does.Contain("needs a certificate (TlsLayerOptions.LocalCertificate) or a pre-shared key"));

        var shortKey = Assert.Throws<ArgumentException>(() => _ = new TlsPreSharedKey("device", new byte[15]))!;
        Assert.That(shortKey.Message, Does.Contain("16 to 65535 bytes"));
        Assert.Throws<ArgumentException>(() => _ = new TlsPreSharedKey(ReadOnlySpan<byte>.Empty, s_key));
        var key = new TlsPreSharedKey([0x01, 0xFF], s_key);
        Assert.That(key.ToString(), Is.EqualTo("pre-shared key '0x01FF' (32 bytes)"), "the key itself is never shown");
    }

    private static TlsLayerOptions Psk(TlsPreSharedKey key, SslProtocols version) =>
        new() { Engine = TlsEngine.BouncyCastle, PreSharedKey = key, EnabledProtocols = version };
}
