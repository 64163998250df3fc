using System.Buffers.Binary;

namespace Amp.Compression.Framing;

/// <summary>
/// The framing under a compression layer's Deflate stream (spec/amp-wire.md §12b):
/// <c>[u32 big-endian payload length][payload]</c>, where a length of 0 is the end frame that closes
/// the layer. Framing is what lets a reader stop exactly at the end of the layer: it hands the
/// decompressor one frame's payload at a time and never reads past the end frame.
/// </summary>
internal static class CompressionFrame
{
    /// <summary>The length prefix: four bytes, big-endian.</summary>
    public const int HeaderLength = 4;

    /// <summary>
    /// The largest payload this side writes in one frame. Fixed by the spec, so every receiver can
    /// accept it whatever its own limit (<see cref="CompressionLayerOptions.MaxFrameBytes"/> is at least this).
    /// </summary>
    public const int MaxWrittenPayload = 64 * 1024;

    /// <summary>Writes the four-byte header of a frame carrying <paramref name="payloadLength"/> bytes (0: the end frame).</summary>
    public static void WriteHeader(Span<byte> destination, int payloadLength) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)payloadLength);

    /// <summary>Reads a frame's payload length from its four-byte header.</summary>
    public static uint ReadHeader(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadUInt32BigEndian(header);
}
