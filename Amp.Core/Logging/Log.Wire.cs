using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class Wire
    {
        [LoggerMessage(EventId = AmpEventId.ProtocolViolation, EventName = nameof(ProtocolViolation), Level = LogLevel.Warning,
            Message = "Connection {Connection}: protocol violation ({Error}): {Detail}; closing")]
        public static partial void ProtocolViolation(ILogger logger, string connection, AmpProtocolError error, string detail);

        [LoggerMessage(EventId = AmpEventId.BoxReceived, EventName = nameof(BoxReceived), Level = LogLevel.Trace,
            Message = "Connection {Connection} received {Box}")]
        public static partial void BoxReceived(ILogger logger, string connection, BoxDump box);

        [LoggerMessage(EventId = AmpEventId.LateAnswerDropped, EventName = nameof(LateAnswerDropped), Level = LogLevel.Debug,
            Message = "Connection {Connection}: dropped the answer to abandoned call {Tag}")]
        public static partial void LateAnswerDropped(ILogger logger, string connection, ulong tag);
    }
}
