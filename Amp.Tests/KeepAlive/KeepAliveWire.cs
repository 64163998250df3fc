using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Boxes;

namespace Amp.Tests.KeepAlive;

/// <summary>The exact boxes of spec/amp-wire.md §15.1 and §15.6, and reading boxes from a raw byte stream.</summary>
internal static class KeepAliveWire
{
    /// <summary>A ListOf(Unicode) value: each name as a 16-bit length and its UTF-8 bytes.</summary>
    public static byte[] NameList(params string[] names) => TestUtilities.WireBoxes.Offer(names);

    /// <summary>A ping as Amp.NET writes it: <c>_ask</c>, <c>_command</c>, end marker.</summary>
    public static byte[] Ping(string tag) =>
        [0, 4, .. "_ask"u8, 0, (byte)tag.Length, .. Encoding.ASCII.GetBytes(tag), 0, 8, .. "_command"u8, 0, 9, .. "_amp.ping"u8, 0, 0];

    /// <summary>The answer to a ping: <c>_answer</c> alone.</summary>
    public static byte[] PingAnswer(string tag) =>
        [0, 7, .. "_answer"u8, 0, (byte)tag.Length, .. Encoding.ASCII.GetBytes(tag), 0, 0];

    /// <summary>The answer to a hello accepting <paramref name="names"/>.</summary>
    public static byte[] Accept(string tag, params string[] names)
    {
        var box = new AmpBox().SetString("_answer", tag);
        box["accept"] = NameList(names);
        return BoxWriter.Serialize(box);
    }

    /// <summary>The hello offering <paramref name="names"/>.</summary>
    public static byte[] Hello(string tag, params string[] names)
    {
        var box = new AmpBox().SetString("_ask", tag).SetString("_command", "_amp.extensions");
        box["offer"] = NameList(names);
        return BoxWriter.Serialize(box);
    }

    /// <summary>Twisted's answer to a command it does not know.</summary>
    public static byte[] Unhandled(string tag, string command) => BoxWriter.Serialize(new AmpBox()
        .SetString("_error", tag).SetString("_error_code", "UNHANDLED").SetString("_error_description", $"Unhandled Command: b'{command}'"));

    public static AmpBox Parse(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box), Is.True, "not a complete box");
        return box!;
    }

    /// <summary>The names of a ListOf(Unicode) value.</summary>
    public static List<string> Names(ReadOnlyMemory<byte> value)
    {
        var names = new List<string>();
        ReadOnlySpan<byte> span = value.Span;
        while (span.Length >= 2)
        {
            int length = (span[0] << 8) | span[1];
            names.Add(Encoding.UTF8.GetString(span.Slice(2, length)));
            span = span[(2 + length)..];
        }

        return names;
    }
}
