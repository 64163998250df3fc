namespace Amp.Hosting;

/// <summary>
/// Fills a listener's responder table: takes the table, the root services, and the way to a connection's
/// scoped services.
/// </summary>
internal delegate void ResponderSetup(AmpResponders responders, IServiceProvider services, Func<AmpConnection, IServiceProvider> scopeOf);

/// <summary>What <see cref="AmpServerBuilder"/> registered, in order; one instance per service collection.</summary>
internal sealed class ResponderSetups
{
    private readonly List<ResponderSetup> _setups = [];

    public ResponderSetups(string configurationSection) => ConfigurationSection = configurationSection;

    /// <summary>The configuration section the options are bound from.</summary>
    public string ConfigurationSection { get; }

    public void Add(ResponderSetup setup)
    {
        lock (_setups)
        {
            _setups.Add(setup);
        }
    }

    public ResponderSetup[] Snapshot()
    {
        lock (_setups)
        {
            return [.. _setups];
        }
    }
}
