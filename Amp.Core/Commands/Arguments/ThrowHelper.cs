using System.Diagnostics.CodeAnalysis;

namespace Amp.Arguments;

/// <summary>Throw sites kept out of the hot read paths so those stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowFormat(string what, ReadOnlySpan<byte> source) =>
        throw new FormatException($"Invalid {what} value: {WireText.Describe(source)}.");

    [DoesNotReturn]
    internal static void ThrowOutOfRange(string typeName, ReadOnlySpan<byte> source) =>
        throw new FormatException($"Integer value {WireText.Describe(source)} is out of range for {typeName}.");

    [DoesNotReturn]
    internal static void ThrowFormatMessage(string message) => throw new FormatException(message);

    [DoesNotReturn]
    internal static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);
}
