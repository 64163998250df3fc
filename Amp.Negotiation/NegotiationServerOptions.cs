using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amp.Negotiation;

/// <summary>Settings of an <see cref="AmpNegotiationServer"/>: the bounds of the plaintext phase, before a target is known.</summary>
public sealed class NegotiationServerOptions
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private readonly int _maxRequestBytes = 8 * 1024;
    private readonly int _maxHeaders = 64;

    /// <summary>
    /// How long a negotiation may take from the moment the connection is handed to the server until AMP runs: the
    /// request, the answer, and the target's TLS, Hello and decision (the target's own <see cref="NegotiationOptions.Timeout"/>
    /// bounds its part too). A peer that is not done in time is dropped; if it had not sent its whole request, it is
    /// answered 408 Request Timeout first. Default 30 seconds.
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

    /// <summary>The largest request head (request line and headers, blank line included); a larger one gets 431. Default 8 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 256 or more than 1 MiB.</exception>
    public int MaxRequestBytes
    {
        get => _maxRequestBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 256);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024 * 1024);
            _maxRequestBytes = value;
        }
    }

    /// <summary>The most header lines in a request; more get 431. Default 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 4 or more than 1024.</exception>
    public int MaxHeaders
    {
        get => _maxHeaders;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024);
            _maxHeaders = value;
        }
    }

    /// <summary>Where the server's own logs go (category <c>Amp.Negotiation</c>); each target's negotiator logs through its own connection options.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
