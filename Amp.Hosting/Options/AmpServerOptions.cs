namespace Amp.Hosting;

/// <summary>
/// The AMP server of a host: its listeners. Bound from the configuration section given to
/// <see cref="AmpHostingServiceCollectionExtensions.AddAmpServer(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{AmpServerOptions}?)"/>
/// (<c>"Amp"</c> by default), then completed in code. Validated when the host starts.
/// </summary>
/// <example>
/// <code>
/// "Amp": { "Listeners": [ { "Name": "chat", "Endpoint": "tcp://0.0.0.0:7000", "MaxConnections": 1000 } ] }
/// </code>
/// </example>
public sealed class AmpServerOptions
{
    /// <summary>The listeners, each with a unique <see cref="AmpListenerOptions.Name"/>: those of the configuration first, then those added in code.</summary>
    public IList<AmpListenerOptions> Listeners { get; } = [];
}
