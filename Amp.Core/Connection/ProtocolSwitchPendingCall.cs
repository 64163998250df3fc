using Amp.Commands;
using Amp.Commands.Descriptors;
using Amp.Switching;

namespace Amp.Connection;

/// <summary>Our protocol-switch call: its success answer is the last AMP box this side reads.</summary>
internal sealed class ProtocolSwitchPendingCall : PendingCallBase<AmpSwitchedConnection>
{
    private readonly CommandDescriptor<AmpEmptyResponse> _descriptor;
    private readonly AmpConnection _connection;
    private readonly WriterPark _park;

    public ProtocolSwitchPendingCall(CommandDescriptor<AmpEmptyResponse> descriptor, AmpConnection connection, WriterPark park)
    {
        _descriptor = descriptor;
        _connection = connection;
        _park = park;
    }

    public override void SetAnswer(ReadOnlySpan<byte> box)
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

    public override void SetError(string code, string description)
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

    public override void Fail(Exception exception)
    {
        TrySetException(exception);
        _park.Fail(exception);
    }
}
