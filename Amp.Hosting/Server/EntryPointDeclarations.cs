namespace Amp.Hosting;

/// <summary>The entry points <see cref="AmpServerBuilder.AddEntryPoint"/> declared, in order; one instance per service collection.</summary>
internal sealed class EntryPointDeclarations
{
    private readonly List<(string Name, AmpListenerConnectionOptions? Connection)> _declared = [];

    public int Count
    {
        get
        {
            lock (_declared)
            {
                return _declared.Count;
            }
        }
    }

    /// <exception cref="ArgumentException">An entry point of that name (ignoring case) is declared already.</exception>
    public void Add(string name, AmpListenerConnectionOptions? connection)
    {
        lock (_declared)
        {
            if (_declared.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"The AMP server has an entry point named '{name}' already; names must be unique.", nameof(name));
            }

            _declared.Add((name, connection));
        }
    }

    public (string Name, AmpListenerConnectionOptions? Connection)[] Snapshot()
    {
        lock (_declared)
        {
            return [.. _declared];
        }
    }
}
