using System.Security.Authentication;
using System.Text;

namespace Amp.Tls;

internal static class TlsText
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Version(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "1.3",
        SslProtocols.Tls12 => "1.2",
        _ => protocol.ToString(),
    };

    /// <summary>A pre-shared key identity for messages: its text when it is printable UTF-8, else <c>0x</c> and hex.</summary>
    public static string Identity(ReadOnlySpan<byte> identity)
    {
        try
        {
            string text = s_strictUtf8.GetString(identity);
            foreach (char c in text)
            {
                if (char.IsControl(c))
                {
                    return "0x" + Convert.ToHexString(identity);
                }
            }

            return text;
        }
        catch (DecoderFallbackException)
        {
            return "0x" + Convert.ToHexString(identity);
        }
    }
}
