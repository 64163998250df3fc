namespace Amp.Negotiation;

/// <summary>
/// The fixed names of the connection negotiation (spec/amp-wire.md §16): the request path, the upgrade token and
/// header names, the identifier grammar. For code that does the HTTP step itself (a web server answering the
/// upgrade, then handing the stream to <see cref="AmpNegotiator.AcceptUpgradedAsync(Amp.Transports.AmpTransport, string, Amp.Tls.TlsLayerOptions, CancellationToken)"/>) and must recognize the
/// request exactly as <see cref="AmpNegotiationServer"/> does.
/// </summary>
public static class NegotiationProtocol
{
    /// <summary>The path every negotiation request asks for, followed by the target id: <c>GET /amp/&lt;target&gt; HTTP/1.1</c>.</summary>
    public const string PathPrefix = "/amp/";

    /// <summary>The protocol token of the <c>Upgrade</c> header, in the request and in the 101 answer.</summary>
    public const string UpgradeToken = "amp/1";

    /// <summary>The header that names the protocol to switch to (<see cref="UpgradeToken"/>).</summary>
    public const string UpgradeHeader = "Upgrade";

    /// <summary>The header whose token list must hold <see cref="ConnectionUpgrade"/>.</summary>
    public const string ConnectionHeader = "Connection";

    /// <summary>The token of the <c>Connection</c> header that marks an upgrade request.</summary>
    public const string ConnectionUpgrade = "Upgrade";

    /// <summary>The one version of the protocol run after a negotiation this library speaks: AMP as spec/amp-wire.md §1-15 describes it.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>The longest target id or peer id, in characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>
    /// Whether <paramref name="id"/> is a valid target id or peer id: 1 to <see cref="MaxIdLength"/> characters,
    /// each an ASCII letter, a digit, <c>-</c>, <c>.</c>, <c>_</c> or <c>~</c> (URI unreserved characters, so an id
    /// needs no escaping in a path).
    /// </summary>
    /// <param name="id">The id.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidId(string? id)
    {
        if (id is null || id.Length == 0 || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The request path for <paramref name="target"/>: <c>/amp/&lt;target&gt;</c>.</summary>
    /// <param name="target">A valid target id.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not a valid id.</exception>
    public static string TargetPath(string target)
    {
        if (!IsValidId(target))
        {
            throw new ArgumentException($"'{target}' is not a valid target id (1 to {MaxIdLength} of A-Z a-z 0-9 - . _ ~).", nameof(target));
        }

        return PathPrefix + target;
    }

    /// <summary>Reads the target id out of a request path <c>/amp/&lt;target&gt;</c> (no query, nothing after the id).</summary>
    /// <param name="path">The request path.</param>
    /// <param name="target">The target id, when the path is one.</param>
    /// <returns>Whether the path names a target.</returns>
    public static bool TryParseTargetPath(string? path, out string target)
    {
        target = string.Empty;
        if (path is null || !path.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        string id = path[PathPrefix.Length..];
        if (!IsValidId(id))
        {
            return false;
        }

        target = id;
        return true;
    }

    /// <summary>
    /// Whether the values of a request's <c>Connection</c> and <c>Upgrade</c> headers ask for this protocol: the
    /// <c>Connection</c> tokens include <c>Upgrade</c> and the <c>Upgrade</c> list includes <c>amp/1</c> (both compared
    /// without regard to case). Several header lines of one name are passed joined by commas.
    /// </summary>
    /// <param name="connection">The <c>Connection</c> header's value, or <see langword="null"/>.</param>
    /// <param name="upgrade">The <c>Upgrade</c> header's value, or <see langword="null"/>.</param>
    /// <returns>Whether it is an AMP upgrade request.</returns>
    public static bool IsAmpUpgrade(string? connection, string? upgrade) =>
        HasToken(connection, ConnectionUpgrade) && HasToken(upgrade, UpgradeToken);

    internal static bool IsIdChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~';

    /// <summary>Whether a comma-separated header value holds <paramref name="token"/> (optional whitespace around each item, any case).</summary>
    internal static bool HasToken(string? value, string token)
    {
        if (value is null)
        {
            return false;
        }

        foreach (Range range in value.AsSpan().Split(','))
        {
            if (value.AsSpan()[range].Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
