using Amp.Boxes;
using Amp.Connection;
using Amp.Descriptors;
using Amp.Extensions;
using Amp.Streams;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>The extensions agreed with the peer, or <see langword="null"/> while no hello has been exchanged.</summary>
    public AmpExtensions? AgreedExtensions => _extensions.Agreed;

    /// <summary>The streams in flight both ways (diagnostics).</summary>
    internal int OpenStreams => _streams?.Count ?? 0;

    /// <summary>Bytes the incoming streams may buffer now: credit granted and not yet read (diagnostics and tests).</summary>
    internal long StreamBufferedBytes => _streams?.Promised ?? 0;

    /// <summary>
    /// Agrees on the extensions now, rather than when a call first needs one: sends this side's hello unless
    /// the set is known already (spec/amp-wire.md §15.1).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the hello, once sent, is still answered).</param>
    /// <returns>The extensions both sides use on this connection; <see cref="AmpExtensions.None"/> with a Twisted peer.</returns>
    public Task<AmpExtensions> NegotiateExtensionsAsync(CancellationToken cancellationToken = default) =>
        _extensions.NegotiateAsync(this, cancellationToken);

    /// <summary>The table of streams, when the peer's stream boxes are accepted (see <see cref="ExtensionNegotiation.Accepts"/>); otherwise <see langword="null"/>.</summary>
    internal StreamTable? AgreedStreams => _extensions.Accepts(AmpExtensions.Streams) ? _streams : null;

    /// <summary>The built-in responder to the peer's extension hello, if this side supports any extension.</summary>
    internal ResponderEntry? ExtensionResponder => _extensions.Responder;

    private void EndStreams(AmpConnectionLostException lost)
    {
        _extensions.ConnectionEnded();
        _streams?.ConnectionEnded(lost);
    }

    private async Task<TResponse> CallWithStreamsAsync<TResponse>(CommandDescriptor<TResponse> descriptor, object command, CancellationToken cancellationToken, int callTimeout)
        where TResponse : class
    {
        AmpExtensions agreed = await _extensions.NegotiateAsync(this, cancellationToken).ConfigureAwait(false);
        StreamTable? streams = (agreed & AmpExtensions.Streams) != 0 ? _streams : null;
        if (streams is null)
        {
            // Negotiation ends with nothing agreed when the connection ends: the call fails with that end.
            if (_protocol.EndReason is { } ended)
            {
                throw ended;
            }

            throw new AmpExtensionUnavailableException(AmpExtensions.Streams, descriptor.Name,
                $"Command {descriptor.Name} has stream arguments or answers, and the peer has not agreed to the Amp.NET streams extension "
                + "(a Twisted peer never does); nothing was sent.");
        }

        StreamBinder? binder = descriptor.ArgumentsHaveStreams ? new StreamBinder(streams, ownsSources: false) : null;
        var call = new TypedPendingCall<TResponse>(descriptor) { Streams = descriptor.ResponseHasStreams ? streams : null };
        TaskCompletionSource turn = await _writer.WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            ulong tag = _pending.NextTag();
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer, binder);
            AppendCallKeys(buffer, CarriedTimeout(callTimeout));
            QueueCall(call, tag, buffer.WrittenSpan);
            Register(call, tag, cancellationToken);
        }
        catch (AmpException e)
        {
            binder?.DiscardOutgoing();
            call.Fail(e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
            turn.TrySetResult();
        }

        try
        {
            return await call.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            binder?.AbortOutgoing("CANCELLED", "The caller cancelled the call.");
            throw;
        }
        catch (Exception)
        {
            binder?.AbortOutgoing(AmpErrorCodes.Unknown, "The call failed.");
            throw;
        }
    }
}
