using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Samples;

/// <summary>
/// Starts the chat sample's server and clients as processes sharing one development CA folder (made by
/// the first process that needs it, deleted on <see cref="Dispose"/>), and matches what they print.
/// </summary>
internal sealed class ChatHarness : IDisposable
{
    /// <summary>The development CA folder every process of this harness uses.</summary>
    public string Certificates { get; } = Path.Combine(Path.GetTempPath(), "amp-chat-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>A delivered line as a client prints it: <c>[12:34:56] &lt;alice&gt; hello</c>.</summary>
    public static Regex Timestamped(string from, string text) =>
        new($@"^\[\d\d:\d\d:\d\d\] <{Regex.Escape(from)}> {Regex.Escape(text)}$", RegexOptions.CultureInvariant);

    /// <summary>A server notice as a client prints it: <c>[12:34:56] * bob joined</c>.</summary>
    public static Regex TimestampedNotice(string text) =>
        new($@"^\[\d\d:\d\d:\d\d\] \* {Regex.Escape(text)}$", RegexOptions.CultureInvariant);

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public string[] ClientArguments(int port, string name) =>
        ["chat-client", "--name", name, "--port", Port(port), "--cert-dir", Certificates];

    /// <summary>Starts <c>chat-server</c> with <paramref name="flags"/> and waits until it listens.</summary>
    public async Task<SampleTerminal> StartServerAsync(StringBuilder transcript, int port, params string[] flags)
    {
        SampleTerminal server = SampleTerminal.Start("[server]", transcript, ["chat-server", "--port", Port(port), "--cert-dir", Certificates, .. flags]);
        await server.WaitForAsync("listening on");
        return server;
    }

    /// <summary>Starts <c>chat-client --name</c> and waits until it has joined.</summary>
    public async Task<SampleTerminal> JoinAsync(StringBuilder transcript, int port, string name)
    {
        SampleTerminal client = SampleTerminal.Start($"[{name}]", transcript, ClientArguments(port, name));
        await client.WaitForAsync($"* joined as {name}");
        return client;
    }

    /// <summary>TLS options of a client holding the development client certificate (the folder must exist).</summary>
    public TlsLayerOptions ClientTls() => new()
    {
        LocalCertificate = DevelopmentCertificates.LoadPem(Path.Combine(Certificates, "client.pem"), Path.Combine(Certificates, "client.key")),
        TrustedAuthorities = [DevelopmentCertificates.LoadAuthorityPem(Path.Combine(Certificates, "ca.pem"))],
        TargetHost = "localhost",
    };

    public void Dispose()
    {
        if (Directory.Exists(Certificates))
        {
            Directory.Delete(Certificates, recursive: true);
        }
    }
}
