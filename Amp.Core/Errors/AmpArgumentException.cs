namespace Amp;

/// <summary>
/// A value could not be written to or read from a box: a required argument is missing, a value is
/// too long for the wire, or an answer's field is missing or malformed. Names the command and field.
/// The connection stays up.
/// </summary>
public sealed class AmpArgumentException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="commandName">The command whose box was being written or read.</param>
    /// <param name="fieldName">The wire name of the field.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AmpArgumentException(string commandName, string fieldName, string message, Exception? innerException = null)
        : base($"{commandName}.{fieldName}: {message}", innerException)
    {
        CommandName = commandName;
        FieldName = fieldName;
    }

    /// <summary>The command whose box was being written or read.</summary>
    public string CommandName { get; }

    /// <summary>The wire name of the field.</summary>
    public string FieldName { get; }
}
