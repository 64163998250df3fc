using Amp.Commands.Descriptors;
using Amp.Layers;

namespace Amp.Connection;

/// <summary>
/// Our call of a command that changes the layer stack (StartTLS). Its answer is a barrier: the read
/// loop stops after it, the new layer is pushed over the released reader, then the parked writer
/// resumes on the new top and the call completes.
/// </summary>
internal sealed class LayerChangePendingCall<TResponse> : PendingCallBase<TResponse>
    where TResponse : class
{
    private readonly CommandDescriptor<TResponse> _descriptor;
    private readonly AmpConnection _connection;
    private readonly WriterPark _park;
    private readonly StackChange _change;
    private readonly AmpDisconnectReason _failureReason;

    public LayerChangePendingCall(CommandDescriptor<TResponse> descriptor, AmpConnection connection, WriterPark park, StackChange change, AmpDisconnectReason failureReason)
    {
        _descriptor = descriptor;
        _connection = connection;
        _park = park;
        _change = change;
        _failureReason = failureReason;
    }

    public override void SetAnswer(ReadOnlySpan<byte> box)
    {
        Cancellation.Dispose();
        TResponse response;
        try
        {
            response = _descriptor.ReadResponse(box);
        }
        catch (AmpArgumentException e)
        {
            // The peer has changed its layers already; we cannot follow without a valid answer.
            FailAndEnd(e, $"The answer to {_descriptor.Name} was malformed: {e.Message}");
            return;
        }

        _connection.RequestBarrier(async () =>
        {
            try
            {
                await _connection.ChangeLayersAsync(_change, _park).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                FailAndEnd(e, $"{_descriptor.Name} failed: {e.Message}");
                return false;
            }

            TrySetResult(response);
            return true;
        }, Fail);
    }

    public override void SetError(string code, string description)
    {
        Cancellation.Dispose();
        _refusal = _descriptor.MapRemoteError(code, description);
        _park.Refuse(_refusal);
        _ = _park.Applied.ContinueWith(
            static (_, state) => ((LayerChangePendingCall<TResponse>)state!).TrySetException(((LayerChangePendingCall<TResponse>)state!)._refusal!),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Exception? _refusal;

    public override void Fail(Exception exception)
    {
        Cancellation.Dispose();
        TrySetException(exception);
        _park.Fail(exception);
    }

    /// <summary>
    /// Fails the call and ends the connection with this call's cause. The connection ends before the
    /// writer is released: a released writer fails on its own thread, and its failure must not be
    /// the one the connection reports.
    /// </summary>
    private void FailAndEnd(Exception exception, string message)
    {
        Cancellation.Dispose();
        TrySetException(exception);
        _connection.End(_failureReason, message, exception);
        _park.Fail(exception);
    }
}
