namespace Amp.Connection;

/// <summary>
/// The calls this side has made and not yet seen answered, by tag. A call is registered before its box
/// is sent; once the connection has failed, registration fails with the same reason.
/// </summary>
/// <remarks>
/// Callers register from any thread while the read loop takes answered calls, so the common case takes
/// no lock: tags are consecutive, and a call lives in the ring slot its tag picks (a compare-and-swap in,
/// one out). A call whose slot is still held by an older one (more than <see cref="RingSize"/> calls
/// outstanding) goes to a dictionary under a lock, as do the rare paths: abandoned calls and failure.
/// </remarks>
internal sealed class PendingCalls
{
    private const int RingSize = 1024;
    private const int RingMask = RingSize - 1;

    private readonly IPendingCall?[] _ring = new IPendingCall?[RingSize];
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, IPendingCall> _overflow = new();
    private int _overflowCount;
    private ulong _lastTag;
    private Exception? _failure;

    /// <summary>How many calls are waiting (a snapshot, for diagnostics).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (IPendingCall? call in _ring)
            {
                count += call is null ? 0 : 1;
            }

            return count + Volatile.Read(ref _overflowCount);
        }
    }

    /// <summary>Whether any call is waiting (a snapshot, for the idle timeout).</summary>
    public bool Any
    {
        get
        {
            if (Volatile.Read(ref _overflowCount) > 0)
            {
                return true;
            }

            foreach (IPendingCall? call in _ring)
            {
                if (call is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The next tag. Every box we send as a command uses one up, answered or not, as Twisted does.</summary>
    public ulong NextTag() => Interlocked.Increment(ref _lastTag);

    /// <param name="tag">The call's tag.</param>
    /// <param name="call">The call.</param>
    /// <param name="deadline">When it times out (see <see cref="TakeExpired"/>), or 0 for never.</param>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    public void Add(ulong tag, IPendingCall call, long deadline = 0)
    {
        call.Tag = tag;
        call.Deadline = deadline;
        if (Interlocked.CompareExchange(ref _ring[(int)(tag & RingMask)], call, null) is not null)
        {
            lock (_lock)
            {
                _overflow.Add(tag, call);
                Volatile.Write(ref _overflowCount, _overflow.Count);
            }
        }

        // FailAll publishes the failure, then empties the table: either it took this call (and failed it),
        // or this check sees the failure and takes the call back out.
        if (Volatile.Read(ref _failure) is { } failure && TryRemove(tag, out _))
        {
            throw failure;
        }
    }

    public bool TryRemove(ulong tag, out IPendingCall? call)
    {
        ref IPendingCall? slot = ref _ring[(int)(tag & RingMask)];
        IPendingCall? candidate = Volatile.Read(ref slot);
        if (candidate is not null && candidate.Tag == tag && Interlocked.CompareExchange(ref slot, null, candidate) == candidate)
        {
            call = candidate;
            return true;
        }

        if (Volatile.Read(ref _overflowCount) > 0)
        {
            lock (_lock)
            {
                if (_overflow.Remove(tag, out call))
                {
                    Volatile.Write(ref _overflowCount, _overflow.Count);
                    return true;
                }
            }
        }

        call = null;
        return false;
    }

    /// <summary>
    /// Gives up waiting for a call (its caller cancelled, or it timed out). AMP has no cancel box, so the
    /// answer may still come: <see cref="WasIssued"/> lets the read loop drop it. Nothing of the call is
    /// kept, so abandoned calls cost no memory however many there are.
    /// </summary>
    public bool Abandon(ulong tag) => TryRemove(tag, out _);

    /// <summary>
    /// Takes out every call whose deadline is at or before <paramref name="now"/>, as abandoned (their
    /// answers, if they come, are dropped), and adds them to <paramref name="expired"/>.
    /// </summary>
    public void TakeExpired(long now, List<IPendingCall> expired)
    {
        foreach (IPendingCall? call in _ring)
        {
            if (call is { Deadline: not 0 } && call.Deadline <= now && Abandon(call.Tag))
            {
                expired.Add(call);
            }
        }

        if (Volatile.Read(ref _overflowCount) == 0)
        {
            return;
        }

        IPendingCall[] overflow;
        lock (_lock)
        {
            overflow = [.. _overflow.Values];
        }

        foreach (IPendingCall call in overflow)
        {
            if (call.Deadline != 0 && call.Deadline <= now && Abandon(call.Tag))
            {
                expired.Add(call);
            }
        }
    }

    /// <summary>
    /// Whether this side issued <paramref name="tag"/>: an answer under a tag we issued with no pending
    /// call is a late answer to an abandoned call (or a duplicate), dropped; any other tag is a protocol violation.
    /// </summary>
    public bool WasIssued(ulong tag) => tag != 0 && tag <= Volatile.Read(ref _lastTag);

    /// <summary>The tasks of the calls waiting now (for a graceful close, once no new call can be added).</summary>
    public List<Task> SnapshotCompletions()
    {
        var completions = new List<Task>();
        for (int i = 0; i < _ring.Length; i++)
        {
            if (Volatile.Read(ref _ring[i]) is { } waiting)
            {
                completions.Add(waiting.Completion);
            }
        }

        lock (_lock)
        {
            foreach (IPendingCall call in _overflow.Values)
            {
                completions.Add(call.Completion);
            }
        }

        return completions;
    }

    /// <summary>Fails every pending call with <paramref name="failure"/> and refuses new ones.</summary>
    public void FailAll(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        var calls = new List<IPendingCall>();
        for (int i = 0; i < _ring.Length; i++)
        {
            if (Interlocked.Exchange(ref _ring[i], null) is { } call)
            {
                calls.Add(call);
            }
        }

        lock (_lock)
        {
            calls.AddRange(_overflow.Values);
            _overflow.Clear();
            Volatile.Write(ref _overflowCount, 0);
        }

        foreach (IPendingCall call in calls)
        {
            call.Fail(failure);
        }
    }
}
