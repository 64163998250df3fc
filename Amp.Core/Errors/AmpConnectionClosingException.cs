namespace Amp;

/// <summary>
/// A new call was refused because the connection is closing gracefully: this side called
/// <see cref="AmpConnection.CloseAsync(CancellationToken)"/>, or the peer said it is going away (the
/// <c>goaway/1</c> extension, spec/amp-wire.md §15.7). Nothing of the call was sent; the connection
/// still finishes the calls already in flight. Retry on another connection.
/// </summary>
public sealed class AmpConnectionClosingException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="byPeer">Whether the peer started the close (it sent its going-away notice).</param>
    /// <param name="message">What went wrong.</param>
    public AmpConnectionClosingException(bool byPeer, string message)
        : base(message)
    {
        ByPeer = byPeer;
    }

    /// <summary>
    /// <see langword="true"/> when the peer said it is going away; <see langword="false"/> when this side's
    /// <see cref="AmpConnection.CloseAsync(CancellationToken)"/> is closing the connection.
    /// </summary>
    public bool ByPeer { get; }
}
