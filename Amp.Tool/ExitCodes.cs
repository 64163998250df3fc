namespace Amp.Tool;

/// <summary>The exit codes of <c>amp</c>: one per kind of failure, so a script can tell them apart.</summary>
internal static class ExitCodes
{
    /// <summary>The call was answered; every box decoded; the server stopped when asked.</summary>
    public const int Success = 0;

    /// <summary>The server answered with an error box (<c>_error_code</c>, <c>_error_description</c>).</summary>
    public const int RemoteError = 1;

    /// <summary>A bad command line: an unknown flag, a malformed address or argument, a file that cannot be read.</summary>
    public const int Usage = 2;

    /// <summary>No connection: refused, unreachable, unknown host, no such Unix socket.</summary>
    public const int ConnectFailed = 3;

    /// <summary>StartTLS failed: refused by the server, a failed handshake, an untrusted or expired certificate.</summary>
    public const int TlsFailed = 4;

    /// <summary>No answer (or no connection) within <c>--timeout</c>.</summary>
    public const int TimedOut = 5;

    /// <summary>The connection ended, or the server broke the protocol, before the answer came.</summary>
    public const int ConnectionLost = 6;

    /// <summary><c>amp decode</c>: the bytes are not AMP boxes (malformed), or end inside a box (truncated).</summary>
    public const int BadInput = 7;

    /// <summary>A failure <c>amp</c> did not foresee (a bug: the line names the exception to report).</summary>
    public const int Unexpected = 70;

    /// <summary>Interrupted by Ctrl+C or SIGTERM before it was done.</summary>
    public const int Interrupted = 130;

    /// <summary>The help text's table of exit codes.</summary>
    public const string Table = """
        Exit codes: 0 done; 1 the server answered with an error; 2 bad command line or file;
        3 could not connect; 4 TLS failed; 5 timed out; 6 connection lost or protocol broken before the
        answer; 7 (decode) malformed or truncated bytes; 70 a failure amp did not foresee; 130 interrupted.
        """;
}
