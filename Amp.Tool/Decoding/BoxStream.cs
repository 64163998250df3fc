using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amp.Boxes;
using Amp.Tool.Output;
using Amp.Tool.Values;

namespace Amp.Tool.Decoding;

/// <summary>
/// Decodes a byte stream into boxes as it arrives, printing each box as soon as it is whole. Bytes that
/// do not make a whole box yet stay buffered; malformed bytes stop it with a message naming the box and
/// its offset; <see cref="Finish"/> says where a stream that ends inside a box stopped.
/// </summary>
internal sealed class BoxStream(ToolConsole console, bool json, DecodeFormat format)
{
    // A capture may hold big values (the BigString recipe puts many 64 KiB values in one box).
    private static readonly AmpLimits s_limits = new() { MaxBoxBytes = 64 << 20, MaxKeysPerBox = 1 << 20 };
    private static readonly JsonWriterOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<byte> _undecided = [];
    private readonly HexDigits _hex = new();
    private readonly List<byte> _converted = [];
    private DecodeFormat _format = format;
    private byte[] _buffer = new byte[4096];
    private int _count;
    private long _offset;
    private int _boxes;

    /// <summary>Takes the next bytes of the input; returns an exit code when the input is malformed, else null.</summary>
    public int? Feed(ReadOnlySpan<byte> input)
    {
        if (_format == DecodeFormat.Auto)
        {
            _undecided.AddRange(input);
            int first = _undecided.FindIndex(b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'));
            if (first < 0)
            {
                return null;
            }

            _format = char.IsAsciiHexDigit((char)_undecided[first]) ? DecodeFormat.Hex : DecodeFormat.Binary;
            input = _undecided.ToArray();
            _undecided.Clear();
        }

        if (_format == DecodeFormat.Hex)
        {
            _converted.Clear();
            try
            {
                _hex.Convert(input, _converted);
            }
            catch (FormatException e)
            {
                return Fail($"not hex: {e.Message} (give --format binary for a raw capture)");
            }

            input = _converted.ToArray();
        }

        Append(input);
        return Drain();
    }

    /// <summary>Ends the input; returns the exit code.</summary>
    public int Finish()
    {
        if (_format == DecodeFormat.Auto && _undecided.Count > 0 && Feed([]) is { } failed)
        {
            return failed;
        }

        if (_hex.HasHalfByte)
        {
            return Fail("the hex text ends with half a byte (an odd number of digits)");
        }

        if (_count > 0)
        {
            return Fail($"the input ends inside box {_boxes + 1} (it starts at byte {_offset}; {_count} bytes of it arrived): {Truncation.Describe(_buffer.AsSpan(0, _count))}");
        }

        return ExitCodes.Success;
    }

    private int? Drain()
    {
        while (_count > 0)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
            try
            {
                if (!BoxReader.TryReadBox(ref sequence, s_limits, out AmpBoxView view))
                {
                    return null;
                }

                using (view)
                {
                    Print(Fields(view), _count - (int)sequence.Length);
                }
            }
            catch (AmpProtocolException e)
            {
                return Fail($"box {_boxes + 1} (starting at byte {_offset}) is malformed: {e.Message}");
            }

            int used = _count - (int)sequence.Length;
            Buffer.BlockCopy(_buffer, used, _buffer, 0, _count - used);
            _count -= used;
            _offset += used;
        }

        return null;
    }

    private void Print(DecodedBox box, int length)
    {
        _boxes++;
        if (!json)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"box {_boxes} at byte {_offset} ({length} bytes)"));
            BoxText.Write(console.Out, box, "  ");
            return;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_json))
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", _boxes);
            writer.WriteNumber("offset", _offset);
            writer.WriteNumber("length", length);
            writer.WritePropertyName("box");
            JsonValues.Write(writer, box);
            writer.WriteEndObject();
        }

        console.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private int Fail(string message)
    {
        console.Out.Flush();
        console.Error.WriteLine($"amp: {message}");
        return ExitCodes.BadInput;
    }

    private void Append(ReadOnlySpan<byte> input)
    {
        if (_count + input.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + input.Length));
        }

        input.CopyTo(_buffer.AsSpan(_count));
        _count += input.Length;
    }

    private static DecodedBox Fields(in AmpBoxView view)
    {
        var fields = new List<KeyValuePair<string, object>>(view.Count);
        foreach (AmpBoxEntry entry in view)
        {
            fields.Add(new(Encoding.Latin1.GetString(entry.Key), entry.Value.ToArray()));
        }

        return new DecodedBox(fields);
    }
}
