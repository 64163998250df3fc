using System.Text;
using Amp.Boxes;
using Amp.Layers;
using Amp.Tls;
using Amp.Tool.Values;

namespace Amp.Tool.Listening;

/// <summary>
/// One connection of <c>amp listen</c>: prints each box as it came (keys in wire order), answers
/// commands that ask for an answer by echo or by the script, answers StartTLS and StopTLS itself, and
/// answers Amp.NET's extension hellos (<c>_amp.*</c>) <c>UNHANDLED</c> as Twisted does, unless the script names them.
/// </summary>
internal sealed class ListenReceiver(int number, string peer, ListenLog log, ListenScript? script, TlsLayerOptions? tls) : IBoxReceiver
{
    private readonly Lock _lock = new();
    private BinaryBoxProtocol? _protocol;
    private bool _waiting;

    /// <summary>Gives the receiver its protocol (boxes that arrive before are held, then offered again).</summary>
    public void Attach(BinaryBoxProtocol protocol)
    {
        bool resume;
        lock (_lock)
        {
            _protocol = protocol;
            resume = _waiting;
        }

        if (resume)
        {
            protocol.ResumeReading();
        }
    }

    public bool TryReceiveBox(in AmpBoxView box)
    {
        BinaryBoxProtocol? protocol;
        lock (_lock)
        {
            protocol = _protocol;
            _waiting = protocol is null;
        }

        if (protocol is null)
        {
            return false;
        }

        AmpBox received = box.ToAmpBox();
        log.Event(number, peer, "received", InWireOrder(box));
        if (!received.ContainsKey("_command") || received.ContainsKey("_answer") || received.ContainsKey("_error"))
        {
            log.Event(number, peer, "not a command (amp listen calls nothing, so nothing answers it)");
            return true;
        }

        string command = Encoding.UTF8.GetString(received["_command"].Span);
        bool asks = received.TryGetValue("_ask", out ReadOnlyMemory<byte> tag);
        switch (command)
        {
            case "StartTLS" when asks && (script is null || !script.Names(command)):
                StartTls(protocol, tag);
                return true;
            case "StopTLS" when asks && (script is null || !script.Names(command)):
                StopTls(protocol, tag);
                return true;
        }

        ListenReply reply = command.StartsWith("_amp.", StringComparison.Ordinal) && (script is null || !script.Names(command))
            ? ListenReply.Unhandled
            : script?.Decide(command) ?? ListenReply.Echo;
        if (reply.Kind == ListenReplyKind.Close)
        {
            log.Event(number, peer, "closing the connection (script)");
            _ = protocol.CloseAsync().AsTask();
            return true;
        }

        if (!asks)
        {
            log.Event(number, peer, "not answered (no _ask: the command asks for no answer)");
            return true;
        }

        (AmpBox answer, string how) = Build(reply, received, command, tag);
        Send(protocol, answer, how);
        return true;
    }

    public void ConnectionEnded(AmpConnectionLostException reason)
    {
        string cause = reason.InnerException is { } inner ? $"{reason.Reason}: {inner.Message}" : reason.Reason.ToString();
        log.Event(number, peer, "disconnected", detail: cause);
    }

    private (AmpBox Answer, string How) Build(ListenReply reply, AmpBox received, string command, ReadOnlyMemory<byte> tag)
    {
        var answer = new AmpBox();
        string how;
        switch (reply.Kind)
        {
            case ListenReplyKind.Echo:
                foreach (string key in received.Keys.Where(k => k is not "_ask" and not "_command"))
                {
                    answer[key] = received[key];
                }

                how = "echo";
                break;
            case ListenReplyKind.Answer:
                foreach (string key in reply.Answer!.Keys)
                {
                    answer[key] = reply.Answer[key];
                }

                how = "script";
                break;
            case ListenReplyKind.Error:
                answer.SetString("_error_code", reply.Code!).SetString("_error_description", reply.Description!);
                how = "script";
                break;
            default:
                answer.SetString("_error_code", "UNHANDLED").SetString("_error_description", $"Unhandled Command: b'{command}'");
                how = "unhandled";
                break;
        }

        answer[answer.ContainsKey("_error_code") ? "_error" : "_answer"] = tag;
        return (answer, how);
    }

    private void Send(BinaryBoxProtocol protocol, AmpBox answer, string how)
    {
        try
        {
            protocol.SendBox(BoxWriter.Serialize(answer));
            log.Event(number, peer, "answered", TypedBox.Decode(answer, null), how);
        }
        catch (Exception e) when (e is AmpException or ArgumentException)
        {
            log.Event(number, peer, "could not answer", detail: e.Message);
        }
    }

    private void StartTls(BinaryBoxProtocol protocol, ReadOnlyMemory<byte> tag)
    {
        if (tls is null)
        {
            Send(protocol, Error(tag, "TLS_ERROR", "TLS not available"), "no --tls");
            return;
        }

        AmpBox answer = new AmpBox { ["_answer"] = tag };
        LayerChange push = LayerChange.Push("tls", async (context, cancellationToken) =>
        {
            TlsLayer layer = await TlsLayer.StartAsync(context.Below, tls, TlsRole.Server, cancellationToken).ConfigureAwait(false);
            TlsConnectionInfo info = layer.Info;
            log.Event(number, peer, "TLS is up", detail: $"{info.Protocol} {info.CipherSuite}, client certificate {info.PeerCertificate?.Subject ?? "none"}");
            return layer;
        });
        if (protocol.TryAcceptPeerChange(BoxWriter.Serialize(answer), push))
        {
            log.Event(number, peer, "answered", TypedBox.Decode(answer, null), "StartTLS: the TLS handshake follows");
        }
    }

    private void StopTls(BinaryBoxProtocol protocol, ReadOnlyMemory<byte> tag)
    {
        if (protocol.GetLayers() is not [.., TlsLayer])
        {
            Send(protocol, Error(tag, "TLS_ERROR", "No TLS layer to stop."), "StopTLS without TLS");
            return;
        }

        AmpBox answer = new AmpBox { ["_answer"] = tag };
        if (protocol.TryAcceptPeerChange(BoxWriter.Serialize(answer), LayerChange.Pop<TlsLayer>()))
        {
            log.Event(number, peer, "answered", TypedBox.Decode(answer, null), "StopTLS: back to the layer below");
        }
    }

    private static AmpBox Error(ReadOnlyMemory<byte> tag, string code, string description)
    {
        AmpBox error = new AmpBox().SetString("_error_code", code).SetString("_error_description", description);
        error["_error"] = tag;
        return error;
    }

    private static DecodedBox InWireOrder(in AmpBoxView box)
    {
        var fields = new List<KeyValuePair<string, object>>(box.Count);
        foreach (AmpBoxEntry entry in box)
        {
            fields.Add(new(Encoding.Latin1.GetString(entry.Key), entry.Value.ToArray()));
        }

        return new DecodedBox(fields);
    }
}
