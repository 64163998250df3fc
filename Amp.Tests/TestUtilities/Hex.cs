using System.Text;

namespace Amp.Tests.TestUtilities;

/// <summary>Writes wire bytes the way the dossier shows them: <c>00 04 "_ask" 00 01 "1" ...</c>.</summary>
internal static class Wire
{
    /// <summary>Parses a mix of hex byte pairs and "quoted ASCII" runs.</summary>
    public static byte[] Bytes(string spec)
    {
        var bytes = new List<byte>();
        int i = 0;
        while (i < spec.Length)
        {
            char c = spec[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"')
            {
                int end = spec.IndexOf('"', i + 1);
                bytes.AddRange(Encoding.UTF8.GetBytes(spec.Substring(i + 1, end - i - 1)));
                i = end + 1;
            }
            else
            {
                bytes.Add(Convert.ToByte(spec.Substring(i, 2), 16));
                i += 2;
            }
        }

        return bytes.ToArray();
    }
}
