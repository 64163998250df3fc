using Amp.AspNetCore.Logging;
using Amp.Negotiation;
using Amp.Transports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amp.AspNetCore.Upgrade;

/// <summary>
/// One AMP request on the web port, from the 101 answer to the end of its AMP connection: the upgrade, the negotiation's
/// encrypted phases on the upgraded stream (<see cref="AmpNegotiator.AcceptUpgradedAsync(System.IO.Stream, string, Amp.Tls.TlsLayerOptions, System.Threading.CancellationToken)"/>), then AMP, hosted by the
/// AMP server's entry point, for as long as the connection lasts (the HTTP request ends with it).
/// </summary>
internal sealed class UpgradedConnection(HttpContext context, IHttpUpgradeFeature upgrade, ServedTarget served, ILogger logger)
{
    private string HttpConnection => context.Connection.Id;

    private bool ServerStopping =>
        context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true;

    public static string Remote(HttpContext context) => $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    public async Task RunAsync()
    {
        NegotiationTarget target = served.Target;
        context.Response.Headers.Upgrade = NegotiationProtocol.UpgradeToken;
        Stream stream = await upgrade.UpgradeAsync().ConfigureAwait(false);

        // A request timeout (RequestTimeouts middleware) would cut a connection that lasts as long as it likes.
        context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        Log.AspNetCore.WebUpgradeAccepted(logger, HttpConnection, Remote(context), target.Id);

        var transport = new StreamTransport(stream, AmpTransportRole.Acceptor, new StreamTransportOptions { Description = $"http {HttpConnection} {Remote(context)}" });
        AmpNegotiationResult negotiated;
        try
        {
            negotiated = await target.Negotiator.AcceptUpgradedAsync(transport, target.Id, target.Tls, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AmpNegotiationException e)
        {
            // The node logged the failure (event 1708) and closed the stream.
            Log.AspNetCore.WebNegotiationFailed(logger, HttpConnection, Remote(context), target.Id, e.Failure, e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel aborted the request: the client went away (which can beat the negotiation's own reading of the
            // end, so it is a failed negotiation as well), or the server is stopping (nothing failed).
            if (!ServerStopping)
            {
                Log.AspNetCore.WebNegotiationFailed(logger, HttpConnection, Remote(context), target.Id, NegotiationFailure.PeerClosed,
                    "the client went away before the negotiation finished (Kestrel aborted the request)");
            }

            return;
        }

        AmpConnection connection = negotiated.Connection;
        try
        {
            served.EntryPoint.Adopt(connection);
        }
        catch (InvalidOperationException)
        {
            // No service scope (the host is being disposed): the connection is closed, and the request ends.
            return;
        }

        Log.AspNetCore.WebConnectionStarted(logger, HttpConnection, Remote(context), connection.Name, target.Id, negotiated.PeerId ?? "(none)", negotiated.Decision.Extensions);

        // Kestrel aborts the request when the client's TCP connection breaks, or when the server gives up waiting at its stop.
        AmpConnectionLostException end;
        using (context.RequestAborted.UnsafeRegister(static state => _ = ((AmpConnection)state!).CloseAsync(), connection))
        {
            end = await connection.Completion.ConfigureAwait(false);
        }

        Log.AspNetCore.WebConnectionEnded(logger, HttpConnection, connection.Name, end.Reason);
    }
}
