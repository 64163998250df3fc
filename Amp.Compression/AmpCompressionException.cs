namespace Amp.Compression;

/// <summary>
/// A compression layer received bad input from the peer: a frame longer than
/// <see cref="CompressionLayerOptions.MaxFrameBytes"/>, data that is not valid Deflate, or a layer ended
/// out of order. The message names the cause. Its <see cref="AmpLayerException.DisconnectReason"/> is
/// <see cref="AmpDisconnectReason.ProtocolViolation"/>: the connection is closed.
/// </summary>
public sealed class AmpCompressionException : AmpLayerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A message naming the cause.</param>
    /// <param name="innerException">The underlying error, if any (the decompressor's, for invalid data).</param>
    public AmpCompressionException(string message, Exception? innerException = null)
        : base(AmpDisconnectReason.ProtocolViolation, message, innerException)
    {
    }
}
