namespace Amp.Hosting;

/// <summary>The AMP server of the host (a singleton service): what it listens on, and its other ways in.</summary>
public interface IAmpServer
{
    /// <summary>
    /// The listeners, in the order of <see cref="AmpServerOptions.Listeners"/>, from the moment the host has
    /// started until it stops; empty otherwise. A port 0 in the configuration shows here as the port bound.
    /// </summary>
    IReadOnlyList<AmpListenerInfo> Listeners { get; }

    /// <summary>
    /// The entry points declared with <see cref="AmpServerBuilder.AddEntryPoint"/>, in that order, from the moment the
    /// host has started until it stops; empty otherwise.
    /// </summary>
    IReadOnlyList<AmpEntryPoint> EntryPoints { get; }
}
