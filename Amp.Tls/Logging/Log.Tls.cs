using Microsoft.Extensions.Logging;

namespace Amp.Tls.Logging;

internal static partial class Log
{
    internal static partial class Tls
    {
        [LoggerMessage(EventId = AmpEventId.TlsLayerStarted, EventName = nameof(TlsLayerStarted), Level = LogLevel.Debug,
            Message = "Connection {Connection}: {Layer}")]
        public static partial void TlsLayerStarted(ILogger logger, string connection, TlsConnectionInfo layer);

        [LoggerMessage(EventId = AmpEventId.TlsHandshakeFailed, EventName = nameof(TlsHandshakeFailed), Level = LogLevel.Warning,
            Message = "Connection {Connection}: TLS handshake failed ({Failure}): {Detail}")]
        public static partial void TlsHandshakeFailed(ILogger logger, string connection, TlsFailure failure, string detail);
    }
}
