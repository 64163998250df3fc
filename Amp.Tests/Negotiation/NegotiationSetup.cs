using System.Security.Cryptography.X509Certificates;
using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Negotiation;

/// <summary>Nodes, targets and TLS settings the negotiation tests share.</summary>
internal static class NegotiationSetup
{
    private static readonly Lazy<X509Certificate2> s_targetA = new(() => DevelopmentCertificates.Issue(TestCertificates.Authority, "target-a"));
    private static readonly Lazy<X509Certificate2> s_targetB = new(() => DevelopmentCertificates.Issue(TestCertificates.Authority, "target-b"));

    /// <summary>A certificate of its own for target "a" (CN=target-a), from the test CA.</summary>
    public static X509Certificate2 TargetA => s_targetA.Value;

    /// <summary>A certificate of its own for target "b" (CN=target-b), from the test CA.</summary>
    public static X509Certificate2 TargetB => s_targetB.Value;

    /// <summary>The listening side's TLS: the given certificate, and a client certificate from the test CA required.</summary>
    public static TlsLayerOptions TargetTls(X509Certificate2? certificate = null) => TestCertificates.ServerOptions(certificate ?? TestCertificates.Server);

    /// <summary>The connecting side's TLS: the test CA pinned, the client certificate presented, host name checked (localhost).</summary>
    public static TlsLayerOptions ClientTls() => TestCertificates.ClientOptions();

    /// <summary>A node with the interop responders (Sum, ...), short of the test's own settings.</summary>
    public static AmpNegotiator Node(string? id, Func<NegotiationContext, NegotiationVerdict>? decide = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? parameters = null, AmpConnectionOptions? connection = null, int maxRedirects = 5) =>
        new(new NegotiationOptions
        {
            Id = id,
            Decide = decide,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
            Parameters = parameters ?? new Dictionary<string, string>(),
            ConnectionOptions = connection ?? new AmpConnectionOptions { Responders = InteropResponders.Create() },
            MaxRedirects = maxRedirects,
        });

    /// <summary>A server serving one target.</summary>
    public static AmpNegotiationServer Serving(string target, AmpNegotiator node, X509Certificate2? certificate = null, NegotiationServerOptions? options = null) =>
        new AmpNegotiationServer(options).AddTarget(new NegotiationTarget(target, TargetTls(certificate), node));
}
