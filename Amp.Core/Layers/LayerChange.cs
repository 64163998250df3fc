namespace Amp.Layers;

/// <summary>
/// A change of a connection's layer stack, made at a box boundary on both sides: push a layer, pop
/// the top one, or hand the connection over to another protocol. TLS, compression and any user layer
/// are pushes through this one type; see <see cref="BinaryBoxProtocol"/> for how a change travels.
/// </summary>
public sealed class LayerChange
{
    private static readonly LayerChange s_handOver = new(LayerChangeKind.HandOver, null, null, heldBoxesNeedTheNewLayer: false, "hand-over");
    private readonly Func<LayerPushContext, CancellationToken, ValueTask<AmpLayer>>? _createLayer;
    private readonly Func<IReadOnlyList<AmpLayer>, string?>? _check;

    private LayerChange(LayerChangeKind kind, Func<LayerPushContext, CancellationToken, ValueTask<AmpLayer>>? createLayer, Func<IReadOnlyList<AmpLayer>, string?>? check, bool heldBoxesNeedTheNewLayer, string description)
    {
        Kind = kind;
        _createLayer = createLayer;
        _check = check;
        HeldBoxesNeedTheNewLayer = heldBoxesNeedTheNewLayer;
        Description = description;
    }

    /// <summary>Push, pop or hand-over.</summary>
    public LayerChangeKind Kind { get; }

    /// <summary>
    /// Whether boxes queued behind this change may travel only in the layer it makes. If the change does
    /// not happen (refused by the peer, cancelled before its box was sent, or overtaken by the peer's own
    /// change), such boxes are never written below: the calls among them fail and the answers among them
    /// become bare <c>UNKNOWN</c> errors. True for pushes unless stated otherwise (nothing meant for TLS
    /// goes out in plaintext); false for pops and hand-overs.
    /// </summary>
    public bool HeldBoxesNeedTheNewLayer { get; }

    /// <summary>A short description for logs and messages, such as <c>push tls</c>.</summary>
    public string Description { get; }

    /// <summary>A change that pushes the layer <paramref name="createLayer"/> builds.</summary>
    /// <param name="name">What is pushed, for messages (such as <c>tls</c>).</param>
    /// <param name="createLayer">
    /// Builds the layer over <see cref="LayerPushContext.Below"/> (running any handshake) once both sides
    /// are at the boundary. Throw an <see cref="AmpLayerException"/> to say how the connection reports the
    /// failure; any other exception ends it with <see cref="AmpDisconnectReason.TransportError"/>.
    /// </param>
    /// <param name="heldBoxesNeedTheNewLayer">See <see cref="HeldBoxesNeedTheNewLayer"/>.</param>
    /// <param name="check">
    /// For a change this side asks for: run when its turn comes, just before its box would be written,
    /// on the layers boxes are then written through (bottom first; earlier changes already made). Return
    /// why the push cannot be made (the call then fails with <see cref="InvalidOperationException"/>
    /// and nothing is sent), or <see langword="null"/>.
    /// </param>
    /// <returns>The change.</returns>
    public static LayerChange Push(string name, Func<LayerPushContext, CancellationToken, ValueTask<AmpLayer>> createLayer, bool heldBoxesNeedTheNewLayer = true, Func<IReadOnlyList<AmpLayer>, string?>? check = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(createLayer);
        return new LayerChange(LayerChangeKind.Push, createLayer, check, heldBoxesNeedTheNewLayer, "push " + name);
    }

    /// <summary>
    /// A change that pops the top layer, which must be a <typeparamref name="TLayer"/>: its writing side
    /// closes right after the announcing box (for TLS, close_notify), and its reading side is popped when
    /// its input ends, so the bytes that follow are read from the layer below with nothing lost.
    /// </summary>
    /// <typeparam name="TLayer">The kind of layer that must be on top.</typeparam>
    /// <returns>The change.</returns>
    public static LayerChange Pop<TLayer>()
        where TLayer : AmpLayer =>
        new(LayerChangeKind.Pop, null,
            static layers => layers is [.., TLayer] ? null : $"the top layer is {(layers is [.., var top] ? top.Name : "the transport")}, not {typeof(TLayer).Name}",
            heldBoxesNeedTheNewLayer: false, "pop " + typeof(TLayer).Name);

    /// <summary>A change that hands the connection to another protocol at the box boundary.</summary>
    /// <returns>The change.</returns>
    public static LayerChange HandOver() => s_handOver;

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>Why this change cannot be made over <paramref name="layers"/> (the layers written through, bottom first), or null if it can.</summary>
    internal string? Check(IReadOnlyList<AmpLayer> layers) => _check?.Invoke(layers);

    internal ValueTask<AmpLayer> CreateLayerAsync(LayerPushContext context, CancellationToken cancellationToken) =>
        _createLayer!(context, cancellationToken);
}
