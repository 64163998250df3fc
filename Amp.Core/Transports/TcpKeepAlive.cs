using System.Net.Sockets;

namespace Amp.Transports;

/// <summary>Turns on the operating system's TCP keepalive on a socket, as <see cref="SocketTransportOptions"/> asks.</summary>
internal static class TcpKeepAlive
{
    /// <summary>Rounds <paramref name="value"/> up to whole seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 second or more than <see cref="int.MaxValue"/> seconds.</exception>
    public static TimeSpan WholeSeconds(TimeSpan value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromSeconds(1), name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromSeconds(int.MaxValue), name);
        return TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));
    }

    public static void Apply(Socket socket, SocketTransportOptions options)
    {
        if (socket.ProtocolType != ProtocolType.Tcp || options.TcpKeepAliveTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)options.TcpKeepAliveTime.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)options.TcpKeepAliveInterval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.TcpKeepAliveRetryCount);
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            // A platform without these options still carries AMP; only the dead-host check is lost.
        }
    }
}
