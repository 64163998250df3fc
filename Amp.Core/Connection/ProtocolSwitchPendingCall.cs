using Amp.Commands;
using Amp.Commands.Descriptors;
using Amp.Switching;

namespace Amp.Connection;

/// <summary>Our protocol-switch call: its success answer is the last AMP box this side reads.</summary>
internal sealed class ProtocolSwitchPendingCall : TaskCompletionSource<AmpSwitchedConnection>, IPendingCall
{
    private readonly CommandDescriptor<AmpEmptyResponse> _descriptor;
    private readonly AmpConnection _connection;
    private readonly WriterPark _park;

    public ProtocolSwitchPendingCall(CommandDescriptor<AmpEmptyResponse> descriptor, AmpConnection connection, WriterPark park)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _descriptor = descriptor;
        _connection = connection;
        _park = park;
    }

    public CancellationTokenRegistration Cancellation { get; set; }

    public ulong Tag { get; set; }

    public long Deadline { get; set; }

    public void SetAnswer(ReadOnlySpan<byte> box)
    {
        _connection.RequestBarrier(async () =>
        {
            try
            {
                TrySetResult(await _connection.CompleteHandOverAsync(_park).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                Fail(e);
            }

            return false;
        }, Fail);
    }

    public void SetError(string code, string description)
    {
        Exception error = _descriptor.MapRemoteError(code, description);
        _park.Refuse(error);
        _ = _park.Applied.ContinueWith(
            static (_, state) =>
            {
                var (call, failure) = ((ProtocolSwitchPendingCall, Exception))state!;
                call.TrySetException(failure);
            },
            (this, error), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Fail(Exception exception)
    {
        TrySetException(exception);
        _park.Fail(exception);
    }
}
