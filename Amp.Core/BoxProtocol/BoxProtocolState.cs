namespace Amp;

/// <summary>Where a <see cref="BinaryBoxProtocol"/>'s outgoing side stands; see spec/amp-wire.md §13.</summary>
public enum BoxProtocolState
{
    /// <summary>No layer change is queued or in flight: boxes go straight out.</summary>
    Open = 1,

    /// <summary>A push or pop is queued or in flight: boxes queued after it are held for the layer it makes.</summary>
    Holding,

    /// <summary>A hand-over (protocol switch) is queued or in flight: new calls are refused, answers are held.</summary>
    RefusingForSwitch,

    /// <summary>The connection was handed to another protocol.</summary>
    HandedOver,

    /// <summary>The protocol has ended.</summary>
    Closed,
}
