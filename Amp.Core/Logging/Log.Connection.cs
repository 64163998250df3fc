using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class Connection
    {
        [LoggerMessage(EventId = AmpEventId.ConnectionStarted, EventName = nameof(ConnectionStarted), Level = LogLevel.Debug,
            Message = "Connection {Connection} started")]
        public static partial void ConnectionStarted(ILogger logger, string connection);

        [LoggerMessage(EventId = AmpEventId.ConnectionClosed, EventName = nameof(ConnectionClosed), Level = LogLevel.Debug,
            Message = "Connection {Connection} closed: {Reason}")]
        public static partial void ConnectionClosed(ILogger logger, string connection, AmpDisconnectReason reason);

        [LoggerMessage(EventId = AmpEventId.ConnectionFailed, EventName = nameof(ConnectionFailed), Level = LogLevel.Information,
            Message = "Connection {Connection} ended: {Reason}: {Detail}")]
        public static partial void ConnectionFailed(ILogger logger, string connection, AmpDisconnectReason reason, string detail, Exception? exception);

        [LoggerMessage(EventId = AmpEventId.ConnectionRejected, EventName = nameof(ConnectionRejected), Level = LogLevel.Warning,
            Message = "Connection {Connection} refused: the listener already has {MaxConnections} connections open (SocketTransportOptions.MaxConnections)")]
        public static partial void ConnectionRejected(ILogger logger, string connection, int maxConnections);
    }
}
