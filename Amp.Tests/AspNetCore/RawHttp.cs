using System.Net.Sockets;
using System.Text;

namespace Amp.Tests.AspNetCore;

/// <summary>Sends a request exactly as written and reads the answer until the server closes (every answer of MapAmp but 101 closes).</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(int port, string request, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>An AMP upgrade request for <paramref name="path"/>, as the negotiation's client writes it.</summary>
    public static string Upgrade(string path, string method = "GET", string version = "HTTP/1.1") =>
        $"{method} {path} {version}\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n";
}
