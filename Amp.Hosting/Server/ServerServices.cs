using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Amp.Hosting;

/// <summary>What every hosted listener of one server uses.</summary>
internal sealed record ServerServices(
    IServiceProvider Services,
    IServiceScopeFactory Scopes,
    ConnectionRegistry Registry,
    ResponderSetups Setups,
    ILoggerFactory LoggerFactory,
    ILogger Logger);
