using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class Closing
    {
        [LoggerMessage(EventId = AmpEventId.GracefulCloseStarted, EventName = nameof(GracefulCloseStarted), Level = LogLevel.Debug,
            Message = "Connection {Connection}: closing gracefully: new calls are refused (pending-calls={PendingCalls}, running-responders={RunningResponders}, open-streams={OpenStreams})")]
        public static partial void GracefulCloseStarted(ILogger logger, string connection, int pendingCalls, int runningResponders, int openStreams);

        [LoggerMessage(EventId = AmpEventId.GoAwaySent, EventName = nameof(GoAwaySent), Level = LogLevel.Debug,
            Message = "Connection {Connection}: told the peer this side is going away (goaway/1)")]
        public static partial void GoAwaySent(ILogger logger, string connection);

        [LoggerMessage(EventId = AmpEventId.GoAwayReceived, EventName = nameof(GoAwayReceived), Level = LogLevel.Debug,
            Message = "Connection {Connection}: the peer is going away (goaway/1): new calls are refused, calls in flight go on")]
        public static partial void GoAwayReceived(ILogger logger, string connection);

        [LoggerMessage(EventId = AmpEventId.GracefulCloseDrained, EventName = nameof(GracefulCloseDrained), Level = LogLevel.Debug,
            Message = "Connection {Connection}: nothing is left in flight; closing")]
        public static partial void GracefulCloseDrained(ILogger logger, string connection);

        [LoggerMessage(EventId = AmpEventId.GracefulCloseCut, EventName = nameof(GracefulCloseCut), Level = LogLevel.Information,
            Message = "Connection {Connection}: the graceful close's token fired with work in flight (pending-calls={PendingCalls}, running-responders={RunningResponders}, open-streams={OpenStreams}); closing at once")]
        public static partial void GracefulCloseCut(ILogger logger, string connection, int pendingCalls, int runningResponders, int openStreams);

        [LoggerMessage(EventId = AmpEventId.GoAwayNotAgreed, EventName = nameof(GoAwayNotAgreed), Level = LogLevel.Debug,
            Message = "Connection {Connection}: the peer has not agreed to goaway/1 (agreed: {Extensions}); closing without telling it")]
        public static partial void GoAwayNotAgreed(ILogger logger, string connection, string extensions);
    }
}
