using Amp.Boxes;
using Amp.Connection;
using Amp.Descriptors;
using Amp.Layers;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>The number of layers pushed on the transport.</summary>
    public int LayerDepth => _protocol.LayerDepth;

    internal Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory => _protocol.LoggerFactory;

    /// <summary>The pushed layers, bottom first (a layer being popped is still listed until the peer has closed it).</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<AmpLayer> GetLayers() => _protocol.GetLayers();

    /// <summary>
    /// Calls a command whose answer changes the layer stack. Its box is queued behind every earlier box
    /// and change; from then on later boxes are held. The caller's task completes once the change is made
    /// on this side. Cancelling before the box is written withdraws the change; after, it only detaches the
    /// caller (the change still follows the peer's answer). Never timed out by <see cref="AmpConnectionOptions.CallTimeout"/>:
    /// abandoning a change half-way would leave the two sides on different layers.
    /// </summary>
    private Task<TResponse> CallChangingLayersAsync<TResponse>(CommandDescriptor<TResponse> descriptor, object command, LayerChange change, CancellationToken cancellationToken)
        where TResponse : class
    {
        var call = new LayerChangePendingCall<TResponse>(descriptor, this);
        StartChange(call, descriptor, command, change, cancellationToken);
        return call.Task;
    }

    private void StartChange<TResult>(LayerChangePendingCall<TResult> call, CommandDescriptor descriptor, object command, LayerChange change, CancellationToken cancellationToken)
        where TResult : class
    {
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer);
            _pending.Add(tag, call);
            try
            {
                var request = new LayerChangeRequest(_protocol, change, buffer.WrittenSpan);
                call.Follow(request, cancellationToken);
                _protocol.Submit(request, cancellationToken);
            }
            catch
            {
                _pending.TryRemove(tag, out _);
                throw;
            }
        }
        catch (AmpException e)
        {
            call.TrySetException(e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }
    }

    /// <summary>Forgets a change call whose box was never sent (withdrawn), so its tag does not linger.</summary>
    internal void ForgetCall(ulong tag) => _pending.TryRemove(tag, out _);
}
