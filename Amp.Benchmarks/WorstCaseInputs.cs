using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Amp.Arguments;
using Amp.MessagePack;
using MessagePack;

namespace Amp.Benchmarks;

/// <summary>An <c>AmpList</c> element shaped like the interop suite's <c>EchoItem</c>.</summary>
public sealed class WorstCaseItem
{
    [AmpArgument("name")] public string? Name { get; init; }
    [AmpArgument("n")] public BigInteger? N { get; init; }
}

/// <summary>
/// One adversarial value per argument type, each at most 65535 bytes (one AMP value): the input
/// that makes that type's <c>Read</c> cost the most per byte that we know of. Values are built
/// from a fixed seed, so every run decodes the same bytes.
/// </summary>
internal static class WorstCaseInputs
{
    public const int MaxValue = ushort.MaxValue;

    private static readonly ListOfArgument<BigInteger> s_integers = new(BigIntegerArgument.Instance);
    private static readonly ListOfArgument<string> s_texts = new(UnicodeArgument.Instance);
    private static readonly ListOfArgument<AmpDecimal> s_decimals = new(DecimalArgument.Instance);
    private static readonly AmpListArgument<WorstCaseItem> s_items = new();
    private static readonly MessagePackArgument<object> s_messagePack = new();

    private static readonly System.Buffers.ArrayBufferWriter<byte> s_echo = new(2 * MaxValue);

    /// <summary>Case name → (the value's bytes, the decode to run on them).</summary>
    public static readonly IReadOnlyDictionary<string, (byte[] Bytes, Func<byte[], object> Decode)> Cases = Build();

