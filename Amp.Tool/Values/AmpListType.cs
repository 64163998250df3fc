using System.Buffers;
using System.Text;
using System.Text.Json;
using Amp.Boxes;
using Amp.Tool.Schemas;

namespace Amp.Tool.Values;

/// <summary>
/// Twisted's <c>AmpList</c>: each element a whole box, concatenated. On the command line a JSON array of
/// objects (<c>[{"a": 7, "b": "hi"}]</c>); with <paramref name="fields"/> (from a command definition)
/// each field has its type, without them each value is sent as its text.
/// </summary>
internal sealed class AmpListType(IReadOnlyList<FieldSchema>? fields) : WireType
{
    public IReadOnlyList<FieldSchema>? Fields => fields;

    public override string Name => "amplist";

    public override byte[] Encode(ReadOnlySpan<byte> input)
    {
        using JsonDocument document = ListType.ParseJson(Encoding.UTF8.GetString(input));
        return EncodeJson(document.RootElement);
    }

    public override byte[] EncodeJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("an amplist is a JSON array of objects, as [{\"a\": 7, \"b\": \"hi\"}]");
        }

        var output = new ArrayBufferWriter<byte>();
        foreach (JsonElement item in element.EnumerateArray())
        {
            BoxWriter.Write(ToBox(item), output);
        }

        return output.WrittenSpan.ToArray();
    }

    public override object Decode(ReadOnlySpan<byte> value)
    {
        var boxes = new List<DecodedBox>();
        var buffer = new ReadOnlySequence<byte>(value.ToArray());
        var limits = new AmpLimits { MaxBoxBytes = Math.Max(2, value.Length) };
        while (!buffer.IsEmpty)
        {
            bool complete;
            AmpBox? box;
            try
            {
                complete = BoxReader.TryReadBox(ref buffer, limits, out box);
            }
            catch (AmpProtocolException e)
            {
                throw new FormatException($"amplist element {boxes.Count + 1}: {e.Message}", e);
            }

            if (!complete)
            {
                throw new FormatException($"amplist element {boxes.Count + 1} is cut short ({buffer.Length} bytes without an end marker)");
            }

            boxes.Add(TypedBox.Decode(box!, fields));
        }

        return boxes;
    }

    private AmpBox ToBox(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"an amplist element is a JSON object, not {item.GetRawText()}");
        }

        var box = new AmpBox();
        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            FieldSchema? field = fields?.FirstOrDefault(f => f.Key == property.Name);
            if (fields is not null && field is null)
            {
                throw new FormatException($"amplist field '{property.Name}' is not declared (the fields are {string.Join(", ", fields.Select(f => f.Key))})");
            }

            WireType type = field?.Type ?? ScalarType.Text;
            try
            {
                type.Write(box, property.Name, type.EncodeJson(property.Value));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"amplist field '{property.Name}': {e.Message}", e);
            }
        }

        foreach (FieldSchema required in fields?.Where(f => !f.Optional && !box.ContainsKey(f.Key)) ?? [])
        {
            throw new FormatException($"an amplist element lacks its required field '{required.Key}'");
        }

        return box;
    }
}
