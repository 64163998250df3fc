using System.IO.Pipelines;
using Amp.Negotiation.Http;
using Amp.Negotiation.Logging;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation.Phases;

/// <summary>
/// The listening side of the plaintext phase (spec/amp-wire.md §16.2-16.3): read the request, answer 101 for a target
/// served here, or 303, 404, 426, 400, 431 or 408 and close.
/// </summary>
internal sealed class PlaintextServer
{
    // What an answered peer may still send while the answer is read: discarded, up to this much, until its end.
    private const int MaxDrainBytes = 64 * 1024;

    private readonly AmpTransport _transport;
    private readonly NegotiationServerOptions _options;
    private readonly ILogger _logger;

    public PlaintextServer(AmpTransport transport, NegotiationServerOptions options, ILogger logger)
    {
        _transport = transport;
        _options = options;
        _logger = logger;
    }

    /// <summary>Reads the request and answers it: returns the target once 101 is written, or throws after any other answer.</summary>
    /// <exception cref="AmpNegotiationException">Anything but a 101; the answer has been written (unless the peer left).</exception>
    public async Task<NegotiationTarget> RunAsync(Func<string, NegotiationTarget?> findTarget, Func<string, NegotiationAddress?> findRedirect, NegotiationDeadline deadline)
    {
        HttpRequestHead request;
        try
        {
            request = await ReadRequestAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.HasExpired)
        {
            // A slow or silent peer: tell it, briefly, then drop it (nothing more is read: the time is up).
            await TryWriteAsync(HttpMessages.Error(408, "The request did not arrive in time.\n")).ConfigureAwait(false);
            Log.Negotiation.HttpAnswered(_logger, _transport.Description, 408, "the request did not arrive within the timeout");
            throw;
        }

        if (!request.IsAmpUpgrade)
        {
            throw await AnswerAsync(426, HttpMessages.NotAnAmpClientText, NegotiationFailure.NotAnAmpRequest,
                $"{request.Method} {Shorten(request.Target)} {request.Version} is not an AMP upgrade request (an ordinary HTTP client)", deadline).ConfigureAwait(false);
        }

        string? problem = request.Method != "GET" ? $"the method is {request.Method}, not GET"
            : request.Version != "HTTP/1.1" ? $"the version is {request.Version}, not HTTP/1.1"
            : request.HostCount != 1 ? $"the request has {request.HostCount} Host headers, not one"
            : request.HasBody ? "the request announces a body"
            : null;
        if (problem is not null)
        {
            throw await AnswerAsync(400, $"Bad AMP upgrade request: {problem}.\n", NegotiationFailure.MalformedRequest, problem, deadline).ConfigureAwait(false);
        }

        if (!NegotiationProtocol.TryParseTargetPath(request.Target, out string id))
        {
            throw await AnswerAsync(404, "No AMP target at this path: AMP targets are at /amp/<target>.\n", NegotiationFailure.UnknownTarget,
                $"{Shorten(request.Target)} is not /amp/<target>", deadline).ConfigureAwait(false);
        }

        if (findTarget(id) is { } target)
        {
            await NegotiationDeadline.WriteAsync(_transport.Output, HttpMessages.SwitchingProtocols(), deadline.Token).ConfigureAwait(false);
            Log.Negotiation.UpgradeAccepted(_logger, _transport.Description, id);
            return target;
        }

        if (findRedirect(id) is { } location)
        {
            throw await AnswerAsync(HttpMessages.SeeOther(location), 303, NegotiationFailure.Redirected, $"target {id} is at {location}", deadline, location).ConfigureAwait(false);
        }

        throw await AnswerAsync(404, $"No AMP target here is named {id}.\n", NegotiationFailure.UnknownTarget, $"no target {id}", deadline).ConfigureAwait(false);
    }

    private async Task<HttpRequestHead> ReadRequestAsync(NegotiationDeadline deadline)
    {
        // The request line counts as one line of the head.
        (byte[]? head, HeadScan status, long received) = await HeadReader.ReadAsync(_transport.Input, _options.MaxRequestBytes, _options.MaxHeaders + 1, deadline.Token).ConfigureAwait(false);
        switch (status)
        {
            case HeadScan.Incomplete:
                throw new AmpNegotiationException(NegotiationFailure.PeerClosed, $"The peer closed the connection after {received} bytes, before its request was complete.");
            case HeadScan.TooLarge:
                throw await AnswerAsync(431, "The request head is too large.\n", NegotiationFailure.RequestTooLarge,
                    $"the request head exceeds {_options.MaxRequestBytes} bytes or {_options.MaxHeaders} headers", deadline).ConfigureAwait(false);
            case HeadScan.Malformed:
                throw await AnswerAsync(400, "Bad request: every line must end with CR LF.\n", NegotiationFailure.MalformedRequest, "a line ends with a bare LF", deadline).ConfigureAwait(false);
        }

        try
        {
            return HttpRequestHead.Parse(head);
        }
        catch (FormatException e)
        {
            throw await AnswerAsync(400, "Bad request: not an HTTP/1.1 request head.\n", NegotiationFailure.MalformedRequest, e.Message, deadline).ConfigureAwait(false);
        }
    }

    private Task<AmpNegotiationException> AnswerAsync(int status, string text, NegotiationFailure failure, string detail, NegotiationDeadline deadline) =>
        AnswerAsync(HttpMessages.Error(status, text), status, failure, detail, deadline);

    /// <summary>
    /// Writes a final answer, ends this side's output, and reads (and drops) what the peer still sends until it closes, so
    /// that closing never resets the connection under an answer the peer has not read yet. Returns the exception to throw.
    /// </summary>
    private async Task<AmpNegotiationException> AnswerAsync(byte[] answer, int status, NegotiationFailure failure, string detail, NegotiationDeadline deadline, NegotiationAddress? redirectedTo = null)
    {
        Log.Negotiation.HttpAnswered(_logger, _transport.Description, status, detail);
        if (await TryWriteAsync(answer).ConfigureAwait(false))
        {
            await DrainAsync(deadline.Token).ConfigureAwait(false);
        }

        return new AmpNegotiationException(failure, $"Answered {status} {HttpMessages.ReasonPhrase(status)}: {detail}.")
        {
            StatusCode = status,
            RedirectedTo = redirectedTo,
            Logged = true,
        };
    }

    private async Task<bool> TryWriteAsync(byte[] answer)
    {
        try
        {
            // The first bytes this side writes on the connection: the flush does not wait for the peer to read them.
            FlushResult flushed = await _transport.Output.WriteAsync(answer).ConfigureAwait(false);
            await _transport.Output.CompleteAsync().ConfigureAwait(false);
            return !flushed.IsCompleted;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        long drained = 0;
        try
        {
            while (drained <= MaxDrainBytes)
            {
                ReadResult result = await _transport.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                drained += result.Buffer.Length;
                _transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The deadline, or the peer's reset: the answer is written, the connection is closed next either way.
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
