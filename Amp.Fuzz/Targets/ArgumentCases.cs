using System.Numerics;
using Amp.Arguments;
using Amp.MessagePack;

namespace Amp.Fuzz.Targets;

/// <summary>
/// The decoders the argument target picks from, by index (the first input byte modulo the count).
/// Append new ones at the end: the corpus files name their decoder by index.
/// </summary>
public static class ArgumentCases
{
    /// <summary>Every built-in argument type, lists of the scalar ones, an AmpList and MessagePack.</summary>
    public static IReadOnlyList<IArgumentCase> All { get; } =
    [
        /* 0 */ new ArgumentCase<int>("Integer as Int32", Int32Argument.Instance, (a, b) => a == b),
        /* 1 */ new ArgumentCase<long>("Integer as Int64", Int64Argument.Instance, (a, b) => a == b),
        /* 2 */ new ArgumentCase<ulong>("Integer as UInt64", UInt64Argument.Instance, (a, b) => a == b),
        /* 3 */ new ArgumentCase<BigInteger>("Integer as BigInteger", BigIntegerArgument.Instance, (a, b) => a == b),
        /* 4 */ new ArgumentCase<string>("Unicode", UnicodeArgument.Instance, string.Equals),
        /* 5 */ new ArgumentCase<byte[]>("String as byte[]", BytesArgument.Instance, (a, b) => a.AsSpan().SequenceEqual(b)),
        /* 6 */ new ArgumentCase<ReadOnlyMemory<byte>>("String as ReadOnlyMemory", ReadOnlyMemoryArgument.Instance, (a, b) => a.Span.SequenceEqual(b.Span)),
        /* 7 */ new ArgumentCase<bool>("Boolean", BooleanArgument.Instance, (a, b) => a == b),
        /* 8 */ new ArgumentCase<double>("Float as double", DoubleArgument.Instance, SameDouble),
        /* 9 */ new ArgumentCase<float>("Float as float", SingleArgument.Instance, SameSingle),
        /* 10 */ new ArgumentCase<decimal>("Decimal as decimal", SystemDecimalArgument.Instance, SameDecimal),
        /* 11 */ new ArgumentCase<AmpDecimal>("Decimal as AmpDecimal", DecimalArgument.Instance, (a, b) => a.Equals(b)),
        /* 12 */ new ArgumentCase<DateTimeOffset>("DateTime as DateTimeOffset", DateTimeArgument.Instance, (a, b) => a.EqualsExact(b)),
        /* 13 */ new ArgumentCase<AmpDateTime>("DateTime as AmpDateTime", AmpDateTimeArgument.Instance, (a, b) => a.Equals(b)),
        /* 14 */ new ArgumentCase<string>("Path", PathArgument.Instance, string.Equals),
        /* 15 */ new ArgumentCase<FileInfo>("Path as FileInfo", FileInfoArgument.Instance, (a, b) => a.FullName == b.FullName),
        /* 16 */ List("ListOf(Integer as Int32)", Int32Argument.Instance, (a, b) => a == b),
        /* 17 */ List("ListOf(Integer as BigInteger)", BigIntegerArgument.Instance, (a, b) => a == b),
        /* 18 */ List("ListOf(Unicode)", UnicodeArgument.Instance, string.Equals),
        /* 19 */ List("ListOf(String)", BytesArgument.Instance, (a, b) => a.AsSpan().SequenceEqual(b)),
        /* 20 */ List("ListOf(Boolean)", BooleanArgument.Instance, (a, b) => a == b),
        /* 21 */ List("ListOf(Float)", DoubleArgument.Instance, SameDouble),
        /* 22 */ List("ListOf(Decimal as AmpDecimal)", DecimalArgument.Instance, (a, b) => a.Equals(b)),
        /* 23 */ List("ListOf(DateTime as AmpDateTime)", AmpDateTimeArgument.Instance, (a, b) => a.Equals(b)),
        /* 24 */ new ArgumentCase<IReadOnlyList<FuzzRecord>>("AmpList(FuzzRecord)", new AmpListArgument<FuzzRecord>(), SameList<FuzzRecord>((a, b) => a.Equals(b))),
        /* 25 */ new ArgumentCase<string[]>("MessagePack string[]", MessagePackArgument<string[]>.Instance, (a, b) => a.AsSpan().SequenceEqual(b)),
        /* 26 */ new ArgumentCase<Dictionary<string, long>>("MessagePack Dictionary<string, long>", MessagePackArgument<Dictionary<string, long>>.Instance, SameDictionary),
        /* 27 */ List("ListOf(Integer as UInt64)", UInt64Argument.Instance, (a, b) => a == b),
        /* 28 */ List("ListOf(Decimal as decimal)", SystemDecimalArgument.Instance, SameDecimal),
        /* 29 */ List("ListOf(DateTime as DateTimeOffset)", DateTimeArgument.Instance, (a, b) => a.EqualsExact(b)),
        /* 30 */ new ArgumentCase<IReadOnlyList<FuzzBigRecord>>("AmpList(FuzzBigRecord)", new AmpListArgument<FuzzBigRecord>(), SameList<FuzzBigRecord>((a, b) => a.Equals(b))),
    ];

