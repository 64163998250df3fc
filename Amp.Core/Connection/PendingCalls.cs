namespace Amp.Connection;

/// <summary>
/// The calls this side has made and not yet seen answered, by tag. A call is registered before its box
/// is sent; once the connection has failed, registration fails with the same reason.
/// </summary>
internal sealed class PendingCalls
{
    private readonly object _lock = new();
    private readonly Dictionary<ulong, IPendingCall> _calls = new();
    private readonly HashSet<ulong> _abandoned = new();
    private ulong _lastTag;
    private Exception? _failure;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>The next tag. Every box we send as a command uses one up, answered or not, as Twisted does.</summary>
    public ulong NextTag() => Interlocked.Increment(ref _lastTag);

    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    public void Add(ulong tag, IPendingCall call)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            _calls.Add(tag, call);
        }
    }

    public bool TryRemove(ulong tag, out IPendingCall? call)
    {
        lock (_lock)
        {
            return _calls.Remove(tag, out call);
        }
    }

    /// <summary>
    /// Gives up waiting for a call (its caller cancelled). AMP has no cancel box, so the answer may
    /// still come; <see cref="TryForget"/> lets the read loop drop it instead of calling it a protocol violation.
    /// </summary>
    public bool Abandon(ulong tag)
    {
        lock (_lock)
        {
            if (!_calls.Remove(tag))
            {
                return false;
            }

            _abandoned.Add(tag);
            return true;
        }
    }

    public bool TryForget(ulong tag)
    {
        lock (_lock)
        {
            return _abandoned.Remove(tag);
        }
    }

    /// <summary>Fails every pending call with <paramref name="failure"/> and refuses new ones.</summary>
    public void FailAll(Exception failure)
    {
        IPendingCall[] calls;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            calls = new IPendingCall[_calls.Count];
            _calls.Values.CopyTo(calls, 0);
            _calls.Clear();
            _abandoned.Clear();
        }

        foreach (IPendingCall call in calls)
        {
            call.Fail(failure);
        }
    }
}
