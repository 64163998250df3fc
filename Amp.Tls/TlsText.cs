using System.Security.Authentication;

namespace Amp.Tls;

internal static class TlsText
{
    public static string Version(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "1.3",
        SslProtocols.Tls12 => "1.2",
        _ => protocol.ToString(),
    };
}