    private static ArgumentCase<IReadOnlyList<T>> List<T>(string name, AmpArgumentType<T> element, Func<T, T, bool> equal) =>
        new(name, new ListOfArgument<T>(element), SameList(equal));

    private static Func<IReadOnlyList<T>, IReadOnlyList<T>, bool> SameList<T>(Func<T, T, bool> equal) =>
        (a, b) => a.Count == b.Count && a.Select((x, i) => equal(x, b[i])).All(same => same);

    private static bool SameDouble(double a, double b) =>
        BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    private static bool SameSingle(float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));

    // decimal's == ignores the scale (1.0 == 1.00); the wire keeps it, so the bits must match.
    private static bool SameDecimal(decimal a, decimal b) => decimal.GetBits(a).AsSpan().SequenceEqual(decimal.GetBits(b));

    private static bool SameDictionary(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out long value) && value == entry.Value);
}

/// <summary>An AmpList element with a required and optional fields of several types, and a nested AmpList.</summary>
public sealed class FuzzRecord : IEquatable<FuzzRecord>
{
    /// <summary>A required Integer.</summary>
    [AmpArgument("n")] public long Number { get; set; }

    /// <summary>An optional Unicode.</summary>
    [AmpArgument("name", Optional = true)] public string? Name { get; set; }

    /// <summary>An optional Boolean.</summary>
    [AmpArgument("flag", Optional = true)] public bool? Flag { get; set; }

    /// <summary>An optional ListOf(Decimal).</summary>
    [AmpArgument("decimals", Optional = true)] public List<AmpDecimal>? Decimals { get; set; }

    /// <summary>An optional nested AmpList.</summary>
    [AmpArgument("children", Optional = true)] public List<FuzzChild>? Children { get; set; }

    /// <inheritdoc/>
    public bool Equals(FuzzRecord? other) =>
        other is not null && Number == other.Number && Name == other.Name && Flag == other.Flag
        && SameList(Decimals, other.Decimals) && SameList(Children, other.Children);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FuzzRecord);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Number, Name, Flag);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{{n={Number}, name={Name}, flag={Flag}, decimals=[{string.Join(", ", Decimals ?? [])}], children=[{string.Join(", ", Children ?? [])}]}}";

    private static bool SameList<T>(List<T>? a, List<T>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);
}

/// <summary>The element of <see cref="FuzzRecord.Children"/>.</summary>
public sealed class FuzzChild : IEquatable<FuzzChild>
{
    /// <summary>A required String.</summary>
    [AmpArgument("data")] public byte[] Data { get; set; } = [];

    /// <summary>An optional DateTime.</summary>
    [AmpArgument("when", Optional = true)] public AmpDateTime? When { get; set; }

    /// <inheritdoc/>
    public bool Equals(FuzzChild? other) => other is not null && Data.AsSpan().SequenceEqual(other.Data) && When == other.When;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FuzzChild);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Data.Length, When);

    /// <inheritdoc/>
    public override string ToString() => $"{{data=0x{Convert.ToHexString(Data)}, when={When}}}";
}

/// <summary>An AmpList element with big values (the BigString recipe: chunk keys data.2, data.3, …) and a key among their chunk keys.</summary>
public sealed class FuzzBigRecord : IEquatable<FuzzBigRecord>
{
    /// <summary>An optional BigString.</summary>
    [AmpArgument("data", Type = typeof(BigStringArgument))] public byte[]? Data { get; set; }

    /// <summary>An optional String whose key sorts between data.19 and data.2.</summary>
    [AmpArgument("data.1x")] public byte[]? Between { get; set; }

    /// <summary>An optional BigUnicode, at most 100 UTF-8 bytes.</summary>
    [AmpArgument("text", Type = typeof(BigUnicodeArgument), MaxBytes = 100)] public string? Text { get; set; }

    /// <inheritdoc/>
    public bool Equals(FuzzBigRecord? other) =>
        other is not null && Same(Data, other.Data) && Same(Between, other.Between) && Text == other.Text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FuzzBigRecord);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Data?.Length, Between?.Length, Text);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{{data={(Data is null ? "null" : "0x" + Convert.ToHexString(Data))}, data.1x={(Between is null ? "null" : "0x" + Convert.ToHexString(Between))}, text={Text ?? "null"}}}";

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
