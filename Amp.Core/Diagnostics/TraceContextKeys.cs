using System.Diagnostics;
using System.Text;
using Amp.Boxes;

namespace Amp.Diagnostics;

/// <summary>
/// The W3C trace context in a call box (<c>trace/1</c>, spec §15.8): <c>_traceparent</c> is the span's
/// <c>traceparent</c> header value, <c>_tracestate</c> its <c>tracestate</c> when it has one.
/// </summary>
internal static class TraceContextKeys
{
    // "00-" + 32 hex + "-" + 16 hex + "-" + 2 hex.
    private const int TraceParentLength = 55;

    // W3C caps tracestate at 32 list members; 512 characters is the length every vendor must keep.
    public const int MaxTraceStateLength = 512;

    public static void Write(BoxBuffer buffer, Activity activity)
    {
        Span<byte> parent = stackalloc byte[TraceParentLength];
        if (Encoding.ASCII.GetBytes(activity.Id.AsSpan(), parent) != TraceParentLength)
        {
            return;
        }

        buffer.WriteEntry(ReservedKeys.TraceParent, parent);
        if (activity.TraceStateString is { Length: > 0 and <= MaxTraceStateLength } state)
        {
            buffer.WriteEntry(ReservedKeys.TraceState, Encoding.ASCII.GetBytes(state));
        }
    }
}
