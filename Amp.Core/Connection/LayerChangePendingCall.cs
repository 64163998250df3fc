using Amp.Commands.Descriptors;
using Amp.Layers;

namespace Amp.Connection;

/// <summary>
/// Our call of a command that changes the layer stack (StartTLS). Its answer is a barrier: the read
/// loop stops after it, the new layer is pushed over the released reader, then the parked writer
/// resumes on the new top and the call completes.
/// </summary>
internal sealed class LayerChangePendingCall<TResponse> : TaskCompletionSource<TResponse>, IPendingCall
    where TResponse : class
{
    private readonly CommandDescriptor<TResponse> _descriptor;
    private readonly AmpConnection _connection;
    private readonly WriterPark _park;
    private readonly StackChange _change;
    private readonly AmpDisconnectReason _failureReason;

    public LayerChangePendingCall(CommandDescriptor<TResponse> descriptor, AmpConnection connection, WriterPark park, StackChange change, AmpDisconnectReason failureReason)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _descriptor = descriptor;
        _connection = connection;
        _park = park;
        _change = change;
        _failureReason = failureReason;
    }

    public CancellationTokenRegistration Cancellation { get; set; }

    public ulong Tag { get; set; }

    public void SetAnswer(ReadOnlySpan<byte> box)
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
            Fail(e);
            _connection.End(_failureReason, $"The answer to {_descriptor.Name} was malformed: {e.Message}", e);
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
                Fail(e);
                _connection.End(_failureReason, $"{_descriptor.Name} failed: {e.Message}", e);
                return false;
            }

            TrySetResult(response);
            return true;
        }, Fail);
    }

    public void SetError(string code, string description)
    {
        Cancellation.Dispose();
        _refusal = _descriptor.MapRemoteError(code, description);
        _park.Refuse(_refusal);
        _ = _park.Applied.ContinueWith(
            static (_, state) => ((LayerChangePendingCall<TResponse>)state!).TrySetException(((LayerChangePendingCall<TResponse>)state!)._refusal!),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Exception? _refusal;

    public void Fail(Exception exception)
    {
        Cancellation.Dispose();
        TrySetException(exception);
        _park.Fail(exception);
    }
}
