using Microsoft.Extensions.Logging;

namespace Amp.Negotiation.Logging;

internal static partial class Log
{
    /// <summary>The logger category of the negotiation.</summary>
    public const string Category = "Amp.Negotiation";

    internal static partial class Negotiation
    {
        [LoggerMessage(EventId = AmpEventId.NegotiationStarted, EventName = nameof(NegotiationStarted), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: started as the {Side} side")]
        public static partial void NegotiationStarted(ILogger logger, string transport, string side);

        [LoggerMessage(EventId = AmpEventId.UpgradeAccepted, EventName = nameof(UpgradeAccepted), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: 101 Switching Protocols for target {Target}; TLS starts")]
        public static partial void UpgradeAccepted(ILogger logger, string transport, string target);

        [LoggerMessage(EventId = AmpEventId.HttpAnswered, EventName = nameof(HttpAnswered), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: answered {Status}: {Detail}")]
        public static partial void HttpAnswered(ILogger logger, string transport, int status, string detail);

        [LoggerMessage(EventId = AmpEventId.RedirectFollowed, EventName = nameof(RedirectFollowed), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: redirected from {From} to {To}")]
        public static partial void RedirectFollowed(ILogger logger, string transport, string from, string to);

        [LoggerMessage(EventId = AmpEventId.HelloReceived, EventName = nameof(HelloReceived), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: the peer's Hello: id {PeerId}, versions {MinVersion}-{MaxVersion}, extensions {Extensions}")]
        public static partial void HelloReceived(ILogger logger, string transport, string peerId, int minVersion, int maxVersion, string extensions);

        [LoggerMessage(EventId = AmpEventId.NegotiationDecided, EventName = nameof(NegotiationDecided), Level = LogLevel.Debug,
            Message = "Negotiation on {Transport}: target {Target} decided by {Master}: version {Version}, extensions {Extensions}, connection {ConnectionId}; AMP starts")]
        public static partial void NegotiationDecided(ILogger logger, string transport, string target, string master, int version, string extensions, string connectionId);

        [LoggerMessage(EventId = AmpEventId.NegotiationRefused, EventName = nameof(NegotiationRefused), Level = LogLevel.Information,
            Message = "Negotiation on {Transport}: refused by {Master} ({Failure}): {Reason}")]
        public static partial void NegotiationRefused(ILogger logger, string transport, string master, NegotiationFailure failure, string reason);

        [LoggerMessage(EventId = AmpEventId.ConnectionReplaced, EventName = nameof(ConnectionReplaced), Level = LogLevel.Information,
            Message = "Negotiation on {Transport}: connection {NewConnectionId} with peer {PeerId} replaces connection {OldConnectionId}, which the peer gave up")]
        public static partial void ConnectionReplaced(ILogger logger, string transport, string peerId, string oldConnectionId, string newConnectionId);

        [LoggerMessage(EventId = AmpEventId.NegotiationFailed, EventName = nameof(NegotiationFailed), Level = LogLevel.Information,
            Message = "Negotiation on {Transport} failed ({Failure}): {Detail}")]
        public static partial void NegotiationFailed(ILogger logger, string transport, NegotiationFailure failure, string detail, Exception? exception);

        [LoggerMessage(EventId = AmpEventId.ConnectedHandlerFailed, EventName = nameof(ConnectedHandlerFailed), Level = LogLevel.Warning,
            Message = "Negotiation on {Transport}: the handler of the negotiated connection threw; the connection is closed")]
        public static partial void ConnectedHandlerFailed(ILogger logger, string transport, Exception exception);
    }
}
