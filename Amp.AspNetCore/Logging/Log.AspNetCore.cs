using Amp.Negotiation;
using Microsoft.Extensions.Logging;

namespace Amp.AspNetCore.Logging;

internal static partial class Log
{
    /// <summary>The logger category of AMP on the web port.</summary>
    public const string Category = "Amp.AspNetCore";

    internal static partial class AspNetCore
    {
        [LoggerMessage(EventId = AmpEventId.WebTargetsStarted, EventName = nameof(WebTargetsStarted), Level = LogLevel.Information,
            Message = "AMP over HTTP upgrade serves targets {Targets}; redirects {Redirects}")]
        public static partial void WebTargetsStarted(ILogger logger, string targets, string redirects);

        [LoggerMessage(EventId = AmpEventId.WebUpgradeAccepted, EventName = nameof(WebUpgradeAccepted), Level = LogLevel.Debug,
            Message = "HTTP connection {HttpConnection} from {Remote}: 101 Switching Protocols to AMP for target {Target}; the negotiation runs")]
        public static partial void WebUpgradeAccepted(ILogger logger, string httpConnection, string remote, string target);

        [LoggerMessage(EventId = AmpEventId.WebRequestAnswered, EventName = nameof(WebRequestAnswered), Level = LogLevel.Debug,
            Message = "HTTP connection {HttpConnection} from {Remote}: {Method} {Path} {Protocol} answered {Status}: {Detail}")]
        public static partial void WebRequestAnswered(ILogger logger, string httpConnection, string remote, string method, string path, string protocol, int status, string detail);

        [LoggerMessage(EventId = AmpEventId.WebNegotiationFailed, EventName = nameof(WebNegotiationFailed), Level = LogLevel.Debug,
            Message = "HTTP connection {HttpConnection} from {Remote}: the negotiation for target {Target} failed ({Failure}): {Reason}")]
        public static partial void WebNegotiationFailed(ILogger logger, string httpConnection, string remote, string target, NegotiationFailure failure, string reason);

        [LoggerMessage(EventId = AmpEventId.WebConnectionStarted, EventName = nameof(WebConnectionStarted), Level = LogLevel.Debug,
            Message = "HTTP connection {HttpConnection} from {Remote}: AMP connection {Connection} runs for target {Target} (peer {PeerId}, extensions {Extensions})")]
        public static partial void WebConnectionStarted(ILogger logger, string httpConnection, string remote, string connection, string target, string peerId, AmpExtensions extensions);

        [LoggerMessage(EventId = AmpEventId.WebConnectionEnded, EventName = nameof(WebConnectionEnded), Level = LogLevel.Debug,
            Message = "HTTP connection {HttpConnection}: AMP connection {Connection} ended ({Reason}); the HTTP request completes")]
        public static partial void WebConnectionEnded(ILogger logger, string httpConnection, string connection, AmpDisconnectReason reason);
    }
}
