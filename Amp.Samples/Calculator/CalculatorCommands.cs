namespace Amp.Samples.Calculator;

/// <summary>Adds two integers.</summary>
[AmpCommand("Sum")]
public sealed class Sum : IAmpCommand<SumResult>
{
    [AmpArgument("a")] public long A { get; init; }
    [AmpArgument("b")] public long B { get; init; }
}

/// <summary>The answer to <see cref="Sum"/>.</summary>
public sealed class SumResult
{
    [AmpArgument("total")] public long Total { get; init; }
}

/// <summary>Divides; dividing by zero is a declared error.</summary>
[AmpCommand("Divide")]
[AmpError("ZERO_DIVISION", typeof(DivideByZeroException))]
public sealed class Divide : IAmpCommand<DivideResult>
{
    [AmpArgument("numerator")] public double Numerator { get; init; }
    [AmpArgument("denominator")] public double Denominator { get; init; }
}

/// <summary>The answer to <see cref="Divide"/>.</summary>
public sealed class DivideResult
{
    [AmpArgument("quotient")] public double Quotient { get; init; }
}

/// <summary>Asks the other side who it is; the server calls this back on the client.</summary>
[AmpCommand("WhoAreYou")]
public sealed class WhoAreYou : IAmpCommand<Identity>;

/// <summary>The answer to <see cref="WhoAreYou"/>.</summary>
public sealed class Identity
{
    [AmpArgument("name")] public string Name { get; init; } = "";
}

/// <summary>The server asks the client who it is, then greets it by name.</summary>
[AmpCommand("Greet")]
public sealed class Greet : IAmpCommand<Greeting>;

/// <summary>The answer to <see cref="Greet"/>.</summary>
public sealed class Greeting
{
    [AmpArgument("text")] public string Text { get; init; } = "";
    [AmpArgument("at")] public DateTimeOffset At { get; init; }
}
