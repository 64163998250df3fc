using System.Buffers.Text;
using Amp.Boxes;

namespace Amp.Cancellation;

/// <summary>
/// The callee's half of the cancellation extension (spec/amp-wire.md §15.5): one token per running
/// call, cancelled by the caller's <c>_cancel</c> box, by the call's <c>_timeout</c>, or by the
/// connection's end. Token sources are pooled, so a call costs no allocation once the pool is warm.
/// </summary>
internal sealed class CallCancellations
{
    private const int MaxPooled = 64;
    private const int MaxEarly = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, RunningCall> _running = [];
    private readonly Stack<CancellationTokenSource> _pool = new();

    // Cancels that named a call set aside, not started yet; bounded, and cleared once nothing is set aside.
    private readonly HashSet<ulong> _early = [];
    private bool _ended;

    /// <summary>
    /// A token for the call <paramref name="header"/> starts, or <see langword="null"/> when it cannot be
    /// cancelled (it asks for no answer, or its tag is not one a caller could name in a <c>_cancel</c>).
    /// </summary>
    /// <remarks>The <c>_timeout</c> was checked when the box was read (<see cref="CheckTimeout"/>).</remarks>
    public CancellationTokenSource? Begin(in BoxHeader header, out ulong tag)
    {
        tag = 0;
        int timeout = header.HasTimeout && TryParseTimeout(header.Timeout, out int milliseconds) ? milliseconds : 0;
        if (!header.HasAsk || !AmpTag.TryParseCanonical(header.Ask, out tag))
        {
            return null;
        }

        CancellationTokenSource source;
        lock (_lock)
        {
            // A call with a deadline gets a source of its own, never pooled: a CancelAfter timer that has
            // fired may still cancel its source after TryReset succeeded, and would cancel the next call's.
            source = timeout == 0 && _pool.Count > 0 ? _pool.Pop() : new CancellationTokenSource();
            if (_ended || !_running.TryAdd(tag, new RunningCall(source, timeout > 0)))
            {
                // The connection has ended, or the peer reuses a tag still running: no token of its own.
                if (!Recycle(source, timed: false))
                {
                    source.Dispose();
                }

                return null;
            }
        }

        if (timeout > 0)
        {
            source.CancelAfter(timeout);
        }

        if (_early.Count > 0 && TakeEarly(tag))
        {
            // Cancelled while it was set aside: no callback is registered yet, so this runs none.
            source.Cancel();
        }

        return source;
    }

    /// <summary>The call's responder is done: its token goes back to the pool unless it was cancelled.</summary>
    public void End(ulong tag, CancellationTokenSource source)
    {
        lock (_lock)
        {
            bool timed = _running.Remove(tag, out RunningCall call) && call.Timed;
            if (Recycle(source, timed))
            {
                return;
            }
        }

        source.Dispose();
    }

    /// <summary>Puts a source that never had a timer and was not cancelled back in the pool (under the lock).</summary>
    private bool Recycle(CancellationTokenSource source, bool timed)
    {
        if (!timed && _pool.Count < MaxPooled && !_ended && source.TryReset())
        {
            _pool.Push(source);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The caller cancelled the call asked with <paramref name="tagBytes"/>. A running call's token fires;
    /// a call not started yet (set aside while <paramref name="commandsWait"/>) will start with its token
    /// cancelled; any other tag (the call was answered already) is ignored.
    /// </summary>
    public void Cancel(ReadOnlySpan<byte> tagBytes, bool commandsWait)
    {
        if (!AmpTag.TryParseCanonical(tagBytes, out ulong tag))
        {
            return;
        }

        lock (_lock)
        {
            if (_running.TryGetValue(tag, out RunningCall call))
            {
                // Asynchronously: the responder's callbacks must not run on the read loop.
                _ = call.Source.CancelAsync();
            }
            else if (commandsWait && _early.Count < MaxEarly)
            {
                _early.Add(tag);
            }
            else if (!commandsWait)
            {
                // Nothing is set aside: no remembered tag can still start.
                _early.Clear();
            }
        }
    }

    private bool TakeEarly(ulong tag)
    {
        lock (_lock)
        {
            return _early.Remove(tag);
        }
    }

    /// <summary>The connection ended: every running call's token fires, and none is handed out again.</summary>
    public void CancelAll()
    {
        CancellationTokenSource[] running;
        lock (_lock)
        {
            _ended = true;
            running = new CancellationTokenSource[_running.Count];
            int i = 0;
            foreach (RunningCall call in _running.Values)
            {
                running[i++] = call.Source;
            }

            foreach (CancellationTokenSource pooled in _pool)
            {
                pooled.Dispose();
            }

            _pool.Clear();
        }

        foreach (CancellationTokenSource source in running)
        {
            _ = source.CancelAsync();
        }
    }

    /// <summary>Checks a call's <c>_timeout</c> as its box is read, before the call is started or set aside.</summary>
    /// <exception cref="AmpProtocolException">It is not a decimal number of milliseconds from 1 to 2,147,483,647.</exception>
    public static void CheckTimeout(in BoxHeader header)
    {
        if (header.HasTimeout && !TryParseTimeout(header.Timeout, out _))
        {
            throw new AmpProtocolException(AmpProtocolError.CancellationViolation,
                "a call's _timeout must be a decimal number of milliseconds from 1 to 2147483647");
        }
    }

    private static bool TryParseTimeout(ReadOnlySpan<byte> value, out int milliseconds) =>
        Utf8Parser.TryParse(value, out milliseconds, out int consumed) && consumed == value.Length && milliseconds > 0 && value[0] != (byte)'0';

    /// <summary>A running call's token source, and whether it has a deadline timer (then it is never pooled).</summary>
    private readonly record struct RunningCall(CancellationTokenSource Source, bool Timed);
}
