using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Tls.Engines.BouncyCastle;
using Amp.Transports;
using AlertDescription = Org.BouncyCastle.Tls.AlertDescription;
using TlsFatalAlert = Org.BouncyCastle.Tls.TlsFatalAlert;
using TlsFatalAlertReceived = Org.BouncyCastle.Tls.TlsFatalAlertReceived;

namespace Amp.Tests.Tls;

/// <summary>
/// What only the BouncyCastle engine needs: .NET certificates converted for it (RSA as well as ECDSA, both
/// versions, both roles, against the platform's engine), certificates it cannot use refused as options, and
/// received alerts read from its own exception.
/// </summary>
[CancelAfter(60000)]
public sealed class BouncyCastleEngineTests
{
    private static readonly Lazy<X509Certificate2> s_rsaServer = new(() => IssueRsa("rsa-server"));

    public static IEnumerable<TestCaseData> RsaCases() =>
        from version in new[] { SslProtocols.Tls13, SslProtocols.Tls12 }
        from engines in EngineCases.PairValues()
        where engines.Client == TlsEngine.BouncyCastle || engines.Server == TlsEngine.BouncyCastle
        select new TestCaseData(version, engines.Client, engines.Server);

    [TestCaseSource(nameof(RsaCases))]
    public async Task AnRsaServerCertificateSignsTheHandshake(SslProtocols version, TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        TlsLayerOptions server = TestCertificates.ServerOptions(s_rsaServer.Value, TlsRole.Server, serverEngine) with { EnabledProtocols = version };
        TlsLayerOptions client = TestCertificates.ClientOptions(role: TlsRole.Client, engine: clientEngine) with { EnabledProtocols = version };

        Task<TlsLayer> serving = TlsLayer.StartAsync(acceptor, server, TlsRole.Server, cancellationToken);
        await using TlsLayer layer = await TlsLayer.StartAsync(initiator, client, TlsRole.Client, cancellationToken);
        await using TlsLayer served = await serving;
        Assert.That((layer.Info.Protocol, layer.Info.PeerCertificate!.Subject), Is.EqualTo((version, "CN=rsa-server")));
        Assert.That(served.Info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"), "the ECDSA client certificate, verified by the RSA server");
        if (version == SslProtocols.Tls12)
        {
            Assert.That(layer.Info.CipherSuite.ToString(), Does.StartWith("TLS_ECDHE_RSA_WITH_"));
        }

        await TlsLayerStandaloneTests.ExchangeAsync(layer, served, "signed with RSA", cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public void ACertificateWithoutItsPrivateKeyIsAnOptionsError(TlsEngine engine)
    {
        using X509Certificate2 bare = X509CertificateLoader.LoadCertificate(TestCertificates.Server.RawData);
        var below = new DuplexPipe(new System.IO.Pipelines.Pipe(), new System.IO.Pipelines.Pipe());
        var error = Assert.ThrowsAsync<AmpTlsException>(() =>
            TlsLayer.StartAsync(below, TestCertificates.ServerOptions(bare, TlsRole.Server, engine), TlsRole.Server))!;
        Assert.That(error.Failure, Is.EqualTo(TlsFailure.InvalidOptions));
        Assert.That(error.Message, Does.Contain("The certificate CN=amp-server (TlsLayerOptions.LocalCertificate) has no private key."));
    }

    [Test]
    public void ACertificateTheBouncyCastleEngineCannotSignWithIsAnOptionsError()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        var request = new CertificateRequest("CN=brainpool", key, HashAlgorithmName.SHA256);
        using X509Certificate2 odd = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var below = new DuplexPipe(new System.IO.Pipelines.Pipe(), new System.IO.Pipelines.Pipe());
        var error = Assert.ThrowsAsync<AmpTlsException>(() =>
            TlsLayer.StartAsync(below, TestCertificates.ServerOptions(odd, TlsRole.Server, TlsEngine.BouncyCastle), TlsRole.Server))!;
        Assert.That(error.Failure, Is.EqualTo(TlsFailure.InvalidOptions));
        Assert.That(error.Message, Does.StartWith("The BouncyCastle engine cannot use the certificate CN=brainpool"));
    }

    [Test]
    public void TheAlertIsReadFromBouncyCastlesReceivedAlertOnly()
    {
        var engine = Amp.Tls.Engines.TlsEngines.For(TlsEngine.BouncyCastle);
        Assert.That(engine.TryGetReceivedAlert(new IOException("wrapped", new TlsFatalAlertReceived(AlertDescription.unknown_ca)), out int alert), Is.True);
        Assert.That(alert, Is.EqualTo(48));

        // An alert this side raised (and sent) is not one it received.
        Assert.That(engine.TryGetReceivedAlert(new TlsFatalAlert(AlertDescription.unknown_ca), out _), Is.False);
        Assert.That(BouncyCastleEngine.Instance, Is.SameAs(engine));
    }

    [Test]
    public async Task TheLayerNamesItsEngine(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        (TlsLayer client, TlsLayer server) = await TlsLayerStandaloneTests.HandshakeAsync(initiator, acceptor, cancellationToken, TlsEngine.BouncyCastle, TlsEngine.SslStream);
        Assert.That((client.Name, server.Name), Is.EqualTo(("tls(1.3, BouncyCastle)", "tls(1.3)")));
        Assert.That(client.Info.CipherSuite, Is.EqualTo(server.Info.CipherSuite));
        Assert.That(client.Info.CipherSuite, Is.AnyOf(TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256));
        Assert.That(client.Info.LocalCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That(client.Info.ToString(), Does.Contain("BouncyCastle, peer CN=amp-server"));
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    /// <summary>An RSA-2048 certificate issued by the test CA (which signs with ECDSA), for server and client authentication.</summary>
    private static X509Certificate2 IssueRsa(string commonName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(TestCertificates.Authority, true, false));
        using ECDsa authorityKey = TestCertificates.Authority.GetECDsaPrivateKey()!;
        using X509Certificate2 signed = request.Create(TestCertificates.Authority.SubjectName, X509SignatureGenerator.CreateForECDsa(authorityKey),
            DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
