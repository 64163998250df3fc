using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Amp.Hosting;

/// <summary>Registers the AMP server with a host's services.</summary>
public static class AmpHostingServiceCollectionExtensions
{
    /// <summary>The configuration section the server's options are read from unless told otherwise.</summary>
    public const string DefaultConfigurationSection = "Amp";

    /// <summary>
    /// Adds the AMP server: a hosted service that, when the host starts, listens on every listener of
    /// <see cref="AmpServerOptions"/> (bound from the configuration section <c>"Amp"</c>, then
    /// <paramref name="configure"/>), and, when the host stops, stops accepting and closes every connection
    /// gracefully within the host's shutdown timeout. The options are validated as the host starts; a bad
    /// setting fails the start with <see cref="OptionsValidationException"/> naming it. Also registers
    /// <see cref="IAmpServer"/>, <see cref="IAmpConnections"/> and the scoped <see cref="AmpConnectionContext"/>.
    /// </summary>
    /// <param name="services">The host's services (they must include <c>IConfiguration</c>, as every host's do).</param>
    /// <param name="configure">Completes the options in code (adds listeners, for instance); runs after the configuration is bound.</param>
    /// <returns>A builder to add responders with.</returns>
    public static AmpServerBuilder AddAmpServer(this IServiceCollection services, Action<AmpServerOptions>? configure = null) =>
        services.AddAmpServer(DefaultConfigurationSection, configure);

    /// <summary>Adds the AMP server, with its options bound from the configuration section <paramref name="configurationSection"/>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configurationSection">The section's path, such as <c>"Services:Amp"</c>.</param>
    /// <param name="configure">Completes the options in code; runs after the configuration is bound.</param>
    /// <returns>A builder to add responders with.</returns>
    /// <exception cref="InvalidOperationException">The server was added already with another section.</exception>
    /// <remarks>Calling it again adds <paramref name="configure"/> and returns a builder of the same server.</remarks>
    public static AmpServerBuilder AddAmpServer(this IServiceCollection services, string configurationSection, Action<AmpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configurationSection);
        ResponderSetups? setups = services.FirstOrDefault(d => d.ServiceType == typeof(ResponderSetups))?.ImplementationInstance as ResponderSetups;
        EntryPointDeclarations? entryPoints = services.FirstOrDefault(d => d.ServiceType == typeof(EntryPointDeclarations))?.ImplementationInstance as EntryPointDeclarations;
        if (setups is null || entryPoints is null)
        {
            setups = new ResponderSetups(configurationSection);
            entryPoints = new EntryPointDeclarations();
            services.AddSingleton(setups);
            services.AddSingleton(entryPoints);
            services.AddOptions<AmpServerOptions>().BindConfiguration(configurationSection).ValidateOnStart();
            services.AddSingleton<IValidateOptions<AmpServerOptions>>(new AmpServerOptionsValidator(configurationSection, entryPoints));
            services.TryAddSingleton<ConnectionRegistry>();
            services.TryAddSingleton<IAmpConnections>(provider => provider.GetRequiredService<ConnectionRegistry>());
            services.TryAddSingleton<AmpServer>();
            services.TryAddSingleton<IAmpServer>(provider => provider.GetRequiredService<AmpServer>());
            services.AddHostedService(provider => provider.GetRequiredService<AmpServer>());
            services.TryAddScoped<ConnectionContextSlot>();
            services.TryAddScoped<AmpConnectionContext>(ConnectionContextSlot.Read);
        }
        else if (setups.ConfigurationSection != configurationSection)
        {
            throw new InvalidOperationException(
                $"The AMP server reads its options from the configuration section '{setups.ConfigurationSection}'; it cannot also read '{configurationSection}'.");
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new AmpServerBuilder(services, setups, entryPoints);
    }
}
