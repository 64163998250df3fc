namespace Amp.Samples.FileTransfer;

/// <summary>
/// Offers a file: if the receiver accepts, the connection switches to a raw byte protocol that carries
/// exactly <see cref="Size"/> bytes, after which the receiver answers with the SHA-256 it computed.
/// </summary>
[AmpCommand("SendFile")]
[AmpError("REFUSED", typeof(TransferRefusedException))]
public sealed class SendFile : IAmpProtocolSwitchCommand
{
    [AmpArgument("name")] public string Name { get; init; } = "";
    [AmpArgument("size")] public long Size { get; init; }
    [AmpArgument("sha256")] public byte[] Sha256 { get; init; } = [];
}

/// <summary>The receiver refused the file.</summary>
public sealed class TransferRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why.</param>
    public TransferRefusedException(string message)
        : base(message)
    {
    }
}
