using System.IO.Pipelines;
using System.Net.Sockets;
using Amp.Negotiation.Logging;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation.Phases;

/// <summary>
/// The one timeout of a negotiation, linked with the caller's token, and the translation of whatever a phase
/// throws into what the caller sees: <see cref="AmpNegotiationException"/>, or <see cref="OperationCanceledException"/>
/// for the caller's own cancellation.
/// </summary>
internal sealed class NegotiationDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;
    private readonly TimeSpan _timeout;

    public NegotiationDeadline(TimeSpan timeout, CancellationToken caller)
    {
        _timeout = timeout;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _source.CancelAfter(timeout);
    }

    /// <summary>Cancelled at the deadline or by the caller.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the deadline (not the caller) ended the negotiation.</summary>
    public bool HasExpired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>What to throw for <paramref name="exception"/>, thrown by a phase.</summary>
    public Exception Translate(Exception exception) => exception switch
    {
        AmpNegotiationException => exception,
        OperationCanceledException when _caller.IsCancellationRequested => new OperationCanceledException("The negotiation was cancelled.", exception, _caller),
        OperationCanceledException when HasExpired => new AmpNegotiationException(NegotiationFailure.TimedOut,
            $"The negotiation did not finish within {_timeout.TotalSeconds:0.###} s.", exception),
        AmpTlsException tls => new AmpNegotiationException(NegotiationFailure.TlsFailed, "TLS failed: " + tls.Message, tls),
        IOException or SocketException or ObjectDisposedException or InvalidOperationException => new AmpNegotiationException(NegotiationFailure.TransportError,
            "The byte stream failed during the negotiation: " + exception.Message, exception),
        _ => exception,
    };

    /// <summary>
    /// Ends a failed negotiation: closes the transport, logs the failure unless it was logged where it happened (an HTTP
    /// answer, a refusal), and returns what to throw (<paramref name="exception"/> itself when it needs no translation).
    /// </summary>
    public async Task<Exception> FailAsync(Exception exception, AmpTransport transport, ILogger logger)
    {
        Exception translated = Translate(exception);
        await transport.DisposeAsync().ConfigureAwait(false);
        if (translated is AmpNegotiationException { Logged: false } failure)
        {
            Log.Negotiation.NegotiationFailed(logger, transport.Description, failure.Failure, failure.Message, failure.InnerException);
        }

        return translated;
    }

    public void Dispose() => _source.Dispose();

    /// <summary>Writes and flushes <paramref name="bytes"/>; a reader that has gone away is the peer's close.</summary>
    public static async ValueTask WriteAsync(PipeWriter output, byte[] bytes, CancellationToken cancellationToken)
    {
        FlushResult flushed = await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            throw new AmpNegotiationException(NegotiationFailure.PeerClosed, "The peer closed the connection while the negotiation was writing to it.");
        }
    }
}
