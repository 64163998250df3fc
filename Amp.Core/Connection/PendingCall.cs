using Amp.Boxes;
using Amp.Descriptors;
using Amp.Streams;

namespace Amp.Connection;

/// <summary>A call waiting for its answer. Completed from the read loop; continuations run elsewhere.</summary>
internal interface IPendingCall
{
    /// <summary>Parses the answer box and completes the call (a malformed answer fails only this call).</summary>
    void SetAnswer(ReadOnlySpan<byte> box);

    void SetError(string code, string description);

    void Fail(Exception exception);

    /// <summary>The caller's cancellation registration, disposed when the call completes.</summary>
    CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>The call's tag, set by <see cref="PendingCalls.Add"/>.</summary>
    ulong Tag { get; set; }

    /// <summary>When the call times out (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0 for never; set by <see cref="PendingCalls.Add"/>.</summary>
    long Deadline { get; set; }

    /// <summary>The caller's task: completes when the call is answered, fails or is cancelled.</summary>
    Task Completion { get; }
}

/// <summary>A typed call: the answer is parsed into the command's response type.</summary>
internal sealed class TypedPendingCall<TResponse> : PendingCallBase<TResponse>
    where TResponse : class
{
    private readonly CommandDescriptor<TResponse> _descriptor;

    public TypedPendingCall(CommandDescriptor<TResponse> descriptor)
    {
        _descriptor = descriptor;
    }

    /// <summary>The connection's streams, when the response has stream fields to claim.</summary>
    public StreamTable? Streams { get; init; }

    public override void SetAnswer(ReadOnlySpan<byte> box)
    {
        TResponse response;
        try
        {
            response = _descriptor.ReadResponse(box, Streams is { } streams ? new StreamBinder(streams, ownsSources: false) : null);
        }
        catch (AmpArgumentException e)
        {
            TrySetException(e);
            ReleaseCancellation();
            return;
        }

        TrySetResult(response);
        ReleaseCancellation();
    }

    public override void SetError(string code, string description)
    {
        TrySetException(_descriptor.MapRemoteError(code, description));
        ReleaseCancellation();
    }

    public override void Fail(Exception exception)
    {
        TrySetException(exception);
        ReleaseCancellation();
    }
}

/// <summary>An untyped call (<c>CallRemoteStringAsync</c>): the answer is the raw box.</summary>
internal sealed class RawPendingCall : PendingCallBase<AmpBox>
{
    private readonly string _commandName;

    public RawPendingCall(string commandName)
    {
        _commandName = commandName;
    }

    public override void SetAnswer(ReadOnlySpan<byte> box)
    {
        TrySetResult(AmpBox.FromBytes(box));
        ReleaseCancellation();
    }

    public override void SetError(string code, string description)
    {
        TrySetException(code == AmpErrorCodes.Unhandled
            ? new AmpUnhandledCommandException(description, _commandName)
            : new AmpRemoteException(code, description, _commandName));
        ReleaseCancellation();
    }

    public override void Fail(Exception exception)
    {
        TrySetException(exception);
        ReleaseCancellation();
    }
}
