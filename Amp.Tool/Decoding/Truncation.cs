using System.Buffers.Binary;
using System.Text;
using Amp.Tool.Output;

namespace Amp.Tool.Decoding;

/// <summary>Says where in a box a stream that ends early stopped: in which length prefix, key or value.</summary>
internal static class Truncation
{
    public static string Describe(ReadOnlySpan<byte> rest)
    {
        int keys = 0;
        while (true)
        {
            if (rest.Length < 2)
            {
                return rest.IsEmpty ? $"after {Keys(keys)}, before the next key's length" : $"after {Keys(keys)}, inside the next key's 2-byte length";
            }

            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (rest.Length < 2 + keyLength)
            {
                return $"after {Keys(keys)}, inside a key of {keyLength} bytes ({rest.Length - 2} arrived)";
            }

            string key = ValueText.Escape(rest.Slice(2, keyLength));
            rest = rest[(2 + keyLength)..];
            if (rest.Length < 2)
            {
                return $"after the key '{key}', inside its value's 2-byte length";
            }

            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (rest.Length < 2 + valueLength)
            {
                return $"inside the value of '{key}' ({rest.Length - 2} of its {valueLength} bytes arrived)";
            }

            rest = rest[(2 + valueLength)..];
            keys++;
        }
    }

    private static string Keys(int count) => count == 1 ? "1 complete key" : $"{count} complete keys";
}
