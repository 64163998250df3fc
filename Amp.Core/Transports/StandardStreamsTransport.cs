namespace Amp.Transports;

/// <summary>
/// The child's side of a <see cref="ChildProcessTransport"/>: a transport over this process's own
/// standard input and output.
/// </summary>
/// <remarks>
/// While the transport is in use, nothing else in the process may write to standard output (no
/// <c>Console.WriteLine</c>, no console logger): those bytes would corrupt the stream. Log to standard error instead.
/// </remarks>
public static class StandardStreamsTransport
{
    /// <summary>
    /// Creates a transport that reads standard input and writes standard output, with
    /// <see cref="AmpTransportRole.Acceptor"/> (the parent started the byte stream). Completing its
    /// <see cref="AmpTransport.Output"/> closes standard output, so the parent reads end of file.
    /// </summary>
    /// <param name="options">Buffer settings; <see langword="null"/> for the defaults.</param>
    /// <returns>A transport over the standard streams.</returns>
    public static StreamTransport Create(StreamTransportOptions? options = null)
    {
        options ??= new StreamTransportOptions();
        options = options with { Description = options.Description ?? "stdio" };
#pragma warning disable RS0030 // The standard streams are this transport's bytes, not a log.
        return new StreamTransport(Console.OpenStandardInput(), Console.OpenStandardOutput(), AmpTransportRole.Acceptor, options);
#pragma warning restore RS0030
    }
}
