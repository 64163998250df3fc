using Amp.Boxes;
using Amp.BoxProtocol;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Streams;

/// <summary>
/// The streams of one connection, both ways (spec/amp-wire.md §15.3): the outgoing ones by the ids this
/// side gave them, the incoming ones by the peer's ids. Grants credit so each incoming stream buffers at
/// most one window and all of them together at most the connection's budget.
/// </summary>
internal sealed partial class StreamTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, IncomingStream> _incoming = new();
    private readonly Dictionary<ulong, OutgoingStream> _outgoing = new();
    private readonly Queue<IncomingStream> _starved = new();
    private readonly OutgoingWriter _writer;
    private readonly ILogger _logger;
    private readonly string _connection;
    private readonly int _window;
    private readonly long _budget;
    private readonly int _maxIncoming;
    private long _promised;
    private ulong _lastOutgoingId;
    private AmpConnectionLostException? _ended;

    public StreamTable(OutgoingWriter writer, StreamLimits limits, ILogger logger, string connection)
    {
        _writer = writer;
        _window = limits.Window;
        _budget = limits.Budget;
        _maxIncoming = limits.MaxIncoming;
        _logger = logger;
        _connection = connection;
    }

    /// <summary>How many streams are open, both ways (diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _incoming.Count + _outgoing.Count;
            }
        }
    }

    /// <summary>Bytes granted to the peer and not yet consumed by the application: the most the incoming streams can buffer.</summary>
    public long Promised => Volatile.Read(ref _promised);

    public OutgoingStream AddOutgoing(Stream source, bool ownsSource)
    {
        lock (_lock)
        {
            if (_ended is not null)
            {
                throw _ended;
            }

            var stream = new OutgoingStream(this, ++_lastOutgoingId, source, ownsSource);
            _outgoing.Add(stream.Id, stream);
            return stream;
        }
    }

    /// <summary>Forgets an outgoing stream whose announcing box was never sent.</summary>
    public void Discard(OutgoingStream stream)
    {
        TaskCompletionSource? none;
        lock (_lock)
        {
            _outgoing.Remove(stream.Id);
            none = TakeNoStreamsLocked();
        }

        none?.TrySetResult();
    }

    /// <summary>Forgets an outgoing stream that has written its last box.</summary>
    public void Forget(OutgoingStream stream) => Discard(stream);

    /// <summary>Queues a chunk box once the writer has room.</summary>
    public async ValueTask SendAsync(BoxBuffer buffer, CancellationToken cancellationToken)
    {
        if (!_writer.HasRoom)
        {
            await _writer.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }

        _writer.Enqueue(buffer);
    }

    /// <summary>Queues a stream's end or error box and forgets the stream.</summary>
    public void SendFinal(OutgoingStream stream, BoxBuffer buffer)
    {
        Forget(stream);
        TryEnqueue(buffer.WrittenSpan);
    }

    public void SourceFailed(OutgoingStream stream, Exception exception) =>
        Log.Streams.StreamSourceFailed(_logger, _connection, stream.Id, exception);

    /// <summary>Called once when the connection ends: every stream fails with <paramref name="lost"/>.</summary>
    public void ConnectionEnded(AmpConnectionLostException lost)
    {
        IncomingStream[] incoming;
        OutgoingStream[] outgoing;
        TaskCompletionSource? none;
        lock (_lock)
        {
            _ended = lost;
            incoming = [.. _incoming.Values];
            outgoing = [.. _outgoing.Values];
            _incoming.Clear();
            _outgoing.Clear();
            _starved.Clear();
            none = TakeNoStreamsLocked();
        }

        none?.TrySetResult();

        var failure = new AmpStreamException("CONNECTION_LOST", "The connection ended before the stream did: " + lost.Message, lost);
        foreach (IncomingStream stream in incoming)
        {
            stream.Finish(failure);
        }

        foreach (OutgoingStream stream in outgoing)
        {
            stream.Fail();
        }
    }

    private void TryEnqueue(ReadOnlySpan<byte> box)
    {
        try
        {
            _writer.Enqueue(box);
        }
        catch (AmpException)
        {
            // The connection ended or switched: its streams end with it.
        }
    }

    private void SendControl(ulong id, int credit)
    {
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            if (credit > 0)
            {
                StreamBoxes.WriteGrant(buffer, id, credit);
            }
            else
            {
                StreamBoxes.WriteStop(buffer, id);
            }

            TryEnqueue(buffer.WrittenSpan);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }
    }

    private static AmpProtocolException Violation(string message) => new(AmpProtocolError.StreamViolation, message);
}

/// <summary>The limits of a connection's incoming streams (from <see cref="AmpConnectionOptions"/>).</summary>
/// <param name="Window">Credit per stream.</param>
/// <param name="Budget">Credit granted and not read, all streams together.</param>
/// <param name="MaxIncoming">Incoming streams open at once.</param>
internal readonly record struct StreamLimits(int Window, long Budget, int MaxIncoming);
