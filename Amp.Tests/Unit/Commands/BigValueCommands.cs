using System.Buffers;
using Amp.Arguments;
using Amp.Boxes;
using Amp.Descriptors;

namespace Amp.Tests.Unit.Commands;

#pragma warning disable CA1812 // Types used only through reflection.

/// <summary>Every property type a big value can have.</summary>
[AmpCommand("BigTypes")]
public sealed class BigTypesCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("bytes", Type = typeof(BigStringArgument))] public byte[]? Bytes { get; set; }
    [AmpArgument("memory", Type = typeof(BigStringArgument))] public ReadOnlyMemory<byte> Memory { get; set; }
    [AmpArgument("maybe", Type = typeof(BigStringArgument))] public ReadOnlyMemory<byte>? Maybe { get; set; }
    [AmpArgument("text", Type = typeof(BigUnicodeArgument))] public string? Text { get; set; }
}

/// <summary>Keys that sort among the chunk keys of <c>a</c>, and reserved keys among those of <c>_a</c>.</summary>
[AmpCommand("Mixed")]
public sealed class MixedCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("a", Type = typeof(BigStringArgument))] public byte[]? A { get; set; }
    [AmpArgument("a-x")] public string? ADash { get; set; }
    [AmpArgument("a.1x")] public string? ADot1X { get; set; }
    [AmpArgument("a.2x")] public string? ADot2X { get; set; }
    [AmpArgument("a.02")] public string? ADot02 { get; set; }
    [AmpArgument("a/")] public string? ASlash { get; set; }
    [AmpArgument("a.1", Type = typeof(BigUnicodeArgument))] public string? ADot1 { get; set; }
    [AmpArgument("_a", Type = typeof(BigStringArgument))] public byte[]? Underscore { get; set; }
    [AmpArgument("_", Type = typeof(BigStringArgument))] public byte[]? Bare { get; set; }
    [AmpArgument("B", Type = typeof(BigStringArgument))] public byte[]? Upper { get; set; }
    [AmpArgument("z")] public string? Z { get; set; }
}

[AmpCommand("Limited")]
public sealed class LimitedCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("data", Type = typeof(BigStringArgument), MaxBytes = 100_000)] public byte[] Data { get; set; } = [];
    [AmpArgument("text", Type = typeof(BigUnicodeArgument), MaxBytes = 10)] public string? Text { get; set; }
}

public sealed class BigRecord
{
    [AmpArgument("blob", Type = typeof(BigStringArgument))] public byte[] Blob { get; set; } = [];
}

[AmpCommand("BigInList")]
public sealed class BigInListCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("items")] public List<BigRecord> Items { get; set; } = [];
}

/// <summary>Writes and reads call boxes of test commands through their descriptors.</summary>
internal static class BigBoxes
{
    public static byte[] Write<TCommand>(TCommand command)
        where TCommand : class, IAmpCommand<AmpEmptyResponse>
    {
        BoxBuffer buffer = new();
        CommandDescriptor<TCommand, AmpEmptyResponse>.Instance.WriteCall(command, AmpTag.FromNumber(1), buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static TCommand Read<TCommand>(byte[] box)
        where TCommand : class, IAmpCommand<AmpEmptyResponse> =>
        CommandDescriptor<TCommand, AmpEmptyResponse>.Instance.ReadArguments(box);

    public static TCommand Read<TCommand>(AmpBox box)
        where TCommand : class, IAmpCommand<AmpEmptyResponse> => Read<TCommand>(BoxWriter.Serialize(box));

    /// <summary>Asserts equal bytes (NUnit's element-wise array comparison is too slow for megabytes).</summary>
    public static void AssertSame(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected, string what)
    {
        int common = actual.CommonPrefixLength(expected);
        Assert.That(common == actual.Length && common == expected.Length, Is.True,
            $"{what}: {actual.Length} bytes, expected {expected.Length}; first difference at byte {common}");
    }

    /// <summary>Parses a box of any size.</summary>
    public static AmpBox Parse(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref buffer, new AmpLimits { MaxBoxBytes = int.MaxValue, MaxKeysPerBox = int.MaxValue }, out AmpBox? box), Is.True);
        Assert.That(buffer.IsEmpty, Is.True, "one box");
        return box!;
    }

    /// <summary>The keys of a box in wire order, as Latin-1 text.</summary>
    public static List<string> Keys(byte[] box)
    {
        var keys = new List<string>();
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            keys.Add(System.Text.Encoding.Latin1.GetString(entries.Current.Key));
        }

        return keys;
    }

    /// <summary>A box written with its pairs in the given order (not sorted), to feed a reader any order.</summary>
    public static byte[] InOrder(IEnumerable<(string Key, byte[] Value)> entries)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach ((string key, byte[] value) in entries)
        {
            byte[] k = System.Text.Encoding.Latin1.GetBytes(key);
            writer.Write(new[] { (byte)(k.Length >> 8), (byte)k.Length });
            writer.Write<byte>(k);
            writer.Write(new[] { (byte)(value.Length >> 8), (byte)value.Length });
            writer.Write<byte>(value);
        }

        writer.Write(new byte[] { 0, 0 });
        return writer.WrittenSpan.ToArray();
    }
}
