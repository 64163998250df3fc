using System.Globalization;
using System.Text;

namespace Amp.Negotiation.Http;

/// <summary>The exact bytes of the request and of every answer (spec/amp-wire.md §16.2, §16.3).</summary>
internal static class HttpMessages
{
    /// <summary>
    /// The body of 426 Upgrade Required, for an ordinary HTTP client (curl, a browser) pointed at the port.
    /// </summary>
    public const string NotAnAmpClientText =
        "This port speaks AMP (the Asynchronous Messaging Protocol), not plain HTTP.\n"
        + "An AMP client asks for 'GET /amp/<target> HTTP/1.1' with 'Connection: Upgrade' and 'Upgrade: amp/1',\n"
        + "then speaks TLS (Amp.NET's connection negotiation, spec/amp-wire.md section 16).\n";

    /// <summary>The connecting side's request for <paramref name="address"/>.</summary>
    public static byte[] Request(NegotiationAddress address) => Encoding.ASCII.GetBytes(
        $"GET {NegotiationProtocol.PathPrefix}{address.Target} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n");

    /// <summary>101: the listening side starts TLS right after it.</summary>
    public static byte[] SwitchingProtocols() => "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"u8.ToArray();

    /// <summary>303 to <paramref name="location"/>; the connection is closed after it.</summary>
    public static byte[] SeeOther(NegotiationAddress location) => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 303 See Other\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    /// <summary>An error answer with a short text body; the connection is closed after it.</summary>
    /// <param name="status">400, 404, 408, 426 or 431.</param>
    /// <param name="text">The body: one or more lines of ASCII, ending with a line feed.</param>
    public static byte[] Error(int status, string text)
    {
        byte[] body = Encoding.ASCII.GetBytes(text);
        string upgrade = status == 426 ? "Upgrade: amp/1\r\nConnection: Upgrade, close\r\n" : "Connection: close\r\n";
        string head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\n{upgrade}\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    public static string ReasonPhrase(int status) => status switch
    {
        101 => "Switching Protocols",
        303 => "See Other",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
}
