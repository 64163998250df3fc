// The YARP recipe of docs/aspnetcore.md, verbatim below the namespace line: YarpTests checks the page shows exactly this.
using Amp.Negotiation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// Makes YARP forward AMP's HTTP/1.1 upgrade (<c>Upgrade: amp/1</c>). YARP 2.3 tunnels an upgrade only when the
/// request's Upgrade header is <c>websocket</c> or starts with <c>SPDY/</c>; any other request is forwarded as an
/// ordinary one, without its Connection and Upgrade headers, and the AMP server answers it 426.
/// </summary>
public static class AmpUpgradeForwarding
{
    // Seen by YARP only: it classifies the request by this value, then the transform below puts amp/1 back.
    private const string TunnelToken = "SPDY/amp";
    private const string OriginalUpgrade = "amp.original-upgrade";

    /// <summary>In the proxy pipeline, before the forwarder: marks an AMP upgrade as one YARP tunnels.</summary>
    public static IReverseProxyApplicationBuilder UseAmpUpgradeForwarding(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use((context, next) =>
        {
            HttpRequest request = context.Request;
            if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
                && NegotiationProtocol.IsAmpUpgrade(request.Headers.Connection.ToString(), request.Headers.Upgrade.ToString()))
            {
                context.Items[OriginalUpgrade] = request.Headers.Upgrade.ToString();
                request.Headers.Upgrade = TunnelToken;
            }

            return next(context);
        });
        return proxy;
    }

    /// <summary>A request transform: the original Upgrade value goes back before YARP copies Connection and Upgrade to the destination.</summary>
    public static void AddTransforms(TransformBuilderContext transforms) => transforms.AddRequestTransform(transform =>
    {
        if (transform.HttpContext.Items[OriginalUpgrade] is string original)
        {
            transform.HttpContext.Request.Headers.Upgrade = original;
        }

        return ValueTask.CompletedTask;
    });
}
