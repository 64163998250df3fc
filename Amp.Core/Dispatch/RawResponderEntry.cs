using System.Text;
using Amp.Boxes;

namespace Amp;

/// <summary>A responder that takes and returns raw boxes (Twisted's <c>amp_NAME</c> style).</summary>
internal sealed class RawResponderEntry : ResponderEntry
{
    private readonly Func<AmpBox, AmpConnection, CancellationToken, ValueTask<AmpBox>> _responder;

    public RawResponderEntry(string name, Func<AmpBox, AmpConnection, CancellationToken, ValueTask<AmpBox>> responder)
        : base(name, Encoding.UTF8.GetBytes(name))
    {
        _responder = responder;
    }

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation)
    {
        ValueTask<AmpBox> pending;
        try
        {
            pending = _responder(AmpBox.FromBytes(box), calls.Connection, cancellation);
        }
        catch (Exception e)
        {
            calls.SendFailure(null, header.HasAsk ? AmpTag.FromWire(header.Ask) : null, e, Name, cancellation);
            return null;
        }

        AmpTag? tag = header.HasAsk ? AmpTag.FromWire(header.Ask) : null;
        if (pending.IsCompletedSuccessfully)
        {
            // Completed already: reading the result does not block.
            if (tag is { } t)
            {
                calls.SendRawAnswer(Name, pending.Result, t);
            }

            return null;
        }

        return CompleteAsync(pending, tag, calls, cancellation);
    }

    private async Task CompleteAsync(ValueTask<AmpBox> pending, AmpTag? tag, IncomingCalls calls, CancellationToken cancellation)
    {
        AmpBox answer;
        try
        {
            answer = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            calls.SendFailure(null, tag, e, Name, cancellation);
            return;
        }

        if (tag is { } t)
        {
            calls.SendRawAnswer(Name, answer, t);
        }
    }
}
