using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Amp.Boxes;

/// <summary>Throw sites kept out of the parser's hot path.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowKeyTooLong(int length) =>
        throw new AmpProtocolException(AmpProtocolError.KeyTooLong,
            $"key length {length} exceeds the limit of {AmpLimits.MaxKeyLength} (the first byte of a key length prefix must be zero)");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowValueTooLong(int length, int limit) =>
        throw new AmpProtocolException(AmpProtocolError.ValueTooLong, $"value length {length} exceeds the limit of {limit}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowBoxTooLarge(long atLeast, int limit) =>
        throw new AmpProtocolException(AmpProtocolError.BoxTooLarge, $"box of at least {atLeast} bytes exceeds the limit of {limit}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTooManyKeys(int limit) =>
        throw new AmpProtocolException(AmpProtocolError.TooManyKeys, $"box has more than {limit} keys");
}
