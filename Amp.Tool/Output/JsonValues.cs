using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amp.Tool.Values;

namespace Amp.Tool.Output;

/// <summary>
/// Decoded values as JSON: text as strings; bytes as a string when they are UTF-8, else
/// <c>{"base64": "..."}</c>; integers and finite floats as numbers (digits kept exactly), <c>inf</c> and
/// <c>nan</c> as strings; decimals and datetimes as their wire text; lists as arrays; boxes as objects.
/// </summary>
internal static class JsonValues
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_indented = s_compact with { Indented = true };

    public static string ToJson(object value, bool indented)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, indented ? s_indented : s_compact))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case byte[] bytes when System.Text.Unicode.Utf8.IsValid(bytes):
                writer.WriteStringValue(Encoding.UTF8.GetString(bytes));
                break;
            case byte[] bytes:
                writer.WriteStartObject();
                writer.WriteString("base64", Convert.ToBase64String(bytes));
                writer.WriteEndObject();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case BigInteger integer:
                writer.WriteRawValue(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case double number when double.IsFinite(number):
                writer.WriteRawValue(ValueText.PythonRepr(number));
                break;
            case double number:
                writer.WriteStringValue(ValueText.PythonRepr(number));
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case AmpDecimal or AmpDateTime:
                writer.WriteStringValue(value.ToString());
                break;
            case DecodedBox box:
                WriteBox(writer, box);
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (object item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteBox(Utf8JsonWriter writer, DecodedBox box)
    {
        writer.WriteStartObject();
        foreach ((string key, object value) in box.Fields)
        {
            writer.WritePropertyName(ValueText.KeyText(key));
            Write(writer, value);
        }

        writer.WriteEndObject();
    }
}
