using System.Text;
using Amp.Boxes;

namespace Amp.Streams;

internal sealed partial class StreamTable
{
    /// <summary>Registers the streams a call or answer announces (<c>_streams</c>), on the read loop, and grants each its first credit.</summary>
    /// <exception cref="AmpProtocolException">The announcement is malformed or names a stream that is open already.</exception>
    public void Announce(ReadOnlySpan<byte> ids)
    {
        while (!ids.IsEmpty)
        {
            int comma = ids.IndexOf((byte)',');
            ReadOnlySpan<byte> item = comma < 0 ? ids : ids.Slice(0, comma);
            ids = comma < 0 ? default : ids.Slice(comma + 1);
            if (!StreamBoxes.TryParseId(item, out ulong id))
            {
                throw Violation("a _streams announcement holds a malformed stream id");
            }

            IncomingStream stream;
            int credit;
            lock (_lock)
            {
                if (_ended is not null)
                {
                    return;
                }

                if (_incoming.Count >= _maxIncoming)
                {
                    throw Violation($"the peer announced more than {_maxIncoming} streams open at once (MaxIncomingStreams)");
                }

                if (_incoming.ContainsKey(id))
                {
                    throw Violation($"stream {id:x} is announced while it is still open");
                }

                stream = new IncomingStream(this, id);
                _incoming.Add(id, stream);

                credit = TakeCreditLocked(stream);
            }

            if (credit > 0)
            {
                SendControl(id, credit);
            }
        }
    }

    /// <summary>Takes the announced stream <paramref name="id"/> for a field (at most once).</summary>
    /// <exception cref="FormatException">No such stream was announced, or a field took it already.</exception>
    public IncomingStream Claim(ulong id)
    {
        lock (_lock)
        {
            if (!_incoming.TryGetValue(id, out IncomingStream? stream) || stream.Claimed)
            {
                throw new FormatException($"stream {id:x} was not announced in this box (or is named by two fields)");
            }

            stream.Claimed = true;
            return stream;
        }
    }

    /// <summary>After a box is handled: stops the streams it announced that no field took (no responder, a malformed box, an abandoned call).</summary>
    public void StopUnclaimed(ReadOnlySpan<byte> ids)
    {
        while (!ids.IsEmpty)
        {
            int comma = ids.IndexOf((byte)',');
            ReadOnlySpan<byte> item = comma < 0 ? ids : ids.Slice(0, comma);
            ids = comma < 0 ? default : ids.Slice(comma + 1);
            IncomingStream? stream = null;
            if (StreamBoxes.TryParseId(item, out ulong id))
            {
                lock (_lock)
                {
                    if (_incoming.TryGetValue(id, out stream) && stream.Claimed)
                    {
                        stream = null;
                    }
                }
            }

            if (stream is not null)
            {
                Release(stream, "Nothing took the stream on the receiving side.");
            }
        }
    }

    /// <summary>Handles a <c>_stream</c> box (a chunk, the end, or an error end), on the read loop.</summary>
    /// <exception cref="AmpProtocolException">The box names no open stream, goes past the credit, or is malformed.</exception>
    public void OnStreamBox(ReadOnlySpan<byte> box, ReadOnlySpan<byte> idValue)
    {
        if (!StreamBoxes.TryParseId(idValue, out ulong id))
        {
            throw Violation("a _stream box holds a malformed stream id");
        }

        ReadOnlySpan<byte> chunk = default;
        ReadOnlySpan<byte> code = default;
        ReadOnlySpan<byte> description = default;
        bool hasChunk = false, hasEnd = false, hasCode = false;
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            ReadOnlySpan<byte> key = entries.Current.Key;
            if (key.SequenceEqual(StreamBoxes.ChunkKey))
            {
                chunk = entries.Current.Value;
                hasChunk = true;
            }
            else if (key.SequenceEqual(StreamBoxes.EndKey))
            {
                hasEnd = true;
            }
            else if (key.SequenceEqual(ReservedKeys.ErrorCode))
            {
                code = entries.Current.Value;
                hasCode = true;
            }
            else if (key.SequenceEqual(ReservedKeys.ErrorDescription))
            {
                description = entries.Current.Value;
            }
        }

        if ((hasChunk ? 1 : 0) + (hasEnd ? 1 : 0) + (hasCode ? 1 : 0) != 1)
        {
            throw Violation($"a _stream box for stream {id:x} must hold exactly one of _chunk, _end or _error_code");
        }

        IncomingStream? stream;
        bool deliver = false;
        bool finish = false;
        TaskCompletionSource? none = null;
        lock (_lock)
        {
            if (!_incoming.TryGetValue(id, out stream))
            {
                if (_ended is not null)
                {
                    return;
                }

                throw Violation($"a _stream box names stream {id:x}, which is not open");
            }

            if (hasChunk)
            {
                if (chunk.IsEmpty || stream.Received + chunk.Length > stream.Granted)
                {
                    throw Violation($"a chunk of {chunk.Length} bytes for stream {id:x} is empty or goes past the credit granted ({stream.Granted - stream.Received} bytes left)");
                }

                stream.Received += chunk.Length;
                deliver = !stream.Stopped;
            }
            else
            {
                _incoming.Remove(id);
                none = TakeNoStreamsLocked();
                stream.Ended = true;
                finish = !stream.Stopped;
                if (finish && hasEnd)
                {
                    // Credit granted but never used is free again; what was received stays until consumed.
                    long unused = stream.Granted - stream.Received;
                    stream.Granted = stream.Received;
                    _promised -= unused;
                }
                else if (finish)
                {
                    // An error end: nothing of the stream will be read (reads fail), so all of it is let go.
                    stream.Stopped = true;
                    _promised -= stream.Granted - stream.Consumed;
                }
            }
        }

        none?.TrySetResult();
        if (hasChunk)
        {
            if (deliver)
            {
                stream.Deliver(chunk);
            }

            return;
        }

        if (finish)
        {
            stream.Finish(hasEnd ? null : new AmpStreamException(Encoding.UTF8.GetString(code), Encoding.UTF8.GetString(description)));
            ServeStarved();
        }
    }
}
