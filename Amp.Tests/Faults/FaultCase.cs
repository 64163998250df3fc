namespace Amp.Tests.Faults;

/// <summary>The layer changes the fault tests cut.</summary>
public enum FaultedChange
{
    /// <summary>StartTLS on a plaintext connection: the boxes, then the handshake, then boxes in TLS.</summary>
    StartTls,

    /// <summary>StopTLS: the box and its answer in TLS, the close_notify records, then plaintext.</summary>
    StopTls,

    /// <summary>A second StartTLS while TLS is up: a handshake inside the first layer's records.</summary>
    TlsInTls,

    /// <summary>A protocol switch (<c>SwitchProtocolAsync</c>, an <see cref="IAmpProtocolSwitchCommand"/>) to the raw echo.</summary>
    Switch,

    /// <summary>A hand-over: a command whose responder calls <c>HandOverAsync</c>, then the caller does, then raw bytes.</summary>
    HandOver,

    /// <summary>StartCompression: the boxes, then compressed frames.</summary>
    StartCompression,

    /// <summary>StopCompression: the box and its answer compressed, the end frames, then plaintext.</summary>
    StopCompression,
}

/// <summary>
/// One sweep: a layer change, the side that asks for it, the direction that is cut (from the side that asks
/// to its peer, or back) and how the connection is cut.
/// </summary>
internal sealed record FaultCase(FaultedChange Change, bool InitiatorAsks, bool CutTowardsCaller, Fault Fault)
{
    /// <summary>The TLS engine of both sides' layers (TLS changes only).</summary>
    public Amp.Tls.TlsEngine Engine { get; init; }

    /// <summary>The direction on the wire that is cut.</summary>
    public Direction Direction => InitiatorAsks ^ CutTowardsCaller ? Direction.ToAcceptor : Direction.ToInitiator;

    /// <summary>Whether the change is a TLS handshake or pop, whose streams are thousands of bytes.</summary>
    public bool IsTls => Change is FaultedChange.StartTls or FaultedChange.StopTls or FaultedChange.TlsInTls;

    public override string ToString() =>
        $"{Change}{(IsTls ? $" ({Engine})" : "")} asked by the {(InitiatorAsks ? "initiator" : "acceptor")}, cut {(CutTowardsCaller ? "peer->caller" : "caller->peer")} ({Direction}), {Fault}";
}
