namespace Amp;

/// <summary>
/// A call needs an Amp.NET extension that the connection has not agreed with its peer (the peer is
/// Twisted, another implementation without it, or an Amp.NET peer that turned it off). Nothing was sent
/// for the call.
/// </summary>
public sealed class AmpExtensionUnavailableException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="extension">The extension the call needs.</param>
    /// <param name="commandName">The command that needs it.</param>
    /// <param name="message">What went wrong.</param>
    public AmpExtensionUnavailableException(AmpExtensions extension, string commandName, string message)
        : base(message)
    {
        Extension = extension;
        CommandName = commandName;
    }

    /// <summary>The extension the call needs.</summary>
    public AmpExtensions Extension { get; }

    /// <summary>The command that needs it.</summary>
    public string CommandName { get; }
}
