namespace Amp;

/// <summary>
/// The peer answered a call with an error box whose code the command does not declare
/// (Twisted's <c>RemoteAmpError</c> and <c>UnknownRemoteError</c>). Unlike Twisted, the received code is kept.
/// </summary>
public class AmpRemoteException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The <c>_error_code</c> value.</param>
    /// <param name="description">The <c>_error_description</c> value, decoded as UTF-8.</param>
    /// <param name="commandName">The command that failed, if known.</param>
    public AmpRemoteException(string errorCode, string description, string? commandName = null)
        : base(commandName is null ? $"Code<{errorCode}>: {description}" : $"Code<{errorCode}> from {commandName}: {description}")
    {
        ErrorCode = errorCode;
        Description = description;
        CommandName = commandName;
    }

    /// <summary>The error code the peer sent (for example <c>UNKNOWN</c>).</summary>
    public string ErrorCode { get; }

    /// <summary>The description the peer sent.</summary>
    public string Description { get; }

    /// <summary>The command that failed, when the call was made by command type or name.</summary>
    public string? CommandName { get; }
}
