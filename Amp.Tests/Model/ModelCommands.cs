using Amp.Layers;

namespace Amp.Tests.Model;

/// <summary>
/// Pushes a <see cref="MaskLayer"/> with <see cref="Key"/> (key 0 is refused by the responder). Odd keys
/// say the boxes held behind the change need the new layer (as StartTLS does), even keys that they do not
/// (as the StartXor of LayerChangeTests), so both ways of a change that does not happen are exercised.
/// </summary>
[AmpCommand("StartMask")]
public sealed class StartMask : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    [AmpArgument("key")] public int Key { get; init; }

    public static LayerChange Push(byte key) =>
        LayerChange.Push("mask", (context, _) => ValueTask.FromResult<AmpLayer>(new MaskLayer(context.Below, key)), heldBoxesNeedTheNewLayer: key % 2 == 1);

    public LayerChange CreateChange(AmpConnection connection) => Push((byte)Key);
}

/// <summary>Pops the top <see cref="MaskLayer"/>: refused locally (InvalidOperationException) or by the peer (MASK_ERROR) when another layer is on top.</summary>
[AmpCommand("StopMask")]
public sealed class StopMask : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    public LayerChange CreateChange(AmpConnection connection) => LayerChange.Pop<MaskLayer>();
}

internal static class ModelResponders
{
    public const string MaskErrorCode = "MASK_ERROR";

    /// <summary>Answers StartMask and StopMask (refusing what cannot be done, with an error answer).</summary>
    public static AmpResponders AddMask(this AmpResponders responders) => responders
        .AddLayerChange<StartMask, AmpEmptyResponse>((command, _) => command.Key is <= 0 or > 255
            ? throw new AmpRemoteException(MaskErrorCode, $"Key {command.Key} would mask nothing.")
            : new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, StartMask.Push((byte)command.Key)))
        .AddLayerChange<StopMask, AmpEmptyResponse>((_, connection) => connection.GetLayers() is [.., MaskLayer]
            ? new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, LayerChange.Pop<MaskLayer>())
            : throw new AmpRemoteException(MaskErrorCode, "No mask layer to stop."));
}
