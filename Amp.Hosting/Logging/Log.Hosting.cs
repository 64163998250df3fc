using Microsoft.Extensions.Logging;

namespace Amp.Hosting.Logging;

internal static partial class Log
{
    /// <summary>The category of the hosting events.</summary>
    public const string Category = "Amp.Hosting";

    internal static partial class Hosting
    {
        [LoggerMessage(EventId = AmpEventId.ListenerStarted, EventName = nameof(ListenerStarted), Level = LogLevel.Information,
            Message = "AMP listener {Listener} is listening on {EndPoint}{Tls}")]
        public static partial void ListenerStarted(ILogger logger, string listener, string endPoint, string tls);

        [LoggerMessage(EventId = AmpEventId.ListenerStopped, EventName = nameof(ListenerStopped), Level = LogLevel.Debug,
            Message = "AMP listener {Listener} stopped accepting on {EndPoint}")]
        public static partial void ListenerStopped(ILogger logger, string listener, string endPoint);

        [LoggerMessage(EventId = AmpEventId.ConnectionAccepted, EventName = nameof(ConnectionAccepted), Level = LogLevel.Debug,
            Message = "AMP listener {Listener} accepted connection {Connection}")]
        public static partial void ConnectionAccepted(ILogger logger, string listener, string connection);

        [LoggerMessage(EventId = AmpEventId.HostedConnectionEnded, EventName = nameof(HostedConnectionEnded), Level = LogLevel.Debug,
            Message = "AMP listener {Listener}: connection {Connection} ended ({Reason}); its service scope is disposed")]
        public static partial void HostedConnectionEnded(ILogger logger, string listener, string connection, AmpDisconnectReason reason);

        [LoggerMessage(EventId = AmpEventId.AcceptFailed, EventName = nameof(AcceptFailed), Level = LogLevel.Warning,
            Message = "AMP listener {Listener} failed to accept or start a connection; it goes on accepting")]
        public static partial void AcceptFailed(ILogger logger, string listener, Exception exception);

        [LoggerMessage(EventId = AmpEventId.ServerStopping, EventName = nameof(ServerStopping), Level = LogLevel.Information,
            Message = "AMP server stopping: its listeners stop accepting ({Listeners}), then its connections close gracefully ({Connections})")]
        public static partial void ServerStopping(ILogger logger, int listeners, int connections);

        [LoggerMessage(EventId = AmpEventId.ServerStopped, EventName = nameof(ServerStopped), Level = LogLevel.Information,
            Message = "AMP server stopped; connections closed: {Connections}")]
        public static partial void ServerStopped(ILogger logger, int connections);

        [LoggerMessage(EventId = AmpEventId.ShutdownTimedOut, EventName = nameof(ShutdownTimedOut), Level = LogLevel.Warning,
            Message = "AMP server: the host's shutdown timeout passed with connections still closing ({Connections}); they were closed at once and their calls in flight failed")]
        public static partial void ShutdownTimedOut(ILogger logger, int connections);

        [LoggerMessage(EventId = AmpEventId.ConnectionScopeDisposeFailed, EventName = nameof(ConnectionScopeDisposeFailed), Level = LogLevel.Error,
            Message = "AMP listener {Listener}: disposing the service scope of connection {Connection} failed")]
        public static partial void ConnectionScopeDisposeFailed(ILogger logger, string listener, string connection, Exception exception);
    }
}
