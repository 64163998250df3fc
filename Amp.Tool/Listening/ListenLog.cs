using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amp.Tool.Output;
using Amp.Tool.Values;

namespace Amp.Tool.Listening;

/// <summary>
/// What <c>amp listen</c> prints: one event per line, with a UTC timestamp, the connection's number and
/// its peer; a box's keys follow, indented. With <c>--json</c>, one JSON object per line (JSON Lines).
/// Connections print from their own read loops, so each event is written whole under a lock.
/// </summary>
internal sealed class ListenLog(TextWriter output, bool json)
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _lock = new();

    public void Listening(string address) => Write(null, null, "listening", address: address);

    public void Event(int connection, string peer, string what, DecodedBox? box = null, string? detail = null) =>
        Write(connection, peer, what, box, detail);

    private void Write(int? connection, string? peer, string what, DecodedBox? box = null, string? detail = null, string? address = null)
    {
        string time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string text = json ? Json(time, connection, peer, what, box, detail, address) : Text(time, connection, peer, what, box, detail, address);
        lock (_lock)
        {
            output.Write(text);
            output.Flush();
        }
    }

    private static string Text(string time, int? connection, string? peer, string what, DecodedBox? box, string? detail, string? address)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        text.Write(connection is null ? $"{time} {what}" : $"{time} #{connection} {peer} {what}");
        text.WriteLine(address is not null ? $" on {address}" : detail is not null ? $" ({detail})" : "");
        if (box is not null)
        {
            BoxText.Write(text, box, "  ");
        }

        return text.ToString();
    }

    private static string Json(string time, int? connection, string? peer, string what, DecodedBox? box, string? detail, string? address)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString("time", time);
            writer.WriteString("event", what);
            if (connection is { } number)
            {
                writer.WriteNumber("connection", number);
                writer.WriteString("peer", peer);
            }

            if (address is not null)
            {
                writer.WriteString("address", address);
            }

            if (detail is not null)
            {
                writer.WriteString("detail", detail);
            }

            if (box is not null)
            {
                writer.WritePropertyName("box");
                JsonValues.Write(writer, box);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }
}
