using System.Net.Sockets;
using Amp.Tls;

namespace Amp.Tests.Faults;

/// <summary>
/// How a task of a fault run ended, as a short text for the tally, and whether that is an end the docs name
/// for a connection cut that way (docs/disconnecting.md, docs/tls.md, spec/amp-wire.md §12a, §12b).
/// </summary>
internal static class FaultOutcome
{
    public const string Ok = "ok";

    /// <summary>A raw exchange after a switch whose input ended before all the echoed bytes came.</summary>
    public const string Short = "short: the input ended first";

    public const string InputEnded = "input ended";

    /// <summary>In the message of every reset a <see cref="FaultWire"/> injects.</summary>
    public const string InjectedFault = "(an injected fault)";

    /// <summary>
    /// The reasons a connection cut with a clean end of stream may end with: the end (inside a box, or inside a
    /// compression frame: the layer's <see cref="AmpLayerException"/>, spec §12b), TLS's reading of it during a
    /// handshake or a pop, a switch made before it, or, for a side that writes before it has read the end, its
    /// writes refused: a close for the box layer (<c>RemoteClosed</c> with an <see cref="AmpLayerException"/>),
    /// <c>TransportError</c> ("stopped accepting writes") for a compression layer's end frame. A handshake whose write
    /// is refused reports <see cref="TlsFailure.TransportFailed"/> ("the layer below failed"), as does an inner
    /// handshake whose outer layer ended (docs/tls.md); a handshake that reads the end reports <see cref="TlsFailure.PeerClosed"/>.
    /// </summary>
    private static readonly string[] s_afterEof =
    [
        "RemoteClosed", "RemoteClosed (TruncatedBox)", "RemoteClosed (AmpLayerException)", "TransportError (writes refused)",
        "TlsFailure (AmpTlsException PeerClosed)", "TlsFailure (AmpTlsException TransportFailed)", "ProtocolSwitched",
    ];

    /// <summary>The reasons a connection cut with a reset may end with: the reset, TLS's reading of it, or a switch made before it.</summary>
    private static readonly string[] s_afterReset =
    [
        "TransportError (reset)", "TlsFailure (AmpTlsException PeerClosed)", "ProtocolSwitched",
    ];

    public static string Of(Exception? failure) => failure switch
    {
        null => Ok,
        AmpConnectionLostException lost => "AmpConnectionLostException " + Reason(lost),
        AmpTlsException tls => $"AmpTlsException {tls.Failure}",
        AmpLayerException layer => $"{layer.GetType().Name} {layer.DisconnectReason}",
        _ => Describe(failure),
    };

    public static string Of(AmpConnectionLostException end) => "ended " + Reason(end);

    /// <summary>From <see cref="LayerChanges.PeerHooks.SwitchedProtocolEnded"/>'s text: "input ended", or "failed: " and the exception's type.</summary>
    public static string OfProtocol(string ended)
    {
        if (ended == InputEnded)
        {
            return InputEnded;
        }

        if (ended.Contains(InjectedFault, StringComparison.Ordinal))
        {
            return "failed: reset";
        }

        int typeEnd = ended.IndexOf(':', "failed: ".Length);
        return typeEnd < 0 ? ended : ended[..typeEnd];
    }

    /// <summary>Whether <paramref name="outcome"/> is a documented end for <paramref name="task"/> when the connection is cut by <paramref name="fault"/>.</summary>
    public static bool IsDocumented(FaultCase fault, string task, string outcome)
    {
        string[] reasons = fault.Fault == Fault.Eof ? s_afterEof : s_afterReset;
        if (outcome.StartsWith("ended ", StringComparison.Ordinal))
        {
            return reasons.Contains(outcome["ended ".Length..]);
        }

        if (outcome.StartsWith("AmpConnectionLostException ", StringComparison.Ordinal))
        {
            return reasons.Contains(outcome["AmpConnectionLostException ".Length..]);
        }

        return (task, outcome) switch
        {
            (_, Ok) => true,

            // The handshake or the pop of the change itself: the TLS layer names the cut (docs/tls.md, "Failures").
            ("the change", "AmpTlsException PeerClosed") => fault.IsTls,
            ("the change", "AmpTlsException TransportFailed") => fault.IsTls && fault.Fault == Fault.Eof,

            // A switched or handed-over stream is the transport's own: its end, or its reset.
            ("the raw exchange", Short) => fault.Fault == Fault.Eof,
            ("the raw exchange", "reset") => fault.Fault == Fault.Reset,
            (_, InputEnded) => task.EndsWith(" protocol", StringComparison.Ordinal),
            (_, "failed: reset") => task.EndsWith(" protocol", StringComparison.Ordinal) && fault.Fault == Fault.Reset,

            // The peer's responder handed over, and the connection ended before the hand-over was made.
            (_, "failed: AmpConnectionLostException") => task.EndsWith("handed-over protocol", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static string Reason(AmpConnectionLostException lost) => lost.InnerException switch
    {
        null => $"{lost.Reason}",
        AmpTlsException tls => $"{lost.Reason} (AmpTlsException {tls.Failure})",
        AmpProtocolException protocol => $"{lost.Reason} ({protocol.Error})",
        AmpLayerException layer => $"{lost.Reason} ({layer.GetType().Name})",
        { } inner => $"{lost.Reason} ({Describe(inner)})",
    };

    /// <summary>The exception and its inner exceptions, type and message each.</summary>
    public static string Chain(Exception failure)
    {
        var chain = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            chain.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" --> ", chain);
    }

    /// <summary>The wire's reset, the box layer's refused write, or the type and message of anything else.</summary>
    private static string Describe(Exception failure) => failure switch
    {
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } } => "reset",
        IOException refused when refused.Message.Contains("stopped accepting writes", StringComparison.Ordinal) => "writes refused",
        _ => $"{failure.GetType().Name}: {failure.Message}",
    };
}
