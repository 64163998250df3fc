using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Amp.Hosting;

/// <summary>
/// Adds what the AMP server answers: responder types resolved from each connection's service scope, and any
/// other responder. Returned by <see cref="AmpHostingServiceCollectionExtensions.AddAmpServer(IServiceCollection, Action{AmpServerOptions}?)"/>;
/// every listener answers all of them.
/// </summary>
public sealed class AmpServerBuilder
{
    private readonly ResponderSetups _setups;
    private readonly EntryPointDeclarations _entryPoints;

    internal AmpServerBuilder(IServiceCollection services, ResponderSetups setups, EntryPointDeclarations entryPoints)
    {
        Services = services;
        _setups = setups;
        _entryPoints = entryPoints;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Answers the commands of the methods of <typeparamref name="T"/> marked <see cref="AmpResponderAttribute"/>
    /// with an instance resolved from the connection's service scope, so its constructor may take any service,
    /// <see cref="AmpConnectionContext"/> and the other scoped services of the connection included. Registers
    /// <typeparamref name="T"/> as a scoped service unless it is registered already: by default one instance
    /// answers all the calls of one connection.
    /// </summary>
    /// <typeparam name="T">The responder type.</typeparam>
    /// <returns>This builder.</returns>
    /// <remarks>The methods are checked when the host starts: an invalid one fails the start with <see cref="AmpDefinitionException"/>.</remarks>
    public AmpServerBuilder AddResponder<T>()
        where T : class
    {
        Services.TryAddScoped<T>();
        _setups.Add((responders, _, scopeOf) => responders.AddObject(connection => scopeOf(connection).GetRequiredService<T>()));
        return this;
    }

    /// <summary>
    /// Adds responders of any other form (lambdas, <see cref="AmpResponders.AddRaw"/>, StartCompression, ...) to the
    /// table of each listener, once per listener as the host starts.
    /// </summary>
    /// <param name="configure">Takes the application's root services and the table to add to.</param>
    /// <returns>This builder.</returns>
    public AmpServerBuilder ConfigureResponders(Action<IServiceProvider, AmpResponders> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _setups.Add((responders, services, _) => configure(services, responders));
        return this;
    }

    /// <summary>
    /// Declares an entry point: a way into the server for connections another component accepts (Amp.AspNetCore's web
    /// targets, a transport of your own). When the host starts, the server creates it with its responder table (all of
    /// this builder's responders) and the given settings, and lists it in <see cref="IAmpServer.EntryPoints"/>; its
    /// connections, handed over with <see cref="AmpEntryPoint.Adopt"/>, get a service scope each, are listed in
    /// <see cref="IAmpConnections"/> and close gracefully when the host stops. A server with an entry point needs no listener.
    /// </summary>
    /// <param name="name">A name unique among the entry points and the listeners (ignoring case): the <see cref="AmpConnectionContext.ListenerName"/> of its connections.</param>
    /// <param name="connection">The limits and settings of its connections; <see langword="null"/> keeps Amp.NET's defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or declared already, or a setting is out of range.</exception>
    public AmpServerBuilder AddEntryPoint(string name, AmpListenerConnectionOptions? connection = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (connection is not null)
        {
            foreach ((string setting, Action apply) in ConnectionOptionsFactory.Checks(connection))
            {
                try
                {
                    apply();
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new ArgumentException($"Entry point '{name}': Connection:{setting}: {e.Message}", nameof(connection), e);
                }
            }
        }

        _entryPoints.Add(name, connection);
        return this;
    }
}
