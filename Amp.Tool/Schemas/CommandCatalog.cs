namespace Amp.Tool.Schemas;

/// <summary>The commands of a definition file (<c>--commands</c>): a JSON description, or a .NET assembly with <c>[AmpCommand]</c> classes.</summary>
internal sealed class CommandCatalog(IReadOnlyDictionary<string, CommandSchema> commands, string source)
{
    public string Source => source;

    public IReadOnlyCollection<string> Names => (IReadOnlyCollection<string>)commands.Keys;

    /// <summary>Loads <paramref name="path"/>: an assembly when it ends in <c>.dll</c>, else JSON.</summary>
    /// <exception cref="ToolException">The file cannot be read or declares something <c>amp</c> cannot send.</exception>
    public static CommandCatalog Load(string path)
    {
        if (!File.Exists(path))
        {
            throw ToolException.Usage($"--commands: no such file: {path}");
        }

        IReadOnlyDictionary<string, CommandSchema> commands = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? AssemblyCommands.Load(path)
            : JsonCommands.Load(path);
        return new CommandCatalog(commands, path);
    }

    /// <summary>The command named <paramref name="name"/>.</summary>
    /// <exception cref="ToolException">The file declares no such command.</exception>
    public CommandSchema Get(string name) =>
        commands.TryGetValue(name, out CommandSchema? schema)
            ? schema
            : throw ToolException.Usage($"{source} declares no command '{name}' (it declares {string.Join(", ", commands.Keys.Order(StringComparer.Ordinal))})");
}
