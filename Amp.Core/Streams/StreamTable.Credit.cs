using Amp.Boxes;

namespace Amp.Streams;

internal sealed partial class StreamTable
{
    /// <summary>The application consumed <paramref name="count"/> bytes of <paramref name="stream"/>: tops its credit up by half a window or more.</summary>
    public void OnConsumed(IncomingStream stream, long count)
    {
        int credit = 0;
        lock (_lock)
        {
            if (stream.Stopped)
            {
                return;
            }

            stream.Consumed += count;
            _promised -= count;
            if (!stream.Ended && _window - (stream.Granted - stream.Consumed) >= _window / 2)
            {
                credit = TakeCreditLocked(stream);
            }
        }

        if (credit > 0)
        {
            SendControl(stream.Id, credit);
        }

        ServeStarved();
    }

    /// <summary>The application completed its reader.</summary>
    public void OnReaderDone(IncomingStream stream) => Release(stream, "The reader completed.");

    /// <summary>
    /// This side is done with <paramref name="stream"/>: what it buffers is let go, and if the sender has not
    /// ended it, the sender is told to stop (later chunks are dropped until its end box).
    /// </summary>
    public void Release(IncomingStream stream, string reason)
    {
        bool stop;
        lock (_lock)
        {
            if (stream.Stopped)
            {
                return;
            }

            stream.Stopped = true;
            _promised -= stream.Granted - stream.Consumed;
            stop = !stream.Ended && _incoming.ContainsKey(stream.Id);
        }

        if (stop)
        {
            stream.Finish(new AmpStreamException("STOPPED", reason));
            SendControl(stream.Id, 0);
        }

        ServeStarved();
    }

    /// <summary>Handles a <c>_grant</c> box (credit or a stop for one of our streams), on the read loop.</summary>
    /// <exception cref="AmpProtocolException">The box is malformed or names a stream this side never opened.</exception>
    public void OnGrantBox(ReadOnlySpan<byte> box, ReadOnlySpan<byte> idValue)
    {
        if (!StreamBoxes.TryParseId(idValue, out ulong id))
        {
            throw Violation("a _grant box holds a malformed stream id");
        }

        int credit = 0;
        bool stop = false;
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            ReadOnlySpan<byte> key = entries.Current.Key;
            if (key.SequenceEqual(StreamBoxes.CreditKey))
            {
                if (!StreamBoxes.TryParseCredit(entries.Current.Value, out credit))
                {
                    throw Violation($"a _grant box for stream {id:x} holds a malformed _credit");
                }
            }
            else if (key.SequenceEqual(StreamBoxes.StopKey))
            {
                stop = true;
            }
        }

        if ((credit > 0) == stop)
        {
            throw Violation($"a _grant box for stream {id:x} must hold exactly one of _credit or _stop");
        }

        OutgoingStream? stream;
        lock (_lock)
        {
            if (!_outgoing.TryGetValue(id, out stream))
            {
                if (id <= _lastOutgoingId || _ended is not null)
                {
                    return; // The stream has ended on this side; the grant crossed its end box.
                }

                throw Violation($"a _grant box names stream {id:x}, which this side never opened");
            }
        }

        if (stop)
        {
            stream.Stop();
        }
        else
        {
            stream.Grant(credit);
        }
    }

    /// <summary>Credit for <paramref name="stream"/> up to a window, within the budget; queues it as starved when the budget is spent.</summary>
    private int TakeCreditLocked(IncomingStream stream)
    {
        long wanted = _window - (stream.Granted - stream.Consumed);
        if (_window >= 2 * StreamBoxes.ChunkPayload)
        {
            // Whole chunks of an Amp.NET sender: credit left over past its last full chunk would come as one
            // tiny chunk box per grant. A top-up comes at half a window or more, so this is never zero.
            wanted -= wanted % StreamBoxes.ChunkPayload;
        }

        long credit = Math.Min(wanted, _budget - _promised);
        if (credit <= 0)
        {
            if (!stream.Starved && wanted > 0)
            {
                stream.Starved = true;
                _starved.Enqueue(stream);
            }

            return 0;
        }

        stream.Granted += credit;
        _promised += credit;
        return (int)credit;
    }

    /// <summary>Grants the streams that waited for the budget, oldest first, while it lasts.</summary>
    private void ServeStarved()
    {
        List<(ulong Id, int Credit)>? grants = null;
        lock (_lock)
        {
            while (_starved.Count > 0 && _promised < _budget)
            {
                IncomingStream stream = _starved.Dequeue();
                stream.Starved = false;
                if (stream.Stopped || stream.Ended)
                {
                    continue;
                }

                int credit = TakeCreditLocked(stream);
                if (credit > 0)
                {
                    (grants ??= new List<(ulong, int)>()).Add((stream.Id, credit));
                }
            }
        }

        if (grants is not null)
        {
            foreach ((ulong id, int credit) in grants)
            {
                SendControl(id, credit);
            }
        }
    }
}
