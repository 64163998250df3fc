using System.Buffers;
using System.Buffers.Text;
using Amp.Boxes;

namespace Amp.Streams;

/// <summary>
/// The boxes of the streams extension (spec/amp-wire.md §15.3). The sender of a stream writes
/// <c>_stream</c> boxes (a chunk, the end, or an error end); its receiver writes <c>_grant</c> boxes
/// (credit, or a stop). Keys are written in sorted order, as in every box.
/// </summary>
internal static class StreamBoxes
{
    /// <summary>
    /// The most payload bytes this side puts in one chunk box: 64 bytes under 64 KiB, so a whole chunk box
    /// (payload, keys, an id of up to 20 digits, prefixes) is at most 64 KiB, four full TLS records, rather
    /// than spilling a few bytes into a fifth. The wire allows up to 65,535.
    /// </summary>
    public const int ChunkPayload = 64 * 1024 - 64;

    public static ReadOnlySpan<byte> StreamKey => ReservedKeys.Stream;

    public static ReadOnlySpan<byte> GrantKey => ReservedKeys.Grant;

    public static ReadOnlySpan<byte> ChunkKey => "_chunk"u8;

    public static ReadOnlySpan<byte> EndKey => "_end"u8;

    public static ReadOnlySpan<byte> CreditKey => "_credit"u8;

    public static ReadOnlySpan<byte> StopKey => "_stop"u8;

    /// <summary>Starts a chunk box: writes the <c>_chunk</c> key and reserves the value's prefix; returns where the payload starts.</summary>
    public static int BeginChunk(BoxBuffer buffer)
    {
        buffer.WriteKey(ChunkKey);
        return buffer.BeginValue();
    }

    /// <summary>Ends a chunk box begun with <see cref="BeginChunk"/> once the payload is in the buffer.</summary>
    public static void EndChunk(BoxBuffer buffer, int start, ulong id)
    {
        buffer.EndValue(start);
        WriteId(buffer, StreamKey, id);
        buffer.WriteEnd();
    }

    public static void WriteEnd(BoxBuffer buffer, ulong id)
    {
        buffer.WriteEntry(EndKey, default);
        WriteId(buffer, StreamKey, id);
        buffer.WriteEnd();
    }

    public static void WriteError(BoxBuffer buffer, ulong id, string code, string description)
    {
        buffer.WriteEntry(ReservedKeys.ErrorCode, System.Text.Encoding.UTF8.GetBytes(code));
        byte[] text = System.Text.Encoding.UTF8.GetBytes(description);
        buffer.WriteEntry(ReservedKeys.ErrorDescription, text.AsSpan(0, Math.Min(text.Length, AmpLimits.WireMaxValueLength)));
        WriteId(buffer, StreamKey, id);
        buffer.WriteEnd();
    }

    public static void WriteGrant(BoxBuffer buffer, ulong id, long credit)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(credit, digits, out int written);
        buffer.WriteEntry(CreditKey, digits.Slice(0, written));
        WriteId(buffer, GrantKey, id);
        buffer.WriteEnd();
    }

    public static void WriteStop(BoxBuffer buffer, ulong id)
    {
        WriteId(buffer, GrantKey, id);
        buffer.WriteEntry(StopKey, default);
        buffer.WriteEnd();
    }

    /// <summary>Writes a stream id as it appears in a call or answer (lower-case hex, like a tag).</summary>
    public static void WriteIdValue(IBufferWriter<byte> destination, ulong id)
    {
        Span<byte> span = destination.GetSpan(16);
        destination.Advance(AmpTag.FromNumber(id).Format(span));
    }

    /// <summary>Parses a stream id: the canonical lower-case hex form, at least 1.</summary>
    public static bool TryParseId(ReadOnlySpan<byte> value, out ulong id) => AmpTag.TryParseCanonical(value, out id);

    /// <summary>Parses a credit: decimal digits, 1 to 2^31 - 1.</summary>
    public static bool TryParseCredit(ReadOnlySpan<byte> value, out int credit) =>
        Utf8Parser.TryParse(value, out credit, out int consumed) && consumed == value.Length && credit > 0
        && value[0] != (byte)'0' && value[0] != (byte)'+' && value[0] != (byte)'-';

    private static void WriteId(BoxBuffer buffer, ReadOnlySpan<byte> key, ulong id)
    {
        Span<byte> digits = stackalloc byte[16];
        buffer.WriteEntry(key, digits.Slice(0, AmpTag.FromNumber(id).Format(digits)));
    }
}
