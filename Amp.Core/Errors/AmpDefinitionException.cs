namespace Amp;

/// <summary>
/// A command, response or responder declaration is invalid (an unsupported property type, a duplicate
/// wire name, a clashing error code). Thrown once, at registration, naming the type and member.
/// </summary>
public sealed class AmpDefinitionException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="type">The declaring type.</param>
    /// <param name="member">The member at fault, or <see langword="null"/> when the type itself is.</param>
    /// <param name="message">What is wrong.</param>
    public AmpDefinitionException(Type type, string? member, string message)
        : base(member is null ? $"{type.FullName}: {message}" : $"{type.FullName}.{member}: {message}")
    {
        DeclaringType = type;
        MemberName = member;
    }

    /// <summary>The declaring type.</summary>
    public Type DeclaringType { get; }

    /// <summary>The member at fault, if any.</summary>
    public string? MemberName { get; }
}
