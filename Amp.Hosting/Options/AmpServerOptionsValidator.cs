using Microsoft.Extensions.Options;

namespace Amp.Hosting;

/// <summary>
/// Checks <see cref="AmpServerOptions"/> as the host starts, so a bad setting fails the start with a message
/// that names it by its configuration path (<c>Amp:Listeners:0:Endpoint</c>) and its listener, instead of
/// failing later, or for one connection only. TLS certificates are loaded to check them.
/// </summary>
internal sealed class AmpServerOptionsValidator(string section, EntryPointDeclarations entryPoints) : IValidateOptions<AmpServerOptions>
{
    public ValidateOptionsResult Validate(string? name, AmpServerOptions options)
    {
        var failures = new List<string>();
        (string Name, AmpListenerConnectionOptions? Connection)[] declared = entryPoints.Snapshot();
        if (options.Listeners.Count == 0 && declared.Length == 0)
        {
            failures.Add($"{section}:Listeners: no listener is configured; add one with a Name and an Endpoint (such as tcp://0.0.0.0:7000) in the configuration or in code, or declare an entry point (AmpServerBuilder.AddEntryPoint; each target of Amp.AspNetCore's AddAmpWeb is one).");
        }

        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var entryPointNames = new HashSet<string>(declared.Select(d => d.Name), StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < options.Listeners.Count; i++)
        {
            string setting = $"{section}:Listeners:{i}";
            AmpListenerOptions listener = options.Listeners[i];
            if (listener is null)
            {
                failures.Add($"{setting}: the listener is null.");
                continue;
            }

            string of = string.IsNullOrWhiteSpace(listener.Name) ? "" : $" (listener '{listener.Name}')";
            if (string.IsNullOrWhiteSpace(listener.Name))
            {
                failures.Add($"{setting}:Name: required: a name unique among the listeners.");
            }
            else if (!names.TryAdd(listener.Name, i))
            {
                failures.Add($"{setting}:Name: '{listener.Name}' is already the name of {section}:Listeners:{names[listener.Name]}; names must be unique.");
            }
            else if (entryPointNames.Contains(listener.Name))
            {
                failures.Add($"{setting}:Name: '{listener.Name}' is already the name of an entry point (AmpServerBuilder.AddEntryPoint); names must be unique.");
            }

            if (!ListenerEndpoint.TryParse(listener.Endpoint, out _, out string? problem))
            {
                failures.Add($"{setting}:Endpoint: {problem}{of}.");
            }

            if (listener.MaxConnections is < 1)
            {
                failures.Add($"{setting}:MaxConnections: must be at least 1, not {listener.MaxConnections}{of}.");
            }

            if (listener.Tls is { } tls)
            {
                CheckTls(tls, setting + ":Tls", of, failures);
            }

            if (listener.Connection is { } connection)
            {
                foreach ((string property, Action apply) in ConnectionOptionsFactory.Checks(connection))
                {
                    try
                    {
                        apply();
                    }
                    catch (ArgumentOutOfRangeException e)
                    {
                        failures.Add($"{setting}:Connection:{property}: {Describe(e)}{of}.");
                    }
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTls(AmpListenerTlsOptions tls, string setting, string of, List<string> failures)
    {
        try
        {
            ListenerTls.Load(tls, setting).Dispose();
        }
        catch (InvalidOperationException e)
        {
            failures.Add(e.Message.TrimEnd('.') + of + ".");
        }
    }

    /// <summary>The range an Amp.Core setter allows, without its parameter name (always <c>value</c> there).</summary>
    private static string Describe(ArgumentOutOfRangeException e)
    {
        string message = e.Message;
        int parameter = message.IndexOf(" (Parameter ", StringComparison.Ordinal);
        message = parameter >= 0 ? message[..parameter] : message;
        return message.Replace("value (", "the value (", StringComparison.Ordinal).TrimEnd('.');
    }
}
