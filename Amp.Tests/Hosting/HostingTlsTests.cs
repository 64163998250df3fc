using System.Security.Cryptography.X509Certificates;
using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Hosting;

/// <summary>A listener that answers StartTLS with a certificate named in its configuration (PEM, PKCS#12 or a store), requiring client certificates.</summary>
[CancelAfter(30_000)]
public sealed class HostingTlsTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("amp-hosting-tls-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>A listener whose certificate comes from <paramref name="source"/>, trusting the test CA for clients.</summary>
    private Dictionary<string, string?> TlsListener(string source, X509Certificate2 server)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        string ca = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(ca, TestCertificates.Authority.ExportCertificatePem());
        configuration["Amp:Listeners:0:Tls:TrustedAuthorities:0"] = ca;
        configuration["Amp:Listeners:0:Tls:ClientCertificateRequired"] = "true";
        configuration["Amp:Listeners:0:Tls:MaxConcurrentHandshakes"] = "4";
        configuration["Amp:Listeners:0:Tls:HandshakeTimeout"] = "00:00:30";
        switch (source)
        {
            case "pem":
                string pem = Path.Combine(_directory, "server.pem");
                string key = Path.Combine(_directory, "server.key");
                DevelopmentCertificates.ExportPem(server, pem, key);
                configuration["Amp:Listeners:0:Tls:Certificate:Path"] = pem;
                configuration["Amp:Listeners:0:Tls:Certificate:KeyPath"] = key;
                break;
            case "pfx":
                string pfx = Path.Combine(_directory, "server.pfx");
                File.WriteAllBytes(pfx, server.Export(X509ContentType.Pkcs12, "secret"));
                configuration["Amp:Listeners:0:Tls:Certificate:Path"] = pfx;
                configuration["Amp:Listeners:0:Tls:Certificate:Password"] = "secret";
                break;
            default:
                configuration["Amp:Listeners:0:Tls:Certificate:Store"] = "My";
                configuration["Amp:Listeners:0:Tls:Certificate:Location"] = "CurrentUser";
                configuration["Amp:Listeners:0:Tls:Certificate:Subject"] = server.GetNameInfo(X509NameType.SimpleName, false);
                break;
        }

        return configuration;
    }

    [TestCase("pem")]
    [TestCase("pfx")]
    [TestCase("store")]
    public async Task ATlsListenerFromConfigurationAnswersStartTlsWithItsCertificate(string source, CancellationToken cancellationToken)
    {
        // A certificate of its own for the store case, found by a subject nobody else uses, and removed after.
        X509Certificate2 server = source == "store"
            ? DevelopmentCertificates.Issue(TestCertificates.Authority, $"amp-hosting-{Guid.NewGuid():N}")
            : TestCertificates.Server;
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        if (source == "store")
        {
            store.Open(OpenFlags.ReadWrite);
            store.Add(server);
        }

        try
        {
            await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, TlsListener(source, server));
            Assert.That(host.Listener().Tls, Is.True);
            AmpConnection client = await host.ConnectAsync(cancellationToken);

            TlsConnectionInfo tls = await client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
            Assert.That(tls.PeerCertificate!.Thumbprint, Is.EqualTo(server.Thumbprint));
            Assert.That((await client.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("main"));
            Assert.That(client.GetTlsLayers(), Has.Count.EqualTo(1));
            await client.StopTlsAsync(cancellationToken);

            // Our reading side pops when it reads the listener's close_notify: an answer read after it proves it was.
            Assert.That((await client.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("main"));
            Assert.That(client.GetTlsLayers(), Is.Empty, "the listener answers StopTLS too");
        }
        finally
        {
            if (source == "store")
            {
                store.Remove(server);
                server.Dispose();
            }
        }
    }

    [Test]
    public async Task AClientWhoseCertificateTheListenerDoesNotTrustIsRefused(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, TlsListener("pem", TestCertificates.Server));
        AmpConnection stranger = await host.ConnectAsync(cancellationToken);
        TlsLayerOptions options = TestCertificates.ClientOptions() with { LocalCertificate = TestCertificates.Stranger };
        try
        {
            // With TLS 1.3 the client may finish its side of the handshake before the server's verdict arrives.
            await stranger.StartTlsAsync(options, cancellationToken);
        }
        catch (AmpTlsException)
        {
        }

        await host.Signals.Logged(AmpEventId.TlsHandshakeFailed).WaitAsync(cancellationToken);
        await stranger.Completion.WaitAsync(cancellationToken);
        Assert.ThrowsAsync<AmpConnectionLostException>(() => stranger.CallRemoteAsync(new HostProbe(), cancellationToken), "the connection is closed");
        Assert.That(host.Log.Entries.Single(e => e.EventId.Id == AmpEventId.TlsHandshakeFailed).Category, Is.EqualTo("Amp.Tls"), "logged through the host");
    }
}
