using System.Buffers;

namespace Amp.Fuzz.Targets;

/// <summary>
/// Every argument decoder of Amp.Core/Commands/Arguments (<see cref="ArgumentCases.All"/>).
/// </summary>
/// <remarks>
/// <para>Input: <c>[decoder] [value]</c>: the first byte picks the decoder (modulo the number of decoders),
/// the rest is the value's bytes as they would follow the value's length prefix in a box.</para>
/// <para>Invariants:</para>
/// <list type="number">
/// <item><c>Read</c> on any bytes returns or throws <see cref="FormatException"/>, the type
/// <see cref="AmpArgumentType{T}.Read"/> documents; nothing else escapes.</item>
/// <item>A value that reads writes without an exception, and its written form reads back to an equal
/// value (by the type's own notion of equal: bitwise for floats, exact offset for date-times, the scale for
/// <see cref="decimal"/>, structure for <see cref="AmpDecimal"/>).</item>
/// <item>Writing is canonical: the written form of the value read back is the same bytes. (The value's
/// first bytes need not be: the readers accept Python's lax forms, such as <c>+7</c> or <c>1_0</c>.)</item>
/// </list>
/// </remarks>
public static class ArgumentTarget
{
    /// <summary>Runs one input.</summary>
    /// <param name="input">The decoder byte, then the value.</param>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        IArgumentCase decoder = ArgumentCases.All[input[0] % ArgumentCases.All.Count];
        decoder.Run(input[1..]);
    }
}

/// <summary>One decoder with its notion of equality.</summary>
public interface IArgumentCase
{
    /// <summary>The decoder's name, for messages.</summary>
    string Name { get; }

    /// <summary>Reads <paramref name="value"/> and checks the invariants.</summary>
    /// <param name="value">The value's bytes.</param>
    void Run(ReadOnlySpan<byte> value);
}

/// <summary>A decoder of values of <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The CLR type.</typeparam>
internal sealed class ArgumentCase<T> : IArgumentCase
{
    private readonly AmpArgumentType<T> _type;
    private readonly Func<T, T, bool> _equal;

    public ArgumentCase(string name, AmpArgumentType<T> type, Func<T, T, bool> equal)
    {
        Name = name;
        _type = type;
        _equal = equal;
    }

    public string Name { get; }

    public void Run(ReadOnlySpan<byte> value)
    {
        T first;
        try
        {
            first = _type.Read(value);
        }
        catch (FormatException)
        {
            return;
        }
        catch (Exception e)
        {
            throw new FuzzInvariantException($"{Name}: Read({Show(value)}) threw {e.GetType().Name}, not FormatException", e);
        }

        byte[] written = Write(first, value);
        T second;
        try
        {
            second = _type.Read(written);
        }
        catch (Exception e)
        {
            throw new FuzzInvariantException($"{Name}: {Show(value)} reads, but its written form {Show(written)} does not", e);
        }

        FuzzInvariantException.Check(_equal(first, second), $"{Name}: {Show(value)} reads as {Describe(first)}; written as {Show(written)}, it reads back as {Describe(second)}");
        byte[] rewritten = Write(second, written);
        FuzzInvariantException.Check(rewritten.AsSpan().SequenceEqual(written), $"{Name}: writing is not canonical: {Show(written)} then {Show(rewritten)}");
    }

    private byte[] Write(T value, ReadOnlySpan<byte> from)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            _type.Write(value, buffer);
        }
        catch (Exception e)
        {
            throw new FuzzInvariantException($"{Name}: the value read from {Show(from)} does not write", e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        byte[] bytes => Show(bytes),
        decimal d => $"{d} (bits {string.Join(" ", decimal.GetBits(d).Select(b => b.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)))})",
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    private static string Show(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 64 ? "0x" + Convert.ToHexString(bytes) : $"0x{Convert.ToHexString(bytes[..64])}... ({bytes.Length} bytes)";
}
