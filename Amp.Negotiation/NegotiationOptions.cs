namespace Amp.Negotiation;

/// <summary>
/// Settings of one negotiating node (<see cref="AmpNegotiator"/>): its id, its offer, the master's decision hook,
/// the AMP settings of its connections, and the bounds of each negotiation. Every bound has a safe default.
/// </summary>
public sealed class NegotiationOptions
{
    private readonly string? _id;
    private readonly IReadOnlyDictionary<string, string> _parameters = NegotiationParameters.Empty;
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private readonly int _maxHeaderBytes = 8 * 1024;
    private readonly int _maxBlockBytes = 16 * 1024;
    private readonly int _maxRedirects = 5;

    /// <summary>
    /// This node's id, sent in its Hello block: the higher id of the two sides is the master (spec/amp-wire.md §16.6).
    /// <see langword="null"/> (the default) sends none, which compares lower than any id. Without an id, the peer
    /// cannot tell two connections from this node apart: give every node that may be dialled twice an id.
    /// </summary>
    /// <exception cref="ArgumentException">Not a valid id (<see cref="NegotiationProtocol.IsValidId"/>).</exception>
    public string? Id
    {
        get => _id;
        init
        {
            if (value is not null && !NegotiationProtocol.IsValidId(value))
            {
                throw new ArgumentException($"'{value}' is not a valid id (1 to {NegotiationProtocol.MaxIdLength} of A-Z a-z 0-9 - . _ ~).", nameof(value));
            }

            _id = value;
        }
    }

    /// <summary>
    /// The AMP settings of every negotiated connection: responders, limits, logging (category <c>Amp.Negotiation</c> for
    /// the negotiation itself), and the extensions offered in the Hello block (<see cref="AmpConnectionOptions.Extensions"/>).
    /// </summary>
    public AmpConnectionOptions ConnectionOptions { get; init; } = new();

    /// <summary>
    /// Application entries offered in the Hello block as <c>App-&lt;name&gt;: &lt;value&gt;</c> lines; the master's
    /// <see cref="Decide"/> sees both sides'. Names are 1-60 of A-Z a-z 0-9 -; values printable text. Empty by default.
    /// </summary>
    /// <exception cref="ArgumentException">A name or a value cannot travel in a block.</exception>
    public IReadOnlyDictionary<string, string> Parameters
    {
        get => _parameters;
        init => _parameters = NegotiationParameters.Validate(value, nameof(value));
    }

    /// <summary>
    /// Called on the master once the version and the extensions are decided, to accept with application parameters
    /// or refuse (the peer gets the reason). It runs on the negotiation's task, inside its timeout: keep it short.
    /// An exception it throws refuses the connection (the peer gets a generic reason; the exception is logged and
    /// rethrown to this side's caller). <see langword="null"/> (the default) accepts with no parameters.
    /// </summary>
    public Func<NegotiationContext, NegotiationVerdict>? Decide { get; init; }

    /// <summary>
    /// How long a whole negotiation may take on this node: dialling, the request and answer, every redirect, TLS, the
    /// Hello blocks and the decision. Default 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
        }
    }

    /// <summary>The largest HTTP answer head (status line and headers) the connecting side reads. Default 8 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 256 or more than 1 MiB.</exception>
    public int MaxHeaderBytes
    {
        get => _maxHeaderBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 256);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024 * 1024);
            _maxHeaderBytes = value;
        }
    }

    /// <summary>The largest Hello or Decision block read from the peer, its blank line included. Default 16 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 256 or more than 1 MiB.</exception>
    public int MaxBlockBytes
    {
        get => _maxBlockBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 256);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024 * 1024);
            _maxBlockBytes = value;
        }
    }

    /// <summary>How many redirects the connecting side follows in one negotiation; one more fails with <see cref="NegotiationFailure.TooManyRedirects"/>. Default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or more than 32.</exception>
    public int MaxRedirects
    {
        get => _maxRedirects;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 32);
            _maxRedirects = value;
        }
    }
}