    private static Dictionary<string, (byte[], Func<byte[], object>)> Build()
    {
        var random = new Random(20261127);
        string Digits(int count) => string.Create(count, random, static (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)('1' + r.Next(9));
            }
        });

        byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        var cases = new Dictionary<string, (byte[], Func<byte[], object>)>
        {
            // Integer: the most digits Python (and BigIntegerArgument) accepts, alone and padded with
            // whitespace to a full value; and a full value of digits, refused by its digit count.
            ["Integer.4300digits"] = (Ascii(Digits(4300)), b => BigIntegerArgument.Instance.Read(b)),
            ["Integer.4300digits+spaces"] = (Ascii(new string(' ', MaxValue - 4300) + Digits(4300)), b => BigIntegerArgument.Instance.Read(b)),
            ["Integer.65535digits"] = (Ascii(Digits(MaxValue)), b => BigIntegerArgument.Instance.Read(b)),

            // Int32/Int64: leading zeros and underscores are accepted in any number, read in one pass.
            ["Int32.zeros"] = (Ascii(new string('0', MaxValue - 1) + "7"), b => Int32Argument.Instance.Read(b)),
            ["Int64.zeros_underscores"] = (Ascii(string.Concat(Enumerable.Repeat("0_", (MaxValue - 1) / 2)) + "7"), b => Int64Argument.Instance.Read(b)),

            // Decimal: a full value of coefficient digits, a full NaN payload, and the most digits a limit of 4300 lets through.
            ["Decimal.65535digits"] = (Ascii(Digits(MaxValue)), b => DecimalArgument.Instance.Read(b)),
            ["Decimal.NaN65532digits"] = (Ascii("NaN" + Digits(MaxValue - 3)), b => DecimalArgument.Instance.Read(b)),
            ["Decimal.4300digits"] = (Ascii(Digits(4300)), b => DecimalArgument.Instance.Read(b)),
            ["Decimal.zeros+4300digits"] = (Ascii(new string('0', MaxValue - 4301) + "." + Digits(4300)), b => DecimalArgument.Instance.Read(b)),

            // What an Echo responder costs: read, then write the value back.
            ["Integer.4300digits echo"] = (Ascii(Digits(4300)), b => Echo(BigIntegerArgument.Instance, b)),
            ["Decimal.4300digits echo"] = (Ascii(Digits(4300)), b => Echo(DecimalArgument.Instance, b)),
            ["Decimal.65535digits echo"] = (Ascii(Digits(MaxValue)), b => Echo(DecimalArgument.Instance, b)),

            // System.Decimal: parse, then round thousands of digits to 28-29.
            ["SystemDecimal.4300digits"] = (Ascii(Digits(4300) + "E-4290"), b => SystemDecimalArgument.Instance.Read(b)),

            // Float: a full value of digits, and with underscores (copied before parsing).
            ["Float.65535digits"] = (Ascii("0." + Digits(MaxValue - 2)), b => DoubleArgument.Instance.Read(b)),
            ["Float.underscores"] = (Ascii(string.Concat(Enumerable.Repeat("1_", (MaxValue - 1) / 2)) + "1"), b => DoubleArgument.Instance.Read(b)),

            // Unicode: four-byte characters (validated, then decoded to surrogate pairs).
            ["Unicode.4byte"] = (Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\U0001D11E", MaxValue / 4))), b => UnicodeArgument.Instance.Read(b)),
            ["Bytes.65535"] = (new byte[MaxValue], b => BytesArgument.Instance.Read(b)),
            ["Boolean.65535"] = (new byte[MaxValue], b => BooleanArgument.Instance.Read(b)),
            ["DateTime.valid"] = (Ascii("9876-01-23T12:34:56.054321-01:23"), b => AmpDateTimeArgument.Instance.Read(b)),
            ["DateTime.65535"] = (new byte[MaxValue], b => AmpDateTimeArgument.Instance.Read(b)),

            // ListOf: the most elements (one-byte and empty ones), and elements at the Decimal limit.
            ["ListOf(Integer).1digit"] = (List(MaxValue / 3, _ => "7"u8.ToArray()), b => s_integers.Read(b)),
            ["ListOf(Unicode).empty"] = (List(MaxValue / 2, _ => []), b => s_texts.Read(b)),
            ["ListOf(Decimal).4300digits"] = (List(MaxValue / 4302, _ => Ascii(Digits(4300))), b => s_decimals.Read(b)),

            // AmpList: the most records, and one record of unknown one-byte keys (each looked up among the fields).
            ["AmpList.records"] = (Repeat(MaxValue / 10, [0, 1, (byte)'n', 0, 1, (byte)'7', 0, 0]), b => s_items.Read(b)),
            ["AmpList.unknownKeys"] = ([.. Repeat((MaxValue - 2) / 5, [0, 1, (byte)'x', 0, 0]), 0, 0], b => s_items.Read(b)),

            // MessagePack (untrusted-data options): a map of distinct short string keys, as object.
            ["MessagePack.map"] = (MessagePackMap(), b => s_messagePack.Read(b)),
        };
        return cases;
    }

    /// <summary>Whether the exception is how a type refuses a malformed value (what the dispatcher answers UNKNOWN for).</summary>
    public static bool IsRefusal(Exception e) => e is FormatException or AmpArgumentException;

    private static int Echo<T>(AmpArgumentType<T> type, byte[] bytes)
    {
        T value = type.Read(bytes);
        s_echo.ResetWrittenCount();
        type.Write(value, s_echo);
        return s_echo.WrittenCount;
    }

    private static byte[] List(int count, Func<int, byte[]> element)
    {
        var bytes = new List<byte>(MaxValue);
        for (int i = 0; i < count; i++)
        {
            byte[] e = element(i);
            bytes.Add((byte)(e.Length >> 8));
            bytes.Add((byte)e.Length);
            bytes.AddRange(e);
        }

        return [.. bytes];
    }

    private static byte[] Repeat(int count, byte[] unit)
    {
        byte[] result = new byte[count * unit.Length];
        for (int i = 0; i < count; i++)
        {
            unit.CopyTo(result, i * unit.Length);
        }

        return result;
    }

    private static byte[] MessagePackMap()
    {
        // map16 header, then distinct fixstr keys of 4 hex digits + positive fixint values: 6 bytes per entry.
        int count = (MaxValue - 3) / 6;
        byte[] result = new byte[3 + (count * 6)];
        result[0] = 0xDE;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)count);
        for (int i = 0; i < count; i++)
        {
            Span<byte> entry = result.AsSpan(3 + (i * 6), 6);
            entry[0] = 0xA4;
            Encoding.ASCII.GetBytes(i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture), entry[1..]);
            entry[5] = 0x01;
        }

        _ = MessagePackSerializer.Deserialize<object>(result, s_messagePack.Options);
        return result;
    }
}
