using System.Buffers;
using System.Text;

namespace Amp.Tests.Unit.Arguments;

/// <summary>Writes and reads argument values through the public API.</summary>
internal static class Wire
{
    public static byte[] Write<T>(AmpArgumentType<T> type, T value)
    {
        var writer = new ArrayBufferWriter<byte>();
        type.Write(value, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static string WriteText<T>(AmpArgumentType<T> type, T value) => Encoding.UTF8.GetString(Write(type, value));

    public static T Read<T>(AmpArgumentType<T> type, string text) => type.Read(Encoding.UTF8.GetBytes(text));

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
