namespace Amp.Negotiation.Http;

/// <summary>
/// The lines of a complete head (as <see cref="HeadScanner"/> found it), without their CR LF; stops at the empty
/// line. A CR inside a line makes it malformed.
/// </summary>
internal ref struct HeadLines
{
    private ReadOnlySpan<byte> _rest;

    public HeadLines(ReadOnlySpan<byte> head)
    {
        _rest = head;
        Current = default;
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Moves to the next non-empty line; false at the empty line that ends the head.</summary>
    /// <exception cref="FormatException">A line holds a CR other than its ending.</exception>
    public bool MoveNext()
    {
        int lf = _rest.IndexOf((byte)'\n');
        if (lf < 1)
        {
            return false;
        }

        ReadOnlySpan<byte> line = _rest[..(lf - 1)];
        _rest = _rest[(lf + 1)..];
        if (line.Contains((byte)'\r'))
        {
            throw new FormatException("a line holds a CR that does not end it");
        }

        Current = line;
        return !line.IsEmpty;
    }
}
