namespace Amp.Transports;

/// <summary>Which side of a byte stream a transport is.</summary>
public enum AmpTransportRole
{
    /// <summary>The transport does not say (an in-memory pipe, a stream, standard input and output).</summary>
    Unspecified = 0,

    /// <summary>This side connected (a TCP or Unix-socket client, or the parent of a child process).</summary>
    Initiator = 1,

    /// <summary>This side accepted (a TCP or Unix-socket server, or the child process).</summary>
    Acceptor = 2,
}
