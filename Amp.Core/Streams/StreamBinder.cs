using System.Buffers;
using Amp.Boxes;

namespace Amp.Streams;

/// <summary>
/// Connects the stream fields of one call or answer to the connection's <see cref="StreamTable"/>: while a
/// box is written it registers each outgoing source and announces the ids (<c>_streams</c>); while a box
/// is read it claims the announced incoming streams. Made only for records that have stream fields.
/// </summary>
internal sealed class StreamBinder
{
    private readonly StreamTable _table;
    private readonly bool _ownsSources;
    private List<OutgoingStream>? _outgoing;
    private List<IncomingStream>? _incoming;

    /// <param name="table">The connection's streams.</param>
    /// <param name="ownsSources">Whether the sources bound are disposed once sent (a responder's answer), or left to the caller (a call's arguments).</param>
    public StreamBinder(StreamTable table, bool ownsSources)
    {
        _table = table;
        _ownsSources = ownsSources;
    }

    /// <summary>Registers <paramref name="source"/> as a new outgoing stream; returns its id.</summary>
    /// <param name="source">What the stream sends.</param>
    /// <param name="madeHere">Whether the source is a wrapper made by Amp.NET (always disposed once sent).</param>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    public ulong Bind(Stream source, bool madeHere)
    {
        OutgoingStream stream = _table.AddOutgoing(source, _ownsSources || madeHere);
        (_outgoing ??= new List<OutgoingStream>(2)).Add(stream);
        return stream.Id;
    }

    /// <summary>Takes the incoming stream the peer announced under <paramref name="id"/> for a field.</summary>
    /// <exception cref="FormatException">The id was not announced in this box, or another field took it.</exception>
    public IncomingStream Claim(ulong id)
    {
        IncomingStream stream = _table.Claim(id);
        (_incoming ??= new List<IncomingStream>(2)).Add(stream);
        return stream;
    }

    /// <summary>Writes the <c>_streams</c> announcement (after the fields, before the end marker) when a stream was bound.</summary>
    public void WriteAnnouncement(BoxBuffer buffer)
    {
        if (_outgoing is null)
        {
            return;
        }

        buffer.WriteKey(ReservedKeys.Streams);
        int start = buffer.BeginValue();
        for (int i = 0; i < _outgoing.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteRaw(","u8);
            }

            StreamBoxes.WriteIdValue(buffer, _outgoing[i].Id);
        }

        buffer.EndValue(start);
    }

    /// <summary>Completes when every outgoing stream bound has written its last box; <see langword="null"/> when none was bound.</summary>
    public Task? OutgoingDone => _outgoing switch
    {
        null => null,
        [var single] => single.Done,
        _ => Task.WhenAll(_outgoing.ConvertAll(static stream => stream.Done)),
    };

    /// <summary>The box was never sent: forgets the outgoing streams bound for it.</summary>
    public void DiscardOutgoing()
    {
        if (_outgoing is not null)
        {
            foreach (OutgoingStream stream in _outgoing)
            {
                _table.Discard(stream);
                stream.Fail();
            }
        }
    }

    /// <summary>Ends the outgoing streams with an error box (the call was cancelled or failed).</summary>
    public void AbortOutgoing(string code, string description)
    {
        if (_outgoing is not null)
        {
            foreach (OutgoingStream stream in _outgoing)
            {
                stream.Abort(code, description);
            }
        }
    }

    /// <summary>Stops the claimed incoming streams that have not ended (their reader is done with them).</summary>
    public void ReleaseIncoming(string reason)
    {
        if (_incoming is not null)
        {
            foreach (IncomingStream stream in _incoming)
            {
                _table.Release(stream, reason);
            }
        }
    }
}
