using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>The snippet of docs/tls.md, "Engines", pasted as is, compiled and run.</summary>
[CancelAfter(30000)]
public sealed class EngineDocSnippetTests
{
    [Test]
    public async Task TheEnginesSnippetCompilesAndRuns(CancellationToken cancellationToken)
    {
        // docs/tls.md, "Engines": from here ...
        // Certificates, verified by the same rules, with BouncyCastle's TLS:
        static TlsLayerOptions WithBouncyCastle(X509Certificate2 ca, X509Certificate2 myCertificate) =>
            TlsLayerOptions.PinnedTo(ca, myCertificate) with { Engine = TlsEngine.BouncyCastle };

        // Pre-shared keys. The server finds each device's key by the identity it offers:
        static AmpResponders PskServer(IReadOnlyDictionary<string, byte[]> keys) =>
            new AmpResponders().AddStartTls(new TlsLayerOptions
            {
                Engine = TlsEngine.BouncyCastle,
                PreSharedKeyLookup = identity => keys.GetValueOrDefault(Encoding.UTF8.GetString(identity.Span)),
            });

        // ... and a device presents its own (16 or more random bytes, shared out of band):
        static Task<TlsConnectionInfo> PskClientAsync(AmpConnection connection, byte[] key) =>
            connection.StartTlsAsync(new TlsLayerOptions
            {
                Engine = TlsEngine.BouncyCastle,
                PreSharedKey = new TlsPreSharedKey("sensor-17", key),
            });
        // ... to here.

        byte[] key = RandomNumberGenerator.GetBytes(32);
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions
        {
            Responders = PskServer(new Dictionary<string, byte[]> { ["sensor-17"] = key }).AddObject(new InteropResponders()),
        });
        await using AmpConnection device = AmpConnection.Start(initiator);
        TlsConnectionInfo keyed = await PskClientAsync(device, key).WaitAsync(cancellationToken);
        Assert.That((keyed.Engine, Encoding.UTF8.GetString(keyed.PreSharedKeyIdentity!.Value.Span)), Is.EqualTo((TlsEngine.BouncyCastle, "sensor-17")));
        Assert.That((await device.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));

        TlsLayerOptions client = WithBouncyCastle(TestCertificates.Authority, TestCertificates.Client) with { TargetHost = "localhost" };
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(), client, cancellationToken);
        TlsConnectionInfo certified = await pair.Client.StartTlsAsync(client, cancellationToken);
        Assert.That((certified.Engine, certified.PeerCertificate!.Subject), Is.EqualTo((TlsEngine.BouncyCastle, "CN=amp-server")));
    }
}
