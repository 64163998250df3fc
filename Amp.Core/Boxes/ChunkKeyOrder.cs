namespace Amp.Boxes;

/// <summary>
/// Enumerates the chunk indexes 2 to <c>last</c> in the bytewise order of their keys, the order a box
/// is written in: <c>name.10</c>, <c>name.11</c>, …, <c>name.19</c>, <c>name.2</c>, <c>name.20</c>, ….
/// Sorting decimal texts bytewise (a prefix first) is a preorder walk of their digit tree, done here in
/// constant space and amortised constant time per index.
/// </summary>
internal struct ChunkKeyOrder
{
    private readonly int _last;
    private int _current;

    /// <summary>Orders the indexes 2 to <paramref name="last"/> (none when <paramref name="last"/> is below 2).</summary>
    public ChunkKeyOrder(int last)
    {
        _last = last;
        _current = 0;
    }

    /// <summary>The current index.</summary>
    public readonly int Current => _current;

    /// <summary>Moves to the next index in key order.</summary>
    /// <returns><see langword="false"/> when every index has been visited.</returns>
    public bool MoveNext()
    {
        do
        {
            if (!Step())
            {
                return false;
            }
        }
        while (_current == 1); // "1" is the walk's root: chunk 1 is the name itself.

        return true;
    }

    private bool Step()
    {
        if (_current == 0)
        {
            _current = 1;
            return _last >= 1;
        }

        if ((long)_current * 10 <= _last)
        {
            _current *= 10;
            return true;
        }

        while (_current % 10 == 9 || _current >= _last)
        {
            _current /= 10;
            if (_current == 0)
            {
                return false;
            }
        }

        _current++;
        return true;
    }
}
