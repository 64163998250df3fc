using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;

namespace Amp.Tests.TestUtilities;

/// <summary>Boxes for scripted peers: built from text or bytes, or laid out byte for byte in a given key order.</summary>
internal static class WireBoxes
{
    /// <summary>The hello's offer of an Amp.NET connection with the default options (every extension, in order).</summary>
    public static readonly byte[] DefaultOffer = Offer("streams/1", "cancel/1", "keepalive/1", "goaway/1");

    /// <summary>An <c>offer</c> or <c>accept</c> value: the names as a ListOf(Unicode).</summary>
    public static byte[] Offer(params string[] names)
    {
        var bytes = new List<byte>();
        foreach (string name in names)
        {
            bytes.AddRange([(byte)(name.Length >> 8), (byte)name.Length, .. System.Text.Encoding.UTF8.GetBytes(name)]);
        }

        return [.. bytes];
    }

    /// <summary>A box from (key, string or byte[]) pairs.</summary>
    public static AmpBox Make(params (string Key, object Value)[] entries)
    {
        var box = new AmpBox();
        foreach ((string key, object value) in entries)
        {
            box[key] = value is string text ? System.Text.Encoding.UTF8.GetBytes(text) : (byte[])value;
        }

        return box;
    }

    /// <summary>A box's bytes with its entries in the order given.</summary>
    public static byte[] Bytes(params (string Key, byte[] Value)[] entries)
    {
        var bytes = new List<byte>();
        foreach ((string key, byte[] value) in entries)
        {
            bytes.AddRange([0, (byte)key.Length, .. System.Text.Encoding.ASCII.GetBytes(key), (byte)(value.Length >> 8), (byte)value.Length, .. value]);
        }

        bytes.AddRange([0, 0]);
        return [.. bytes];
    }

    /// <summary>Reads the next whole box from <paramref name="input"/>, or <see langword="null"/> at the end of the stream.</summary>
    public static async Task<byte[]?> ReadBoxAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ReadOnlySequence<byte> start = buffer;
            if (BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? _))
            {
                byte[] bytes = start.Slice(0, buffer.Start).ToArray();
                input.AdvanceTo(buffer.Start);
                return bytes;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }
}
