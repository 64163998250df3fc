using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class Streams
    {
        [LoggerMessage(EventId = AmpEventId.StreamSourceFailed, EventName = nameof(StreamSourceFailed), Level = LogLevel.Warning,
            Message = "Connection {Connection}: the source of outgoing stream {Stream} failed; the stream ends with an UNKNOWN error")]
        public static partial void StreamSourceFailed(ILogger logger, string connection, ulong stream, Exception exception);

        [LoggerMessage(EventId = AmpEventId.ExtensionsAgreed, EventName = nameof(ExtensionsAgreed), Level = LogLevel.Debug,
            Message = "Connection {Connection}: extensions agreed: {Extensions}")]
        public static partial void ExtensionsAgreed(ILogger logger, string connection, string extensions);
    }
}
