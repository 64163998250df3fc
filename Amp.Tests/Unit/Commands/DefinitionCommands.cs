using Amp.Arguments;
using Amp.Boxes;
using Amp.Descriptors;
using Amp.Tests.TestUtilities;
using Amp.Transports;

// Declarations, valid and invalid, that DefinitionTests registers.
namespace Amp.Tests.Unit.Commands;

#pragma warning disable CA1812 // Types used only through reflection.
#pragma warning disable CA1064, CA1032 // Test exceptions need only the constructors under test.
// Deliberately invalid declarations: these tests check the reflection fallback's AmpDefinitionException, so the
// analyzer's compile-time errors for them are off here (Generators/DiagnosticTests checks the same mistakes at compile time).
#pragma warning disable AMP005, AMP007, AMP008, AMP010, AMP012, AMP013, AMP014, AMP017, AMP018, AMP019, AMP026, AMP028, AMP029, AMP030, AMP031

public sealed class DefResponse;

public sealed class UnsupportedTypeCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("id")] public Guid Id { get; set; }
}

public sealed class UnsupportedListElementCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("ids")] public List<Guid> Ids { get; set; } = [];
}

// global::: inside namespace Amp, "MessagePack" would be Amp.MessagePack.
[global::MessagePack.MessagePackObject]
public sealed class PackedPoint
{
    [global::MessagePack.Key(0)] public int X { get; set; }
}

public sealed class MessagePackObjectWithoutTypeCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("p")] public PackedPoint P { get; set; } = new();
}

public sealed class DuplicateNameCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("x")] public int First { get; set; }
    [AmpArgument("x")] public int Second { get; set; }
}

public sealed class ReservedKeyCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("_ask")] public string Ask { get; set; } = "";
}

public sealed class EmptyKeyCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("")] public string Nameless { get; set; } = "";
}

public sealed class KeyTooLongCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    public string Long { get; set; } = "";
}

public sealed class NoSetterCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("a")] public int ReadOnly { get; }
}

public sealed class PrivateSetterCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("a")] public int Hidden { get; private set; }
}

public sealed class OptionalIntCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("n", Optional = true)] public int Count { get; set; }
}

public sealed class WrongExplicitTypeCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("s", Type = typeof(Int32Argument))] public string Text { get; set; } = "";
}

public sealed class BadResponseField
{
    [AmpArgument("when")] public TimeSpan When { get; set; }
}

public sealed class BadResponseCommand : IAmpCommand<BadResponseField>;

public sealed class NoMessageConstructorException : Exception
{
    public NoMessageConstructorException()
    {
    }
}

[AmpError("NO_CTOR", typeof(NoMessageConstructorException))]
public sealed class ErrorWithoutStringConstructorCommand : IAmpCommand<AmpEmptyResponse>;

[AmpError("NOT_AN_EXCEPTION", typeof(string))]
public sealed class ErrorNotAnExceptionCommand : IAmpCommand<AmpEmptyResponse>;

public sealed class DefError : Exception
{
    public DefError(string message) : base(message) { }
}

[AmpError("SAME", typeof(DefError))]
[AmpError("SAME", typeof(InvalidOperationException))]
public sealed class DuplicateErrorCodeCommand : IAmpCommand<AmpEmptyResponse>;

public sealed class NotACommand
{
    [AmpArgument("a")] public int A { get; set; }
}

public sealed class GoodCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("a")] public int A { get; set; }
}

public sealed class ResponderTakingNotACommand
{
    [AmpResponder] public AmpEmptyResponse Handle(NotACommand command) => AmpEmptyResponse.Instance;
}

public sealed class ResponderWithABadParameter
{
    [AmpResponder] public AmpEmptyResponse Handle(GoodCommand command, string extra) => AmpEmptyResponse.Instance;
}

public sealed class ResponderWithoutParameters
{
    [AmpResponder] public AmpEmptyResponse Handle() => AmpEmptyResponse.Instance;
}

public sealed class ResponderReturningInt
{
    [AmpResponder] public int Handle(GoodCommand command) => command.A;
}

public sealed class ResponderReturningTask
{
    [AmpResponder] public Task Handle(GoodCommand command) => Task.CompletedTask;
}

public sealed class ResponderReturningTheWrongResponse
{
    [AmpResponder] public Task<SumResult> Handle(GoodCommand command) => Task.FromResult(new SumResult());
}

public sealed class ResponderForGoodCommand
{
    [AmpResponder] public AmpEmptyResponse Handle(GoodCommand command) => AmpEmptyResponse.Instance;
}

// Named by default after the class.
public sealed class NamelessCommand : IAmpCommand<DefEcho>
{
    [AmpArgument("a")] public int A { get; set; }
}

[AmpCommand(RequiresAnswer = true)]
public sealed class AttributeWithoutNameCommand : IAmpCommand<DefEcho>
{
    [AmpArgument("a")] public int A { get; set; }
}

[AmpCommand("wire-name")]
public sealed class ExplicitlyNamedCommand : IAmpCommand<DefEcho>
{
    [AmpArgument("a")] public int A { get; set; }
}

public sealed class DefEcho
{
    [AmpArgument("a")] public int A { get; set; }
}

// Twisted's CommandInheritanceTests: errors declared on a base command apply to its subclasses,
// and a subclass may add its own.
public sealed class InheritedError : Exception
{
    public InheritedError(string message) : base(message) { }
}

public sealed class AddedCommandError : Exception
{
    public AddedCommandError(string message) : base(message) { }
}

public sealed class OverridingError : Exception
{
    public OverridingError(string message) : base(message) { }
}

[AmpError("INHERITED_ERROR", typeof(InheritedError))]
public class BaseCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("other")] public bool Other { get; set; }
}

public sealed class InheritedCommand : BaseCommand;

[AmpError("ADDED_ERROR", typeof(AddedCommandError))]
public sealed class AddErrorsCommand : BaseCommand;

[AmpError("INHERITED_ERROR", typeof(OverridingError))]
public sealed class OverrideErrorCommand : BaseCommand;

#pragma warning restore CA1064, CA1032
#pragma warning restore CA1812
