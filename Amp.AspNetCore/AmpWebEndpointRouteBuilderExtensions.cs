using System.Diagnostics.CodeAnalysis;
using Amp.AspNetCore.Upgrade;
using Amp.Negotiation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.AspNetCore;

/// <summary>Maps AMP's upgrade endpoint among the application's HTTP endpoints.</summary>
public static class AmpWebEndpointRouteBuilderExtensions
{
    /// <summary>The route of the negotiation's requests: <c>/amp/{target}</c> (<see cref="NegotiationProtocol.PathPrefix"/>).</summary>
    public const string DefaultPattern = NegotiationProtocol.PathPrefix + "{target}";

    /// <summary>
    /// Answers the connection negotiation's HTTP/1.1 upgrade request (spec/amp-wire.md §16) at <paramref name="pattern"/>, for
    /// every HTTP method: for a target of <see cref="AmpWebOptions"/> it answers <c>101 Switching Protocols</c>, runs the
    /// negotiation on the upgraded stream (TLS with the target's certificate, the Hello blocks, the decision) and serves AMP
    /// until the connection ends. Other requests get the answers of the standalone <see cref="AmpNegotiationServer"/>:
    /// <c>426 Upgrade Required</c> with a short text to an ordinary HTTP client, <c>404</c> for an unknown target, <c>303</c>
    /// for a redirected one, <c>400</c> for a malformed upgrade; an HTTP/2 or HTTP/3 request, which cannot upgrade, gets
    /// <c>505 HTTP Version Not Supported</c> saying so. The application's other endpoints are untouched.
    /// </summary>
    /// <param name="endpoints">The application (or any endpoint route builder).</param>
    /// <param name="pattern">The route; it must have a <c>{target}</c> parameter. Clients ask for <c>/amp/&lt;target&gt;</c>, so another pattern suits a proxy that rewrites the path.</param>
    /// <returns>The endpoint's convention builder (to add metadata, host filters, ...).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> has no <c>{target}</c> parameter.</exception>
    /// <exception cref="InvalidOperationException"><see cref="AmpWebServiceCollectionExtensions.AddAmpWeb"/> was not called.</exception>
    public static IEndpointConventionBuilder MapAmp(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        RoutePattern route = RoutePatternFactory.Parse(pattern);
        if (route.GetParameter(UpgradeEndpoint.TargetParameter) is null)
        {
            throw new ArgumentException($"The AMP route '{pattern}' has no {{{UpgradeEndpoint.TargetParameter}}} parameter (as {DefaultPattern}).", nameof(pattern));
        }

        WebTargets targets = endpoints.ServiceProvider.GetService<WebTargets>()
            ?? throw new InvalidOperationException("MapAmp serves the targets of AddAmpWeb: call builder.Services.AddAmpWeb(...) first.");
        return endpoints.Map(route, new UpgradeEndpoint(targets).HandleAsync).WithDisplayName($"AMP upgrade {pattern}");
    }
}
