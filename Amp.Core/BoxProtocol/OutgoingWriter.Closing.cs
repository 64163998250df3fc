namespace Amp.BoxProtocol;

// A graceful close: from one box on, no call of ours is written.
internal sealed partial class OutgoingWriter
{
    private Exception? _callRefusal;

    /// <summary>
    /// Queues <paramref name="box"/> (if any) and, in the same step, refuses every call box and every
    /// layer change of ours queued after it with <paramref name="refusal"/>: no call can slip in behind
    /// the box, whichever thread queues it. Answers and other boxes go on.
    /// </summary>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    public void RefuseCallsAfter(ReadOnlySpan<byte> box, Exception refusal)
    {
        bool drain = false;
        lock (_lock)
        {
            ThrowIfClosed();
            _callRefusal ??= refusal;
            if (!box.IsEmpty)
            {
                _queue.Append(box);
                _inFlight += box.Length;
                _boxesQueued++;
                drain = StartDrainIfIdle();
            }
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }
}
