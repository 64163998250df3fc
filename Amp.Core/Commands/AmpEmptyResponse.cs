namespace Amp;

/// <summary>The response of a command that answers with no fields.</summary>
public sealed class AmpEmptyResponse
{
    /// <summary>The one instance responders can return.</summary>
    public static AmpEmptyResponse Instance { get; } = new();
}
