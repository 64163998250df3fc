using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using Amp.Boxes;

namespace Amp.Fuzz.Targets;

/// <summary>
/// The raw peer of the layer target: writes the script's bytes and boxes to the connection under test,
/// framed by the <see cref="FrameLayer"/>s it believes are pushed (which the script decides, rightly or
/// wrongly), and reads and drops everything the connection writes.
/// </summary>
internal sealed class FuzzPeer
{
    private readonly PipeWriter _output;
    private readonly List<byte> _keys = new();

    public FuzzPeer(IDuplexPipe transport)
    {
        _output = transport.Output;
        Draining = LayerResponders.ReadToEndAsync(transport.Input);
    }

    /// <summary>Reads the connection's bytes until it closes its end.</summary>
    public Task Draining { get; }

    public int Depth => _keys.Count;

    /// <summary>Writes <paramref name="bytes"/> through the frame layers the peer has pushed, top first.</summary>
    /// <remarks>Nothing is written for no bytes (an empty frame would end a layer).</remarks>
    public ValueTask<FlushResult> WriteAsync(byte[] bytes) => bytes.Length == 0 ? default : WriteBelowAsync(bytes, _keys.Count);

    public ValueTask<FlushResult> WriteBoxAsync(AmpBox box) => WriteAsync(BoxWriter.Serialize(box));

    public void Push(byte key) => _keys.Add(key);

    /// <summary>Writes the top frame layer's empty frame through the layers below it, and stops framing with it.</summary>
    public async ValueTask PopAsync()
    {
        if (_keys.Count == 0)
        {
            return;
        }

        _keys.RemoveAt(_keys.Count - 1);
        await WriteBelowAsync([0, 0], _keys.Count).ConfigureAwait(false);
    }

    public ValueTask CompleteAsync() => _output.CompleteAsync();

    public static AmpBox Box(params (string Key, string Value)[] entries)
    {
        var box = new AmpBox(entries.Length);
        foreach ((string key, string value) in entries)
        {
            box.SetString(key, value);
        }

        return box;
    }

    public static string Tag(byte tag) => tag.ToString(CultureInfo.InvariantCulture);

    private async ValueTask<FlushResult> WriteBelowAsync(byte[] bytes, int depth)
    {
        for (int level = depth - 1; level >= 0; level--)
        {
            bytes = Frame(bytes, _keys[level]);
        }

        return await _output.WriteAsync(bytes).ConfigureAwait(false);
    }

    private static byte[] Frame(byte[] payload, byte key)
    {
        // Frames carry at most 65535 bytes; the script's writes are far smaller, but stay correct.
        var framed = new List<byte>(payload.Length + 2);
        int offset = 0;
        do
        {
            int length = Math.Min(payload.Length - offset, ushort.MaxValue);
            var prefix = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)length);
            framed.AddRange(prefix);
            for (int i = 0; i < length; i++)
            {
                framed.Add((byte)(payload[offset + i] ^ key));
            }

            offset += length;
        }
        while (offset < payload.Length);
        return framed.ToArray();
    }
}
