using System.Net;
using System.Net.Sockets;

namespace Amp.Transports;

/// <summary>Formats socket end points for transport descriptions.</summary>
internal static class EndPointText
{
    public static string Describe(Socket socket)
    {
        string scheme = socket.AddressFamily == AddressFamily.Unix ? "unix" : "tcp";
        return $"{scheme} {Format(SafeLocal(socket))}->{Format(SafeRemote(socket))}";
    }

    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        null => "?",
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => new IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString(),
        UnixDomainSocketEndPoint unix => unix.ToString() is { Length: > 0 } path ? path : "(unnamed)",
        _ => endPoint.ToString() ?? "?",
    };

    private static EndPoint? SafeLocal(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
