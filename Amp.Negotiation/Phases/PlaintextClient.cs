using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Negotiation.Http;
using Amp.Transports;

namespace Amp.Negotiation.Phases;

/// <summary>The connecting side of the plaintext phase (spec/amp-wire.md §16.2-16.3): send the request, read the answer.</summary>
internal static class PlaintextClient
{
    // The most of an error answer's body quoted in the exception's message.
    private const int MaxQuotedBody = 1024;

    /// <summary>
    /// Sends the request for <paramref name="address"/> and reads the answer: <see langword="null"/> after 101 (TLS comes
    /// next, the answer's bytes consumed exactly), or the address a redirect names.
    /// </summary>
    /// <exception cref="AmpNegotiationException">Any other answer, a malformed one, or the peer's close.</exception>
    public static async Task<NegotiationAddress?> RunAsync(AmpTransport transport, NegotiationAddress address, int maxHeaderBytes, CancellationToken cancellationToken)
    {
        await NegotiationDeadline.WriteAsync(transport.Output, HttpMessages.Request(address), cancellationToken).ConfigureAwait(false);
        (byte[]? head, HeadScan status, long received) = await HeadReader.ReadAsync(transport.Input, maxHeaderBytes, maxHeaderBytes, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            throw status switch
            {
                HeadScan.Incomplete => new AmpNegotiationException(NegotiationFailure.PeerClosed,
                    $"{address.Authority} closed the connection after {received} bytes of its answer, before the answer's head was complete."),
                HeadScan.TooLarge => Malformed(address, $"its answer's head exceeds {maxHeaderBytes} bytes (NegotiationOptions.MaxHeaderBytes)"),
                _ => Malformed(address, "a line of its answer ends with a bare LF"),
            };
        }

        HttpResponseHead response;
        try
        {
            response = HttpResponseHead.Parse(head);
        }
        catch (FormatException e)
        {
            throw Malformed(address, e.Message);
        }

        switch (response.StatusCode)
        {
            case 101 when response.UpgradeToAmp:
                return null;
            case 101:
                throw Malformed(address, "it switched to another protocol than amp/1");
            case 301 or 302 or 303 or 307 or 308:
                return ParseLocation(response.Location, address)
                    ?? throw new AmpNegotiationException(NegotiationFailure.InvalidRedirect,
                        $"{address} redirected ({response.StatusCode}) to '{Quote(response.Location ?? "(no Location)")}', which is not an http URL or a path /amp/<target>.")
                    { StatusCode = response.StatusCode };
        }

        string body;
        try
        {
            body = await ReadBodyAsync(transport.Input, response.ContentLength, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The status says what happened; a body that never comes whole changes nothing of it.
            body = string.Empty;
        }

        string said = body.Length == 0 ? string.Empty : $" It said: {body}";
        throw response.StatusCode == 404
            ? new AmpNegotiationException(NegotiationFailure.UnknownTarget, $"{address} answered 404 {response.Reason}: no target {address.Target} there.{said}") { StatusCode = 404 }
            : new AmpNegotiationException(NegotiationFailure.HttpError, $"{address} answered {response.StatusCode} {response.Reason} instead of 101 Switching Protocols.{said}") { StatusCode = response.StatusCode };
    }

    /// <summary>A redirect's <c>Location</c>: <c>http://host[:port]/amp/&lt;target&gt;</c>, or <c>/amp/&lt;target&gt;</c> on the same host and port.</summary>
    internal static NegotiationAddress? ParseLocation(string? location, NegotiationAddress current)
    {
        if (location is null)
        {
            return null;
        }

        if (location.StartsWith('/'))
        {
            return NegotiationProtocol.TryParseTargetPath(location, out string sameHost) ? new NegotiationAddress(current.Host, current.Port, sameHost) : null;
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp || uri.UserInfo.Length != 0
            || uri.Query.Length != 0 || uri.Fragment.Length != 0 || uri.Port is < 1 or > 65535
            || !NegotiationProtocol.TryParseTargetPath(uri.AbsolutePath, out string target))
        {
            return null;
        }

        try
        {
            return new NegotiationAddress(uri.Host.Trim('[', ']'), uri.Port, target);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static AmpNegotiationException Malformed(NegotiationAddress address, string why) =>
        new(NegotiationFailure.MalformedResponse, $"{address.Authority} did not answer as an AMP listener: {why}.");

    /// <summary>The start of an error answer's body, for the message: at most its announced length, and at most 1 KiB.</summary>
    private static async Task<string> ReadBodyAsync(PipeReader input, long contentLength, CancellationToken cancellationToken)
    {
        long wanted = Math.Min(contentLength, MaxQuotedBody);
        while (wanted > 0)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.Buffer.Length >= wanted || result.IsCompleted || result.IsCanceled)
            {
                string text = Quote(Encoding.UTF8.GetString(result.Buffer.Slice(0, Math.Min(wanted, result.Buffer.Length)).ToArray()));
                input.AdvanceTo(result.Buffer.End);
                return text.Trim();
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        return string.Empty;
    }

    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            quoted.Append(c is '\n' ? ' ' : char.IsControl(c) ? '?' : c);
        }

        return quoted.ToString();
    }
}
