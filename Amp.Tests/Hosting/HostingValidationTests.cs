using System.Net;
using Amp.Hosting;
using Amp.Tests.Tls;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Amp.Tests.Hosting;

/// <summary>Bad settings fail the host's start with a message that names the setting and its listener.</summary>
[CancelAfter(30_000)]
public sealed class HostingValidationTests
{
    private static async Task<string> StartFailureAsync(Dictionary<string, string?> configuration, CancellationToken cancellationToken)
    {
        var log = new TestLoggerProvider();
        using IHost host = TestAmpHost.CreateBuilder(configuration, log).Build();
        Exception failure = Assert.CatchAsync(() => host.StartAsync(cancellationToken))!;
        Assert.That(failure, Is.TypeOf<OptionsValidationException>().Or.TypeOf<InvalidOperationException>(), failure.ToString());
        Assert.That(host.Services.GetService(typeof(IAmpServer)) is IAmpServer server ? server.Listeners : [], Is.Empty, "nothing listens");
        return failure.Message;
    }

    [TestCase("tcp//nowhere:7000", "is not an endpoint")]
    [TestCase("http://127.0.0.1:7000", "is not an endpoint")]
    [TestCase("tcp://example.org:7000", "is not an endpoint")]
    [TestCase("tcp://127.0.0.1:70000", "is not an endpoint")]
    [TestCase("tcp://127.0.0.1", "is not an endpoint")]
    [TestCase("unix:", "names no socket path")]
    [TestCase("", "is missing")]
    public async Task ABadEndpointFailsTheStartNamingTheSetting(string endpoint, string problem, CancellationToken cancellationToken)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        configuration["Amp:Listeners:0:Endpoint"] = endpoint;
        string message = await StartFailureAsync(configuration, cancellationToken);
        Assert.That(message, Does.Contain("Amp:Listeners:0:Endpoint:").And.Contain(problem).And.Contain("tcp://HOST:PORT"));
        Assert.That(message, Does.Contain("listener 'main'"));
    }

    [Test]
    public async Task AMissingCertificateFileFailsTheStartNamingTheSettingAndThePath(CancellationToken cancellationToken)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.pem");
        configuration["Amp:Listeners:0:Tls:Certificate:Path"] = missing;
        string message = await StartFailureAsync(configuration, cancellationToken);
        Assert.That(message, Does.Contain("Amp:Listeners:0:Tls:Certificate:Path:").And.Contain(missing).And.Contain("does not exist").And.Contain("listener 'main'"));
    }

    [Test]
    public async Task ATlsListenerWithoutACertificateFailsTheStart(CancellationToken cancellationToken)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        configuration["Amp:Listeners:0:Tls:ClientCertificateRequired"] = "true";
        string message = await StartFailureAsync(configuration, cancellationToken);
        Assert.That(message, Does.Contain("Amp:Listeners:0:Tls:Certificate: a certificate is required"));
    }

    [Test]
    public async Task AWrongPkcs12PasswordFailsTheStartNamingTheFile(CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("amp-hosting-").FullName;
        try
        {
            string pfx = Path.Combine(directory, "server.pfx");
            await File.WriteAllBytesAsync(pfx, TestCertificates.Server.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "right"), cancellationToken);
            Dictionary<string, string?> configuration = TestAmpHost.OneListener();
            configuration["Amp:Listeners:0:Tls:Certificate:Path"] = pfx;
            configuration["Amp:Listeners:0:Tls:Certificate:Password"] = "wrong";
            string message = await StartFailureAsync(configuration, cancellationToken);
            Assert.That(message, Does.Contain("Amp:Listeners:0:Tls:Certificate:Path:").And.Contain(pfx).And.Contain("cannot be loaded").And.Contain("Password"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task ACertificateWithoutItsKeyFailsTheStartSayingSo(CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("amp-hosting-").FullName;
        try
        {
            string pem = Path.Combine(directory, "server.pem");
            await File.WriteAllTextAsync(pem, TestCertificates.Server.ExportCertificatePem(), cancellationToken);
            Dictionary<string, string?> configuration = TestAmpHost.OneListener();
            configuration["Amp:Listeners:0:Tls:Certificate:Path"] = pem;
            string message = await StartFailureAsync(configuration, cancellationToken);
            Assert.That(message, Does.Contain("Amp:Listeners:0:Tls:Certificate: the certificate has no private key in").And.Contain("set KeyPath"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task NoListenerAtAllFailsTheStart(CancellationToken cancellationToken)
    {
        string message = await StartFailureAsync([], cancellationToken);
        Assert.That(message, Does.Contain("Amp:Listeners: no listener is configured"));
    }

    [Test]
    public async Task EveryBadSettingIsReportedAtOnce(CancellationToken cancellationToken)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Amp:Listeners:0:Name"] = "main",
            ["Amp:Listeners:0:Endpoint"] = "tcp://127.0.0.1:0",
            ["Amp:Listeners:0:MaxConnections"] = "0",
            ["Amp:Listeners:0:Connection:MaxConcurrentIncomingCalls"] = "0",
            ["Amp:Listeners:0:Connection:KeepAliveInterval"] = "-00:00:05",
            ["Amp:Listeners:1:Name"] = "MAIN",
            ["Amp:Listeners:1:Endpoint"] = "tcp://127.0.0.1:0",
            ["Amp:Listeners:2:Endpoint"] = "tcp://127.0.0.1:0",
        };
        string message = await StartFailureAsync(configuration, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Contain("Amp:Listeners:0:MaxConnections: must be at least 1, not 0 (listener 'main')"));
            Assert.That(message, Does.Contain("Amp:Listeners:0:Connection:MaxConcurrentIncomingCalls: the value ('0') must be greater than or equal to '1'"));
            Assert.That(message, Does.Contain("Amp:Listeners:0:Connection:KeepAliveInterval:"));
            Assert.That(message, Does.Contain("Amp:Listeners:1:Name: 'MAIN' is already the name of Amp:Listeners:0"));
            Assert.That(message, Does.Contain("Amp:Listeners:2:Name: required"));
        });
    }

    [Test]
    public async Task AnEndpointInUseFailsTheStartNamingTheListener(CancellationToken cancellationToken)
    {
        await using SocketListener taken = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        configuration["Amp:Listeners:0:Endpoint"] = $"tcp://127.0.0.1:{taken.Port}";
        configuration["Amp:Listeners:1:Name"] = "second";
        configuration["Amp:Listeners:1:Endpoint"] = "tcp://127.0.0.1:0";
        string message = await StartFailureAsync(configuration, cancellationToken);
        Assert.That(message, Does.Contain($"Amp:Listeners:0:Endpoint: cannot listen on tcp://127.0.0.1:{taken.Port} (listener 'main')"));
    }

    [TestCase("tcp://0.0.0.0:7000", "0.0.0.0", 7000)]
    [TestCase("tcp://*:7000", "0.0.0.0", 7000)]
    [TestCase("TCP://localhost:0", "127.0.0.1", 0)]
    [TestCase("tcp://[::1]:65535", "::1", 65535)]
    [TestCase("tcp://[::]:7000/", "::", 7000)]
    public void TcpEndpointsParse(string text, string address, int port)
    {
        Assert.That(ListenerEndpoint.TryParse(text, out ListenerEndpoint? endpoint, out string? problem), Is.True, problem);
        Assert.That(endpoint!.Tcp, Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
        Assert.That(endpoint.UnixPath, Is.Null);
    }

    [TestCase("unix:/run/amp.sock", "/run/amp.sock")]
    [TestCase("unix:///run/amp.sock", "/run/amp.sock")]
    [TestCase("unix:relative.sock", "relative.sock")]
    public void UnixEndpointsParse(string text, string path)
    {
        Assert.That(ListenerEndpoint.TryParse(text, out ListenerEndpoint? endpoint, out _), Is.True);
        Assert.That(endpoint!.UnixPath, Is.EqualTo(path));
        Assert.That(endpoint.Tcp, Is.Null);
    }

    [TestCase("tcp://1.2.3:7000")]
    [TestCase("tcp://[::1:7000")]
    [TestCase("tcp://::1:7000")]
    [TestCase("tcp://127.0.0.1:-1")]
    [TestCase("tcp://127.0.0.1:+80")]
    [TestCase("tcp://:7000")]
    [TestCase("127.0.0.1:7000")]
    public void MalformedEndpointsAreRefused(string text)
    {
        Assert.That(ListenerEndpoint.TryParse(text, out _, out string? problem), Is.False);
        Assert.That(problem, Does.Contain(text));
    }
}
