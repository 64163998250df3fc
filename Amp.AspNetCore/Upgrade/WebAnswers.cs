using System.Text;
using Amp.Negotiation;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Amp.AspNetCore.Upgrade;

/// <summary>
/// The answers other than 101 (spec/amp-wire.md §16.3), as the standalone listener gives them: a short
/// <c>text/plain</c> body saying what is wrong, <c>Connection: close</c> on HTTP/1.1 (426 also names the protocol:
/// <c>Upgrade: amp/1</c>, <c>Connection: Upgrade, close</c>), and nothing connection-specific on HTTP/2 or HTTP/3.
/// </summary>
internal static class WebAnswers
{
    public const string NotAnAmpClient =
        "This path serves AMP (the Asynchronous Messaging Protocol), not plain HTTP.\n"
        + "An AMP client asks for 'GET /amp/<target> HTTP/1.1' with 'Connection: Upgrade' and 'Upgrade: amp/1',\n"
        + "then speaks TLS (Amp.NET's connection negotiation, spec/amp-wire.md section 16).\n";

    public const string NotHttp11 =
        "This path serves AMP (the Asynchronous Messaging Protocol), which starts with an HTTP/1.1 upgrade request\n"
        + "('Connection: Upgrade', 'Upgrade: amp/1'). HTTP/2 and HTTP/3 have no such upgrade: connect with HTTP/1.1.\n";

    public const string NoTargetAtThisPath = "No AMP target at this path: AMP targets are at /amp/<target>.\n";

    public static string UnknownTarget(string target) => $"No AMP target here is named {target}.\n";

    public static string BadUpgrade(string problem) => $"Bad AMP upgrade request: {problem}.\n";

    /// <summary>An error answer with its text.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string text)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        byte[] body = Encoding.UTF8.GetBytes(text);
        response.ContentLength = body.Length;
        if (IsHttp11(context))
        {
            if (status == StatusCodes.Status426UpgradeRequired)
            {
                response.Headers.Upgrade = NegotiationProtocol.UpgradeToken;
                response.Headers.Connection = "Upgrade, close";
            }
            else
            {
                response.Headers.Connection = "close";
            }
        }

        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>303 See Other to <paramref name="location"/>, with no body.</summary>
    public static Task SeeOtherAsync(HttpContext context, NegotiationAddress location)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = location.ToString();
        response.ContentLength = 0;
        response.Headers[HeaderNames.Connection] = "close";
        return Task.CompletedTask;
    }

    private static bool IsHttp11(HttpContext context) => HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol);
}
