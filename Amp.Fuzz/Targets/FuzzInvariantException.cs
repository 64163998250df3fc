namespace Amp.Fuzz.Targets;

/// <summary>A fuzz target's invariant does not hold for an input: a finding.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which invariant broke, and how.</param>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which invariant broke, and how.</param>
    /// <param name="innerException">The exception that broke it.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The invariant.</param>
    /// <param name="message">What broke.</param>
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(message);
        }
    }
}
