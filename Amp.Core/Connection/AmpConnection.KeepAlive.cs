using Amp.Boxes;
using Amp.BoxProtocol;
using Amp.Descriptors;
using Amp.KeepAlive;
using Microsoft.Extensions.Logging;

namespace Amp;

public sealed partial class AmpConnection
{
    private static readonly CommandDescriptor<KeepAlivePing, AmpEmptyResponse> s_pingDescriptor = CommandDescriptor<KeepAlivePing, AmpEmptyResponse>.Instance;

    private KeepAliveMonitor? _keepAlive;
    private bool _answersPings;

    /// <summary>Sets up the keepalive (called by the constructor, once the box layer exists).</summary>
    private void InitKeepAlive(AmpConnectionOptions options)
    {
        _answersPings = (options.Extensions & AmpExtensions.KeepAlive) != 0;
        if (KeepAliveMonitor.IsOn(options) && _protocol.ReceiveWatch is { } watch)
        {
            _keepAlive = new KeepAliveMonitor(this, watch, options.KeepAliveInterval, options.KeepAliveTimeout, options.LoggerFactory.CreateLogger("Amp.Connection"));
        }
    }

    /// <summary>The responder built into the connection for <paramref name="command"/> (the extensions' own commands), if any.</summary>
    internal ResponderEntry? BuiltInResponder(ReadOnlySpan<byte> command)
    {
        if (ExtensionResponder is { } hello && command.SequenceEqual(hello.NameBytes))
        {
            return hello;
        }

        return IsKeepAlivePing(command) ? KeepAliveResponder.Instance : null;
    }

    /// <summary>
    /// Whether <paramref name="command"/> is the peer's ping that this side answers: it is answered at once,
    /// never set aside behind busy responders (long-running calls must not make a live side look frozen).
    /// </summary>
    internal bool IsKeepAlivePing(ReadOnlySpan<byte> command) => _answersPings && command.SequenceEqual(KeepAlivePing.WireNameBytes);

    /// <summary>Queues our ping as an ordinary call.</summary>
    /// <exception cref="AmpException">The connection has ended, or a protocol switch is pending.</exception>
    internal void SendKeepAlivePing(KeepAlivePendingCall call)
    {
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            s_pingDescriptor.WriteCall(KeepAlivePing.Instance, AmpTag.FromNumber(tag), buffer);
            QueueCall(call, tag, buffer.WrittenSpan);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }
    }

    /// <summary>Whether calls are in flight either way, for the idle timeout: our own keepalive ping is not one.</summary>
    private bool HasWorkInFlight() =>
        (_keepAlive is { PingInFlight: true } ? _pending.Count > 1 : _pending.Any)
        || _incoming.Running > 0
        || _streams?.Count > 0;
}
