using Amp.AspNetCore.Logging;
using Amp.Negotiation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Amp.AspNetCore.Upgrade;

/// <summary>
/// The request delegate of <see cref="AmpWebEndpointRouteBuilderExtensions.MapAmp"/>: recognizes the negotiation's
/// upgrade request exactly as the standalone listener does (spec/amp-wire.md §16.2), in the same order, then either
/// hands the request to <see cref="UpgradedConnection"/> or answers it.
/// </summary>
internal sealed class UpgradeEndpoint(WebTargets targets)
{
    /// <summary>The route parameter that holds the target id.</summary>
    public const string TargetParameter = "target";

    public Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))
        {
            return AnswerAsync(context, StatusCodes.Status505HttpVersionNotsupported, WebAnswers.NotHttp11, $"{request.Protocol} cannot upgrade to AMP");
        }

        if (!NegotiationProtocol.IsAmpUpgrade(request.Headers.Connection.ToString(), request.Headers.Upgrade.ToString()))
        {
            return AnswerAsync(context, StatusCodes.Status426UpgradeRequired, WebAnswers.NotAnAmpClient, "not an AMP upgrade request (an ordinary HTTP client)");
        }

        IHttpUpgradeFeature? upgrade = context.Features.Get<IHttpUpgradeFeature>();
        string? problem = !HttpMethods.IsGet(request.Method) ? $"the method is {request.Method}, not GET"
            : !HttpProtocol.IsHttp11(request.Protocol) ? $"the version is {request.Protocol}, not HTTP/1.1"
            : upgrade is not { IsUpgradableRequest: true } ? "this server cannot upgrade the request"
            : null;
        if (problem is not null)
        {
            return AnswerAsync(context, StatusCodes.Status400BadRequest, WebAnswers.BadUpgrade(problem), problem);
        }

        if (context.GetRouteValue(TargetParameter) is not string id || !NegotiationProtocol.IsValidId(id) || request.QueryString.HasValue)
        {
            return AnswerAsync(context, StatusCodes.Status404NotFound, WebAnswers.NoTargetAtThisPath, "the path does not name a target");
        }

        if (targets.Find(id) is { } target)
        {
            return new UpgradedConnection(context, upgrade!, target, targets.Logger).RunAsync();
        }

        if (targets.FindRedirect(id) is { } location)
        {
            Answered(context, StatusCodes.Status303SeeOther, $"target {id} is at {location}");
            return WebAnswers.SeeOtherAsync(context, location);
        }

        return AnswerAsync(context, StatusCodes.Status404NotFound, WebAnswers.UnknownTarget(id), $"no target {id}");
    }

    private Task AnswerAsync(HttpContext context, int status, string text, string detail)
    {
        Answered(context, status, detail);
        return WebAnswers.ErrorAsync(context, status, text);
    }

    private void Answered(HttpContext context, int status, string detail)
    {
        HttpRequest request = context.Request;
        Log.AspNetCore.WebRequestAnswered(targets.Logger, context.Connection.Id, UpgradedConnection.Remote(context), request.Method,
            request.Path.ToString(), request.Protocol, status, detail);
    }
}
