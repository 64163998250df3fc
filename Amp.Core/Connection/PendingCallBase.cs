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

    public CancellationTokenRegistration Cancellation { get; set; }

    public ulong Tag { get; set; }

    public long Deadline { get; set; }

    public abstract void SetAnswer(ReadOnlySpan<byte> box);

    public abstract void SetError(string code, string description);

    public abstract void Fail(Exception exception);
}
