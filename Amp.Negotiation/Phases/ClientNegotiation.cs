using Amp.Negotiation.Logging;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation.Phases;

/// <summary>
/// The connecting side (spec/amp-wire.md §16.2-16.3, §16.8): dial, request, follow redirects (bounded, loops found),
/// then the encrypted phases; everything under one deadline.
/// </summary>
internal static class ClientNegotiation
{
    /// <param name="node">The negotiating node.</param>
    /// <param name="address">Where to go first.</param>
    /// <param name="tls">This side's TLS settings; <see cref="TlsLayerOptions.TargetHost"/> defaults to each address's host.</param>
    /// <param name="transport">A transport already open to <paramref name="address"/>, or <see langword="null"/> to dial it.</param>
    /// <param name="dial">Opens a transport to an address; <see langword="null"/> when redirects cannot be followed.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async Task<AmpNegotiationResult> RunAsync(AmpNegotiator node, NegotiationAddress address, TlsLayerOptions tls, AmpTransport? transport,
        Func<NegotiationAddress, CancellationToken, ValueTask<AmpTransport>>? dial, CancellationToken cancellationToken)
    {
        using var deadline = new NegotiationDeadline(node.Options.Timeout, cancellationToken);
        var visited = new HashSet<string>(StringComparer.Ordinal) { Key(address) };
        int redirects = 0;
        while (true)
        {
            try
            {
                transport ??= await DialAsync(dial!, address, deadline.Token).ConfigureAwait(false);
                Log.Negotiation.NegotiationStarted(node.Logger, transport.Description, "connecting");
                NegotiationAddress? next = await PlaintextClient.RunAsync(transport, address, node.Options.MaxHeaderBytes, deadline.Token).ConfigureAwait(false);
                if (next is null)
                {
                    Log.Negotiation.UpgradeAccepted(node.Logger, transport.Description, address.Target);
                    TlsLayerOptions hop = tls.TargetHost is null ? tls with { TargetHost = address.Host } : tls;
                    return await EncryptedPhase.RunAsync(node, transport, hop, address.Target, isConnectingSide: true, deadline.Token).ConfigureAwait(false);
                }

                string description = transport.Description;
                await transport.DisposeAsync().ConfigureAwait(false);
                transport = null;
                CheckRedirect(address, next, dial is not null, ++redirects, node.Options.MaxRedirects, visited);
                Log.Negotiation.RedirectFollowed(node.Logger, description, address.ToString(), next.ToString());
                address = next;
            }
            catch (Exception e) when (transport is null)
            {
                Exception translated = deadline.Translate(e);
                if (translated is AmpNegotiationException { Logged: false } failure)
                {
                    Log.Negotiation.NegotiationFailed(node.Logger, address.ToString(), failure.Failure, failure.Message, failure.InnerException);
                }

                if (ReferenceEquals(translated, e))
                {
                    throw;
                }

                throw translated;
            }
            catch (Exception e)
            {
                Exception translated = await deadline.FailAsync(e, transport!, node.Logger).ConfigureAwait(false);
                if (ReferenceEquals(translated, e))
                {
                    throw;
                }

                throw translated;
            }
        }
    }

    private static async Task<AmpTransport> DialAsync(Func<NegotiationAddress, CancellationToken, ValueTask<AmpTransport>> dial, NegotiationAddress address, CancellationToken cancellationToken)
    {
        try
        {
            return await dial(address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not AmpNegotiationException)
        {
            throw new AmpNegotiationException(NegotiationFailure.TransportError, $"Could not connect to {address.Authority}: {e.Message}", e);
        }
    }

    private static void CheckRedirect(NegotiationAddress from, NegotiationAddress to, bool canDial, int redirects, int maxRedirects, HashSet<string> visited)
    {
        if (!canDial)
        {
            throw new AmpNegotiationException(NegotiationFailure.Redirected,
                $"{from} redirected to {to}; this negotiation runs over a transport it was given and cannot dial (use a ConnectAsync that dials).")
            { RedirectedTo = to };
        }

        if (redirects > maxRedirects)
        {
            throw new AmpNegotiationException(NegotiationFailure.TooManyRedirects,
                $"{from} redirected to {to}: more than {maxRedirects} redirects (NegotiationOptions.MaxRedirects).") { RedirectedTo = to };
        }

        if (!visited.Add(Key(to)))
        {
            throw new AmpNegotiationException(NegotiationFailure.RedirectLoop, $"{from} redirected to {to}, which this negotiation has visited already: a redirect loop.") { RedirectedTo = to };
        }
    }

    /// <summary>An address as compared for loops: the host in lower case, the port, the target as is.</summary>
    private static string Key(NegotiationAddress address) => address.Host.ToLowerInvariant() + " " + address.Port + " " + address.Target;
}
