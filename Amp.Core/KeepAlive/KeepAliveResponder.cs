using Amp.Boxes;
using Amp.Descriptors;

namespace Amp.KeepAlive;

/// <summary>
/// The built-in responder to the peer's ping, present when this side supports <see cref="AmpExtensions.KeepAlive"/>:
/// it answers at once, whatever the arguments, and tells the receive watch that the box was keepalive traffic
/// (life for the keepalive, not activity for the idle timeout).
/// </summary>
internal sealed class KeepAliveResponder : ResponderEntry
{
    private static readonly CommandDescriptor<KeepAlivePing, AmpEmptyResponse> s_descriptor = CommandDescriptor<KeepAlivePing, AmpEmptyResponse>.Instance;

    private KeepAliveResponder()
        : base(s_descriptor.Name, s_descriptor.NameBytes)
    {
    }

    public static KeepAliveResponder Instance { get; } = new();

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation)
    {
        calls.Connection.Protocol.ReceiveWatch?.KeepAliveBoxReceived(box.Length);
        if (header.HasAsk)
        {
            calls.SendAnswer(s_descriptor, AmpEmptyResponse.Instance, header.Ask);
        }

        return null;
    }
}
