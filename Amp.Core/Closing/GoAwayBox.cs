namespace Amp.Closing;

/// <summary>
/// The going-away box of the <c>goaway/1</c> extension (spec/amp-wire.md §15.7): one reserved key,
/// <c>_goaway</c>, with an empty value. Its sender starts no call after it.
/// </summary>
internal static class GoAwayBox
{
    /// <summary>The whole box: <c>_goaway</c> = empty, then the end marker.</summary>
    public static ReadOnlySpan<byte> Bytes => "\0\u0007_goaway\0\0\0\0"u8;
}
