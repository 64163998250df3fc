using Amp.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.AspNetCore;

/// <summary>Registers AMP on the web port with an ASP.NET Core application's services.</summary>
public static class AmpWebServiceCollectionExtensions
{
    /// <summary>
    /// Adds the targets <see cref="AmpWebEndpointRouteBuilderExtensions.MapAmp"/> serves, and the AMP server of Amp.Hosting
    /// (<see cref="AmpHostingServiceCollectionExtensions.AddAmpServer(IServiceCollection, Action{AmpServerOptions}?)"/>) whose
    /// responders they answer with: each target is an entry point of that server, so its connections get a service scope
    /// each, are listed in <see cref="IAmpConnections"/>, and close gracefully as the host begins to stop, before Kestrel
    /// stops. The server may have TCP listeners as well (configuration section <c>"Amp"</c>), or none.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adds the targets and redirects; runs at once. Calling <c>AddAmpWeb</c> again adds more.</param>
    /// <returns>The AMP server's builder, to add responders with.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configure"/> added a target that is not valid (see <see cref="AmpWebOptions"/>).</exception>
    public static AmpServerBuilder AddAmpWeb(this IServiceCollection services, Action<AmpWebOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        // The AMP server first, so that its hosted service starts before the targets' (which use its entry points).
        AmpServerBuilder server = services.AddAmpServer();
        AmpWebOptions? options = services.FirstOrDefault(d => d.ServiceType == typeof(AmpWebOptions))?.ImplementationInstance as AmpWebOptions;
        if (options is null)
        {
            options = new AmpWebOptions(server);
            services.AddSingleton(options);
            services.AddSingleton<WebTargets>();
            services.AddHostedService(provider => provider.GetRequiredService<WebTargets>());
        }

        configure(options);
        return server;
    }
}
