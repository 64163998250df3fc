using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Extensions;

/// <summary>
/// Which Amp.NET extensions one connection uses (spec/amp-wire.md §15.1). The agreed set is what this
/// side supports and the peer offered (its hello) or accepted (its answer to ours); it is fixed once
/// known. Our hello is sent only when a call first needs an extension, or when the user asks, so a peer
/// that never meets such a call never sees it.
/// </summary>
internal sealed class ExtensionNegotiation
{
    /// <summary>The wire names, in the order they are offered (spec §15.1); the negotiation's blocks use the same.</summary>
    internal static readonly (AmpExtensions Extension, string Name)[] WireNames =
    [
        (AmpExtensions.Streams, "streams/1"),
        (AmpExtensions.Cancellation, "cancel/1"),
        (AmpExtensions.KeepAlive, "keepalive/1"),
        (AmpExtensions.GoAway, "goaway/1"),
        (AmpExtensions.TraceContext, "trace/1"),
    ];

    private readonly AmpExtensions _supported;
    private readonly ILogger _logger;
    private readonly string _connection;
    private readonly TaskCompletionSource<AmpExtensions> _agreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _helloSent;
    private int _agreedFlags = -1;

    /// <param name="supported">The extensions this side supports.</param>
    /// <param name="logger">Where the agreement is logged.</param>
    /// <param name="connection">The connection's name, for logs.</param>
    /// <param name="agreed">
    /// The set already agreed before AMP started (a connection negotiation, spec §16): fixed from the start
    /// (within <paramref name="supported"/>), so our hello is never sent; <see langword="null"/> to agree with the hello.
    /// </param>
    public ExtensionNegotiation(AmpExtensions supported, ILogger logger, string connection, AmpExtensions? agreed = null)
    {
        _supported = supported;
        _logger = logger;
        _connection = connection;
        if (supported != AmpExtensions.None)
        {
            Responder = new TypedResponderEntry<ExtensionHello, ExtensionAccept>((hello, _, _) => new ValueTask<ExtensionAccept>(Answer(hello)));
        }

        if (agreed is { } preset)
        {
            Settle(supported & preset);
        }
    }

    /// <summary>The built-in responder to the peer's hello; <see langword="null"/> when this side supports no extension (then it answers <c>UNHANDLED</c>, as Twisted).</summary>
    public ResponderEntry? Responder { get; }

    /// <summary>The agreed set, or <see langword="null"/> while it is not known.</summary>
    public AmpExtensions? Agreed => Volatile.Read(ref _agreedFlags) is var flags and >= 0 ? (AmpExtensions)flags : null;

    /// <summary>
    /// Whether the peer's boxes of <paramref name="extension"/> are accepted: it is agreed, or nothing is agreed yet
    /// and our hello offered it. The peer may use an extension from the moment it has read our offer (spec §15.1),
    /// so its boxes may arrive before the answer to our hello has been read here.
    /// </summary>
    public bool Accepts(AmpExtensions extension) =>
        Agreed is { } agreed ? (agreed & extension) == extension : (_supported & extension) == extension && Volatile.Read(ref _helloSent) != 0;

    /// <summary>Whether <paramref name="extension"/> is agreed (false while nothing is known).</summary>
    public bool Has(AmpExtensions extension) => Agreed is { } agreed && (agreed & extension) == extension;

    /// <summary>The agreed set, sending our hello first if it is not known yet.</summary>
    public Task<AmpExtensions> NegotiateAsync(AmpConnection connection, CancellationToken cancellationToken)
    {
        if (_supported == AmpExtensions.None)
        {
            Settle(AmpExtensions.None);
        }

        if (_agreed.Task.IsCompleted)
        {
            return _agreed.Task;
        }

        if (Interlocked.Exchange(ref _helloSent, 1) == 0)
        {
            _ = SendHelloAsync(connection);
        }

        return _agreed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Ends negotiation when the connection ends: nothing more will be agreed.</summary>
    public void ConnectionEnded()
    {
        Interlocked.CompareExchange(ref _agreedFlags, (int)AmpExtensions.None, -1);
        _agreed.TrySetResult((AmpExtensions)Volatile.Read(ref _agreedFlags));
    }

    private async Task SendHelloAsync(AmpConnection connection)
    {
        try
        {
            ExtensionAccept accept = await connection.CallRemoteAsync(new ExtensionHello { Offer = Names(_supported) }).ConfigureAwait(false);
            Settle(_supported & Parse(accept.Accept));
        }
        catch (Exception)
        {
            // UNHANDLED (Twisted), any other error, or the connection's end: no extension.
            Settle(AmpExtensions.None);
        }
    }

    private ExtensionAccept Answer(ExtensionHello hello)
    {
        // A second hello (or one crossing ours) is answered with what is already agreed: the set never changes.
        AmpExtensions agreed = Settle(_supported & Parse(hello.Offer)) & Parse(hello.Offer);
        return new ExtensionAccept { Accept = Names(agreed) };
    }

    /// <summary>Fixes the agreed set unless it is fixed already; returns the set in force.</summary>
    private AmpExtensions Settle(AmpExtensions agreed)
    {
        int previous = Interlocked.CompareExchange(ref _agreedFlags, (int)agreed, -1);
        AmpExtensions settled = previous < 0 ? agreed : (AmpExtensions)previous;
        if (previous < 0)
        {
            Log.Streams.ExtensionsAgreed(_logger, _connection, Describe(agreed));
        }
        _agreed.TrySetResult(settled);
        return settled;
    }

    private static AmpExtensions Parse(IReadOnlyList<string> names)
    {
        AmpExtensions result = AmpExtensions.None;
        foreach (string name in names)
        {
            foreach ((AmpExtensions extension, string known) in WireNames)
            {
                if (name == known)
                {
                    result |= extension;
                }
            }
        }

        return result;
    }

    private static string[] Names(AmpExtensions extensions)
    {
        var names = new List<string>(WireNames.Length);
        foreach ((AmpExtensions extension, string name) in WireNames)
        {
            if ((extensions & extension) != 0)
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    public static string Describe(AmpExtensions extensions) =>
        extensions == AmpExtensions.None ? "none" : string.Join(' ', Names(extensions));
}
