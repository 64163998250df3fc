using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Amp.Tool.Values;

/// <summary>
/// Twisted's <c>ListOf(T)</c>: each element as a 16-bit length and T's bytes. On the command line, a JSON
/// array (<c>["a,b", "c"]</c>, <c>[1, 2]</c>) or comma-separated elements (<c>1,2,3</c>); empty is the empty list.
/// </summary>
internal sealed class ListType(WireType element) : WireType
{
    public WireType Element => element;

    public override string Name => "list:" + element.Name;

    public override byte[] Encode(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input).Trim();
        var elements = new List<byte[]>();
        if (text.StartsWith('['))
        {
            using JsonDocument document = ParseJson(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("a list is a JSON array or comma-separated elements");
            }

            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                elements.Add(element.EncodeJson(item));
            }
        }
        else if (text.Length > 0)
        {
            foreach (string item in text.Split(','))
            {
                elements.Add(element.Encode(Encoding.UTF8.GetBytes(item)));
            }
        }

        return Frame(elements);
    }

    public override byte[] EncodeJson(JsonElement item) =>
        item.ValueKind == JsonValueKind.Array ? Encode(Encoding.UTF8.GetBytes(item.GetRawText())) : base.EncodeJson(item);

    public override object Decode(ReadOnlySpan<byte> value)
    {
        var items = new List<object>();
        while (value.Length > 0)
        {
            if (value.Length < 2)
            {
                throw new FormatException("a list element's length is cut short");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(value);
            if (value.Length < 2 + length)
            {
                throw new FormatException($"a list element of {length} bytes is cut short");
            }

            items.Add(element.Decode(value.Slice(2, length)));
            value = value[(2 + length)..];
        }

        return items;
    }

    internal static JsonDocument ParseJson(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}", e);
        }
    }

    private static byte[] Frame(List<byte[]> elements)
    {
        var framed = new byte[elements.Sum(e => 2 + e.Length)];
        int at = 0;
        foreach (byte[] item in elements)
        {
            if (item.Length > ushort.MaxValue)
            {
                throw new FormatException($"a list element of {item.Length} bytes is longer than 65535");
            }

            BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(at), (ushort)item.Length);
            item.CopyTo(framed, at + 2);
            at += 2 + item.Length;
        }

        return framed;
    }
}
