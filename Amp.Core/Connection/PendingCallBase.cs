namespace Amp.Connection;

/// <summary>
/// What every kind of pending call shares: a completion source whose continuations run off the read
/// loop, and the state <see cref="PendingCalls"/> keeps on it (tag, deadline, the caller's cancellation).
/// </summary>
/// <typeparam name="TResult">What the caller's task yields.</typeparam>
internal abstract class PendingCallBase<TResult> : TaskCompletionSource<TResult>, IPendingCall
{
    protected PendingCallBase()
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    private CancellationTokenRegistration _cancellation;

    /// <summary>
    /// The caller's cancellation registration. Set after the call is in the table, so it may arrive after
    /// the call completed: then it is released at once (completion releases it only after completing).
    /// </summary>
    public CancellationTokenRegistration Cancellation
    {
        get => _cancellation;
        set
        {
            _cancellation = value;
            if (Task.IsCompleted)
            {
                value.Unregister();
            }
        }
    }

    /// <summary>Releases the caller's registration; call it after completing the task (see <see cref="Cancellation"/>).</summary>
    protected void ReleaseCancellation() => _cancellation.Unregister();

    public ulong Tag { get; set; }

    public long Deadline { get; set; }

    public Task Completion => Task;

    public abstract void SetAnswer(ReadOnlySpan<byte> box);

    public abstract void SetError(string code, string description);

    public abstract void Fail(Exception exception);
}
