using Amp.Boxes;

namespace Amp;

/// <summary>Formats a box only if the log message is actually written.</summary>
internal readonly struct BoxDump
{
    private readonly byte[] _bytes;

    public BoxDump(ReadOnlySpan<byte> box)
    {
        _bytes = box.ToArray();
    }

    public override string ToString() => AmpBox.FromBytes(_bytes).ToString();
}
