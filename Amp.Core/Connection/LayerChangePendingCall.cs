using Amp.Descriptors;

namespace Amp.Connection;

/// <summary>
/// Our call of a command that changes the layer stack (StartTLS, StopTLS, a protocol switch). The box
/// layer's <see cref="LayerChangeRequest"/> does the work; this call settles it from the peer's answer
/// and gives the caller the outcome. The caller may cancel and leave; the request goes on regardless.
/// </summary>
/// <typeparam name="TResult">What the caller gets: the command's response, or the switched connection.</typeparam>
internal class LayerChangePendingCall<TResult> : PendingCallBase<TResult>
    where TResult : class
{
    private readonly CommandDescriptor _descriptor;
    private LayerChangeRequest? _request;
    private TResult? _response;

    public LayerChangePendingCall(CommandDescriptor descriptor, AmpConnection connection)
    {
        _descriptor = descriptor;
        Connection = connection;
    }

    protected AmpConnection Connection { get; }

    /// <summary>Ties the call to its request: the caller's task follows the request, or the caller's token.</summary>
    public void Follow(LayerChangeRequest request, CancellationToken cancellationToken)
    {
        _request = request;
        _ = FollowAsync(request);
        if (cancellationToken.CanBeCanceled)
        {
            // Detach only: withdrawing (before the box is written) is the request's own business.
            Cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((LayerChangePendingCall<TResult>)state!).TrySetCanceled(token), this);
        }
    }

    public override void SetAnswer(ReadOnlySpan<byte> box)
    {
        ThrowIfNotSent();
        try
        {
            _response = ReadResponse(box);
        }
        catch (AmpArgumentException e)
        {
            // The peer has changed its layers already; this side cannot follow without a valid answer.
            Connection.End(AmpDisconnectReason.ProtocolViolation, $"The answer to {_descriptor.Name} was malformed: {e.Message}", e);
            return;
        }

        _request!.Accept();
    }

    public override void SetError(string code, string description)
    {
        ThrowIfNotSent();
        _request!.Refuse(_descriptor.MapRemoteError(code, description));
    }

    public override void Fail(Exception exception)
    {
        if (_request is { } request)
        {
            // The request reports first whatever ended the change (a TLS failure, say); this is a fallback.
            request.Fail(exception);
            return;
        }

        TrySetException(exception);
        ReleaseCancellation();
    }

    /// <summary>
    /// The peer can answer only a box it has received: an answer to one still queued (or not even handed to the
    /// writer yet) names a tag nobody asked for, which the read loop reports as a protocol violation.
    /// </summary>
    /// <exception cref="AmpProtocolException">The box of this call was not sent.</exception>
    private void ThrowIfNotSent()
    {
        if (_request is not { WasSent: true })
        {
            throw new AmpProtocolException(AmpProtocolError.UnknownTag, $"the peer answered {_descriptor.Name} before this side sent it");
        }
    }

    /// <summary>The caller's result once the change is made.</summary>
    protected virtual TResult Result(TResult? response) => response!;

    /// <summary>Called when the result could not reach the caller (it cancelled first).</summary>
    protected virtual void Unclaimed(TResult result)
    {
    }

    private TResult? ReadResponse(ReadOnlySpan<byte> box) =>
        _descriptor is CommandDescriptor<TResult> typed ? typed.ReadResponse(box) : null;

    private async Task FollowAsync(LayerChangeRequest request)
    {
        try
        {
            await request.Completion.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (!request.WasSent)
            {
                Connection.ForgetCall(Tag);
            }

            if (e is OperationCanceledException canceled)
            {
                TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                TrySetException(e);
            }

            ReleaseCancellation();
            return;
        }

        TResult result = Result(_response);
        if (!TrySetResult(result))
        {
            Unclaimed(result);
        }

        ReleaseCancellation();
    }
}
