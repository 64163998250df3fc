using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Amp.Tls;
using Amp.Transports;
using static Amp.Tests.Tls.TlsLayerStandaloneTests;

namespace Amp.Tests.Tls;

/// <summary>
/// The BouncyCastle engine on its own against OpenSSL with pre-shared keys: <c>openssl s_server -psk</c> as the
/// server of our client, <c>openssl s_client -psk</c> as the client of our server, TLS 1.3 (external PSK,
/// <c>-ciphersuites</c>) and TLS 1.2 (<c>-cipher PSK-…</c>), data both ways, and an identity OpenSSL does not know.
/// </summary>
[CancelAfter(60000)]
public sealed class OpenSslPreSharedKeyTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);

    public static IEnumerable<TestCaseData> Ciphers()
    {
        yield return new TestCaseData("1.3", "TLS_AES_128_GCM_SHA256", TlsCipherSuite.TLS_AES_128_GCM_SHA256);
        yield return new TestCaseData("1.3", "TLS_CHACHA20_POLY1305_SHA256", TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256);
        yield return new TestCaseData("1.2", "PSK-AES128-GCM-SHA256", TlsCipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256);
        yield return new TestCaseData("1.2", "PSK-AES256-GCM-SHA384", TlsCipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384);
        yield return new TestCaseData("1.2", "ECDHE-PSK-CHACHA20-POLY1305", TlsCipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256);
    }

    [TestCaseSource(nameof(Ciphers))]
    public async Task OurClientAgainstOpenSslServer(string version, string cipher, TlsCipherSuite expected, CancellationToken cancellationToken)
    {
        await using OpenSslPskPeer server = await OpenSslPskPeer.StartServerAsync("amp-client", s_key, OpenSslPskPeer.VersionArguments(version, cipher), cancellationToken);
        await using AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);
        await using TlsLayer layer = await TlsLayer.StartAsync(transport, Options(new TlsPreSharedKey("amp-client", s_key)), TlsRole.Client, cancellationToken);

        Assert.That((layer.Info.Protocol, layer.Info.CipherSuite), Is.EqualTo((Protocol(version), expected)), server.Transcript);
        Assert.That(layer.Info.PreSharedKeyIdentity!.Value.ToArray(), Is.EqualTo("amp-client"u8.ToArray()));
        await WriteAsync(layer.Output, "hello from Amp.NET\n", cancellationToken);
        await server.WaitForLineAsync("hello from Amp.NET", cancellationToken);
        await server.WriteLineAsync("hello from OpenSSL");
        Assert.That(await ReadTextAsync(layer.Input, "hello from OpenSSL\n".Length, cancellationToken), Is.EqualTo("hello from OpenSSL\n"));
    }

    [TestCaseSource(nameof(Ciphers))]
    public async Task OpenSslClientAgainstOurServer(string version, string cipher, TlsCipherSuite expected, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        await using OpenSslPskPeer client = OpenSslPskPeer.StartClient(listener.Port, "openssl-client", s_key, OpenSslPskPeer.VersionArguments(version, cipher));
        await using AmpTransport transport = await listener.AcceptAsync(cancellationToken);
        var options = new TlsLayerOptions
        {
            Engine = TlsEngine.BouncyCastle,
            PreSharedKeyLookup = identity => identity.Span.SequenceEqual("openssl-client"u8) ? s_key : null,
        };
        await using TlsLayer layer = await TlsLayer.StartAsync(transport, options, TlsRole.Server, cancellationToken);

        Assert.That((layer.Info.Protocol, layer.Info.CipherSuite), Is.EqualTo((Protocol(version), expected)), client.Transcript);
        Assert.That(Encoding.UTF8.GetString(layer.Info.PreSharedKeyIdentity!.Value.Span), Is.EqualTo("openssl-client"));
        await client.WriteLineAsync("hello from OpenSSL");
        Assert.That(await ReadTextAsync(layer.Input, "hello from OpenSSL\n".Length, cancellationToken), Is.EqualTo("hello from OpenSSL\n"));
        await WriteAsync(layer.Output, "hello from Amp.NET\n", cancellationToken);
        await client.WaitForLineAsync("hello from Amp.NET", cancellationToken);
    }

    /// <remarks>
    /// <c>s_server</c> checks the identity only in TLS 1.3 (in TLS 1.2 it warns about a different one and goes on
    /// with its key), so TLS 1.2 is refused here by a different key.
    /// </remarks>
    [TestCase("1.3", "TLS_AES_128_GCM_SHA256", "someone-else", false)]
    [TestCase("1.3", "TLS_AES_128_GCM_SHA256", "amp-client", true)]
    [TestCase("1.2", "PSK-AES128-GCM-SHA256", "amp-client", true)]
    public async Task AnOpenSslServerWithAnotherIdentityOrKeyRefusesUs(string version, string cipher, string serverIdentity, bool otherKey, CancellationToken cancellationToken)
    {
        byte[] serverKey = otherKey ? RandomNumberGenerator.GetBytes(32) : s_key;
        await using OpenSslPskPeer server = await OpenSslPskPeer.StartServerAsync(serverIdentity, serverKey, OpenSslPskPeer.VersionArguments(version, cipher), cancellationToken);
        await using AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);

        var refused = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(transport, Options(new TlsPreSharedKey("amp-client", s_key)), TlsRole.Client, cancellationToken))!;
        Assert.That(refused.Failure, Is.EqualTo(TlsFailure.AlertReceived), $"{refused.Message}\n{server.Transcript}");
        Assert.That(refused.Message, Does.Contain("TlsFatalAlertReceived"));
    }

    [TestCase("1.3", "TLS_AES_128_GCM_SHA256")]
    [TestCase("1.2", "PSK-AES128-GCM-SHA256")]
    public async Task AnOpenSslClientWithAnIdentityWeDoNotKnowIsRefused(string version, string cipher, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        await using OpenSslPskPeer client = OpenSslPskPeer.StartClient(listener.Port, "stranger", s_key, OpenSslPskPeer.VersionArguments(version, cipher));
        await using AmpTransport transport = await listener.AcceptAsync(cancellationToken);
        var options = new TlsLayerOptions { Engine = TlsEngine.BouncyCastle, PreSharedKey = new TlsPreSharedKey("openssl-client", s_key) };

        var refused = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(transport, options, TlsRole.Server, cancellationToken))!;
        Assert.That(refused.Failure, Is.EqualTo(TlsFailure.UnknownPreSharedKey), refused.Message);
        Assert.That(refused.Message, Does.Contain("'stranger'"));
        await client.WaitForLineAsync("alert unknown psk identity", cancellationToken);
    }

    private static TlsLayerOptions Options(TlsPreSharedKey key) => new() { Engine = TlsEngine.BouncyCastle, PreSharedKey = key };

    private static SslProtocols Protocol(string version) => version == "1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12;
}
