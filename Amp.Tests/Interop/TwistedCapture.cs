namespace Amp.Tests.Interop;

/// <summary>
/// The bytes Twisted 22.4 wrote for representative boxes and values, recorded by
/// <c>twisted_peer.py capture</c> into Interop/Twisted/twisted_capture.txt.
/// </summary>
internal static class TwistedCapture
{
    private static readonly Lazy<(Dictionary<string, byte[]> Boxes, List<(string Type, byte[] Bytes, string Description)> Values)> s_capture = new(Load);

    public static byte[] Box(string name) =>
        s_capture.Value.Boxes.TryGetValue(name, out byte[]? bytes) ? bytes : throw new KeyNotFoundException($"no box '{name}' in the capture");

    public static IEnumerable<string> BoxNames => s_capture.Value.Boxes.Keys;

    public static IReadOnlyList<(string Type, byte[] Bytes, string Description)> Values => s_capture.Value.Values;

    /// <summary>The BOX lines of a capture's output (for example <c>twisted_peer.py bigcapture</c>, run live).</summary>
    public static Dictionary<string, byte[]> ParseBoxes(string output) =>
        Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Boxes;

    private static (Dictionary<string, byte[]> Boxes, List<(string, byte[], string)> Values) Load() =>
        Parse(File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Interop", "Twisted", "twisted_capture.txt")));

    private static (Dictionary<string, byte[]> Boxes, List<(string, byte[], string)> Values) Parse(IEnumerable<string> lines)
    {
        var boxes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var values = new List<(string, byte[], string)>();
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', 4);
            if (parts[0] == "BOX")
            {
                boxes[parts[1]] = Convert.FromHexString(parts[2]);
            }
            else if (parts[0] == "VALUE")
            {
                values.Add((parts[1], parts[2] == "-" ? [] : Convert.FromHexString(parts[2]), parts.Length > 3 ? parts[3] : ""));
            }
        }

        return (boxes, values);
    }
}
