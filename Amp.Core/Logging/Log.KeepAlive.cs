using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class KeepAlive
    {
        [LoggerMessage(EventId = AmpEventId.KeepAlivePingSent, EventName = nameof(KeepAlivePingSent), Level = LogLevel.Trace,
            Message = "Connection {Connection}: the peer sent nothing for {SilentMs} ms; keepalive ping sent")]
        public static partial void KeepAlivePingSent(ILogger logger, string connection, long silentMs);

        [LoggerMessage(EventId = AmpEventId.KeepAliveNegotiating, EventName = nameof(KeepAliveNegotiating), Level = LogLevel.Debug,
            Message = "Connection {Connection}: the peer sent nothing for {SilentMs} ms and the extensions are not agreed yet; the extension hello goes in place of the first keepalive ping")]
        public static partial void KeepAliveNegotiating(ILogger logger, string connection, long silentMs);

        [LoggerMessage(EventId = AmpEventId.KeepAliveUnavailable, EventName = nameof(KeepAliveUnavailable), Level = LogLevel.Debug,
            Message = "Connection {Connection}: the peer did not agree to keepalive/1 (agreed: {Extensions}); no keepalive ping will be sent, only TCP keepalive (if the transport has it) watches the peer")]
        public static partial void KeepAliveUnavailable(ILogger logger, string connection, string extensions);

        [LoggerMessage(EventId = AmpEventId.KeepAliveTimedOut, EventName = nameof(KeepAliveTimedOut), Level = LogLevel.Warning,
            Message = "Connection {Connection}: {Detail}")]
        public static partial void KeepAliveTimedOut(ILogger logger, string connection, string detail);

        [LoggerMessage(EventId = AmpEventId.KeepAlivePingPostponed, EventName = nameof(KeepAlivePingPostponed), Level = LogLevel.Trace,
            Message = "Connection {Connection}: keepalive ping due but postponed ({Why})")]
        public static partial void KeepAlivePingPostponed(ILogger logger, string connection, string why);

        [LoggerMessage(EventId = AmpEventId.KeepAlivePingAnswered, EventName = nameof(KeepAlivePingAnswered), Level = LogLevel.Trace,
            Message = "Connection {Connection}: keepalive ping answered in {RoundTripMs} ms")]
        public static partial void KeepAlivePingAnswered(ILogger logger, string connection, long roundTripMs);
    }
}
