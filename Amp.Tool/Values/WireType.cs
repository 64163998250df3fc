using System.Buffers;
using System.Text;
using System.Text.Json;
using Amp.Boxes;

namespace Amp.Tool.Values;

/// <summary>
/// How one argument is written on the wire and read back, as Twisted's argument type of the same name
/// (spec/amp-wire.md §6): <c>bytes</c>, <c>text</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>decimal</c>,
/// <c>datetime</c>, <c>path</c>, <c>list:T</c>, <c>amplist</c>, <c>bigbytes</c>, <c>bigtext</c>, and <c>hex</c>
/// (bytes given as hexadecimal digits).
/// </summary>
internal abstract class WireType
{
    /// <summary>The name as written after <c>key:</c> on the command line and in command definitions.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The wire value for <paramref name="input"/>: the command-line text as UTF-8, or a file's bytes.
    /// </summary>
    /// <exception cref="FormatException">The input is not a value of this type; the message says why.</exception>
    public abstract byte[] Encode(ReadOnlySpan<byte> input);

    /// <summary>
    /// The value a wire value stands for: <see cref="byte"/>[], <see cref="string"/>,
    /// <see cref="System.Numerics.BigInteger"/>, <see cref="double"/>, <see cref="bool"/>,
    /// <see cref="AmpDecimal"/>, <see cref="AmpDateTime"/>, a list of those, or a list of <see cref="DecodedBox"/>.
    /// </summary>
    /// <exception cref="FormatException">The wire value is not one of this type.</exception>
    public abstract object Decode(ReadOnlySpan<byte> value);

    /// <summary>The wire value for one element of a JSON list or one field of a JSON object.</summary>
    /// <exception cref="FormatException">The element is not a value of this type.</exception>
    public virtual byte[] EncodeJson(JsonElement element) => Encode(Encoding.UTF8.GetBytes(JsonText(element)));

    /// <summary>Puts the value under <paramref name="key"/> (the big types use several keys).</summary>
    public virtual void Write(AmpBox box, string key, byte[] wireValue) => box[key] = wireValue;

    /// <summary>Reads the value under <paramref name="key"/>; returns the keys it used (the big types use several).</summary>
    public virtual IReadOnlyList<string> TryRead(AmpBox box, string key, out byte[]? wireValue)
    {
        wireValue = box.TryGetValue(key, out ReadOnlyMemory<byte> value) ? value.ToArray() : null;
        return wireValue is null ? [] : [key];
    }

    public override string ToString() => Name;

    /// <summary>The type named <paramref name="name"/>: one of <see cref="Names"/>, or <c>list:T</c>.</summary>
    /// <exception cref="FormatException">No such type.</exception>
    public static WireType Parse(string name)
    {
        string lower = name.Trim().ToLowerInvariant();
        foreach (string prefix in (string[])["list:", "listof:"])
        {
            if (lower.StartsWith(prefix, StringComparison.Ordinal))
            {
                WireType element = Parse(lower[prefix.Length..]);
                return element is ListType or AmpListType or BigType
                    ? throw new FormatException($"'{name}': a list holds scalar elements (use amplist for a list of boxes)")
                    : new ListType(element);
            }
        }

        return lower switch
        {
            "amplist" => new AmpListType(null),
            "bigbytes" or "bigstring" => new BigType(text: false),
            "bigtext" or "bigunicode" => new BigType(text: true),
            _ => ScalarType.Find(lower) ?? throw new FormatException($"'{name}' is not a type; the types are {Names}"),
        };
    }

    /// <summary>The type names, for messages and help.</summary>
    public const string Names = "bytes, hex, text, int, float, bool, decimal, datetime, path, list:T, amplist, bigbytes, bigtext";

    /// <summary>A JSON scalar as command-line text: a string's value, a number's or a boolean's literal.</summary>
    /// <exception cref="FormatException">The element is null, an object or an array.</exception>
    protected static string JsonText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Null => throw new FormatException("null is not a value (leave the key out instead)"),
        _ => throw new FormatException($"expected a string, number or boolean, not {element.GetRawText()}"),
    };

    /// <summary>Writes <paramref name="value"/> with an Amp.Core argument type, as Twisted would.</summary>
    protected static byte[] WriteWith<T>(AmpArgumentType<T> type, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        type.Write(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
