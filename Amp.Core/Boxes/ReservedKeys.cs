namespace Amp.Boxes;

/// <summary>The keys AMP reserves for itself.</summary>
internal static class ReservedKeys
{
    public static ReadOnlySpan<byte> Ask => "_ask"u8;
    public static ReadOnlySpan<byte> Answer => "_answer"u8;
    public static ReadOnlySpan<byte> Command => "_command"u8;
    public static ReadOnlySpan<byte> Error => "_error"u8;
    public static ReadOnlySpan<byte> ErrorCode => "_error_code"u8;
    public static ReadOnlySpan<byte> ErrorDescription => "_error_description"u8;

    // The streams extension (spec §15.3): never sent to a peer that did not agree to it.
    public static ReadOnlySpan<byte> Streams => "_streams"u8;

    public static ReadOnlySpan<byte> Stream => "_stream"u8;

    public static ReadOnlySpan<byte> Grant => "_grant"u8;

    // The cancellation extension (spec §15.5).
    public static ReadOnlySpan<byte> Cancel => "_cancel"u8;

    public static ReadOnlySpan<byte> Timeout => "_timeout"u8;

    // The goaway/1 extension (spec §15.7): a box of its own, never sent to a peer that did not agree to it.
    public static ReadOnlySpan<byte> GoAway => "_goaway"u8;

    // The trace context extension (spec §15.8): W3C traceparent and tracestate in a call box.
    public static ReadOnlySpan<byte> TraceParent => "_traceparent"u8;

    public static ReadOnlySpan<byte> TraceState => "_tracestate"u8;
}
