using Amp.Boxes;

namespace Amp;

/// <summary>One registered responder, found by command name.</summary>
internal abstract class ResponderEntry
{
    protected ResponderEntry(string name, byte[] nameBytes)
    {
        Name = name;
        NameBytes = nameBytes;
    }

    public string Name { get; }

    public byte[] NameBytes { get; }

    /// <summary>Whether answering changes the layer stack (StartTLS, StopTLS, a protocol switch).</summary>
    public virtual bool ChangesLayers => false;

    /// <summary>
    /// Parses the arguments and starts the responder, answering through <paramref name="calls"/>.
    /// Returns the task of a responder that is still running, or <see langword="null"/> when it is done.
    /// </summary>
    /// <param name="box">The command's box.</param>
    /// <param name="header">Its reserved keys.</param>
    /// <param name="calls">Where the answer goes.</param>
    /// <param name="cancellation">The responder's token: the call's own (cancelled by the caller, its deadline or the connection's end), or the connection's.</param>
    public abstract Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation);
}
