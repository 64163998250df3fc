using Amp.Boxes;
using Amp.Commands;
using Amp.Commands.Arguments;
using Amp.Commands.Descriptors;
using Amp.Dispatch;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Unit.Commands;

#pragma warning disable CA1812 // Types used only through reflection.
#pragma warning disable CA1064, CA1032 // Test exceptions need only the constructors under test.

public sealed class DefResponse;

public sealed class UnsupportedTypeCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("id")] public Guid Id { get; set; }
}

public sealed class UnsupportedListElementCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("ids")] public List<Guid> Ids { get; set; } = [];
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

/// <summary>Declaration validation: every invalid declaration fails at registration, naming the type and member.</summary>
[CancelAfter(10000)]
public sealed class DefinitionTests
{
    private static AmpDefinitionException AssertInvalidCommand<TCommand, TResponse>(string? member, string messagePart)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        Func<TCommand, TResponse> responder = _ => default!;
        var error = Assert.Throws<AmpDefinitionException>(() => new AmpResponders().Add(responder));
        Assert.Multiple(() =>
        {
            Assert.That(error!.MemberName, Is.EqualTo(member));
            Assert.That(error.Message, Does.Contain(typeof(TCommand).FullName!));
            if (member is not null)
            {
                Assert.That(error.Message, Does.Contain("." + member + ":"));
            }

            Assert.That(error.Message, Does.Contain(messagePart));
        });
        return error!;
    }

    [Test]
    public void UnsupportedPropertyType()
    {
        var error = AssertInvalidCommand<UnsupportedTypeCommand, AmpEmptyResponse>("Id", "System.Guid");
        Assert.That(error.DeclaringType, Is.EqualTo(typeof(UnsupportedTypeCommand)));
    }

    [Test]
    public void UnsupportedListElementType() =>
        AssertInvalidCommand<UnsupportedListElementCommand, AmpEmptyResponse>("Ids", "System.Guid");

    [Test]
    public void DuplicateWireNames()
    {
        var error = AssertInvalidCommand<DuplicateNameCommand, AmpEmptyResponse>("Second", "'x'");
        Assert.That(error.DeclaringType, Is.EqualTo(typeof(DuplicateNameCommand)));
    }

    [Test]
    public void ReservedKeyName() => AssertInvalidCommand<ReservedKeyCommand, AmpEmptyResponse>("Ask", "_ask");

    [Test]
    public void EmptyKeyName() => AssertInvalidCommand<EmptyKeyCommand, AmpEmptyResponse>("Nameless", "empty");

    [Test]
    public void KeyLongerThan255Bytes() => AssertInvalidCommand<KeyTooLongCommand, AmpEmptyResponse>("Long", "256");

    [Test]
    public void PropertyWithoutASetter() => AssertInvalidCommand<NoSetterCommand, AmpEmptyResponse>("ReadOnly", "setter");

    [Test]
    public void PropertyWithAPrivateSetter() => AssertInvalidCommand<PrivateSetterCommand, AmpEmptyResponse>("Hidden", "setter");

    [Test]
    public void OptionalOnANonNullableInt() => AssertInvalidCommand<OptionalIntCommand, AmpEmptyResponse>("Count", "Optional");

    [Test]
    public void ExplicitArgumentTypeOfTheWrongValueType() =>
        AssertInvalidCommand<WrongExplicitTypeCommand, AmpEmptyResponse>("Text", nameof(Int32Argument));

    [Test]
    public void InvalidResponseFieldNamesTheResponseType()
    {
        var error = Assert.Throws<AmpDefinitionException>(() => new AmpResponders().Add((BadResponseCommand _) => new BadResponseField()));
        Assert.That(error!.DeclaringType, Is.EqualTo(typeof(BadResponseField)));
        Assert.That(error.MemberName, Is.EqualTo("When"));
        Assert.That(error.Message, Does.Contain(typeof(BadResponseField).FullName!).And.Contain("System.TimeSpan"));
    }

    [Test]
    public void ErrorTypeWithoutAStringConstructor()
    {
        var error = AssertInvalidCommand<ErrorWithoutStringConstructorCommand, AmpEmptyResponse>(null, nameof(NoMessageConstructorException));
        Assert.That(error.Message, Does.Contain("NO_CTOR").And.Contain("constructor"));
    }

    [Test]
    public void ErrorTypeThatIsNotAnException() =>
        AssertInvalidCommand<ErrorNotAnExceptionCommand, AmpEmptyResponse>(null, "System.String");

    [Test]
    public void ErrorCodeDeclaredTwiceOnOneClass() =>
        AssertInvalidCommand<DuplicateErrorCodeCommand, AmpEmptyResponse>(null, "'SAME'");

    [Test]
    public void CommandClassNotImplementingIAmpCommand()
    {
        var error = Assert.Throws<AmpDefinitionException>(() => CommandDescriptor.For(typeof(NotACommand)));
        Assert.That(error!.DeclaringType, Is.EqualTo(typeof(NotACommand)));
        Assert.That(error.Message, Does.Contain(typeof(NotACommand).FullName!).And.Contain("IAmpCommand"));

        var responder = Assert.Throws<AmpDefinitionException>(() => new AmpResponders().AddObject(new ResponderTakingNotACommand()));
        Assert.That(responder!.DeclaringType, Is.EqualTo(typeof(ResponderTakingNotACommand)));
        Assert.That(responder.MemberName, Is.EqualTo("Handle"));
        Assert.That(responder.Message, Does.Contain(nameof(NotACommand)).And.Contain("IAmpCommand"));
    }

    [TestCase(typeof(ResponderWithABadParameter), "extra")]
    [TestCase(typeof(ResponderWithoutParameters), "first parameter")]
    [TestCase(typeof(ResponderReturningInt), "must return")]
    [TestCase(typeof(ResponderReturningTask), "must return")]
    [TestCase(typeof(ResponderReturningTheWrongResponse), "must return")]
    public void ResponderMethodWithABadSignature(Type responderType, string messagePart)
    {
        var error = Assert.Throws<AmpDefinitionException>(() => new AmpResponders().AddObject(Activator.CreateInstance(responderType)!));
        Assert.Multiple(() =>
        {
            Assert.That(error!.DeclaringType, Is.EqualTo(responderType));
            Assert.That(error.MemberName, Is.EqualTo("Handle"));
            Assert.That(error.Message, Does.Contain(responderType.FullName + ".Handle:"));
            Assert.That(error.Message, Does.Contain(messagePart));
        });
    }

    [Test]
    public async Task CallingAnInvalidCommandThrowsSynchronouslyAndSendsNothing(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        Assert.Throws<AmpDefinitionException>(() => peer.Connection.CallRemoteAsync(new UnsupportedTypeCommand(), cancellationToken));
        Assert.Throws<AmpDefinitionException>(() => peer.Connection.SendAsync(new DuplicateNameCommand(), cancellationToken));

        // The next box on the wire is the good call's, and it carries tag 1: nothing was sent or numbered.
        _ = peer.Connection.CallRemoteAsync(new GoodCommand { A = 1 }, cancellationToken);
        AmpBox box = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(box.GetString("_command"), Is.EqualTo(nameof(GoodCommand)));
        Assert.That(box.GetString("_ask"), Is.EqualTo("1"));
    }

    [Test]
    public void RegisteringAResponderTwiceThrows()
    {
        var responders = new AmpResponders().Add((GoodCommand _) => AmpEmptyResponse.Instance);
        Assert.Throws<ArgumentException>(() => responders.Add((GoodCommand _) => AmpEmptyResponse.Instance));
        Assert.Throws<ArgumentException>(() => responders.AddObject(new ResponderForGoodCommand()));
        Assert.Throws<ArgumentException>(() => responders.AddRaw(nameof(GoodCommand), (box, _, _) => ValueTask.FromResult(box)));
        Assert.That(responders.CommandNames, Is.EqualTo(new[] { nameof(GoodCommand) }));

        var raw = new AmpResponders().AddRaw("X", (box, _, _) => ValueTask.FromResult(box));
        var duplicate = Assert.Throws<ArgumentException>(() => raw.AddRaw("X", (box, _, _) => ValueTask.FromResult(box)));
        Assert.That(duplicate!.Message, Does.Contain("'X'"));
    }

    [Test]
    public void TheCommandNameDefaultsToTheClassName()
    {
        Assert.That(CommandDescriptor.For(typeof(NamelessCommand)).Name, Is.EqualTo(nameof(NamelessCommand)));
        Assert.That(CommandDescriptor.For(typeof(AttributeWithoutNameCommand)).Name, Is.EqualTo(nameof(AttributeWithoutNameCommand)));
        Assert.That(CommandDescriptor.For(typeof(ExplicitlyNamedCommand)).Name, Is.EqualTo("wire-name"));
        Assert.That(CommandDescriptor.For(typeof(InheritedCommand)).Name, Is.EqualTo(nameof(InheritedCommand)));
        Assert.That(new AmpResponders().Add((NamelessCommand c) => new DefEcho { A = c.A }).CommandNames, Is.EqualTo(new[] { nameof(NamelessCommand) }));
    }

    [Test]
    public async Task DefaultNamesAreUsedOnTheWire(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders()
            .Add((NamelessCommand c) => new DefEcho { A = c.A })
            .Add((ExplicitlyNamedCommand c) => new DefEcho { A = -c.A });
        await using var pair = await Pair.StartAsync(responders);
        Assert.That((await pair.Client.CallRemoteAsync(new NamelessCommand { A = 4 }, cancellationToken)).A, Is.EqualTo(4));
        AmpBox raw = await pair.Client.CallRemoteStringAsync("NamelessCommand", new AmpBox().SetString("a", "5"), cancellationToken);
        Assert.That(raw.GetString("a"), Is.EqualTo("5"));
        raw = await pair.Client.CallRemoteStringAsync("wire-name", new AmpBox().SetString("a", "5"), cancellationToken);
        Assert.That(raw.GetString("a"), Is.EqualTo("-5"));
        Assert.ThrowsAsync<AmpUnhandledCommandException>(() => pair.Client.CallRemoteStringAsync(nameof(ExplicitlyNamedCommand), null, cancellationToken));
    }

    [Test]
    public async Task ErrorsDeclaredOnABaseCommandApplyToASubclass(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders()
            .Add((InheritedCommand _) => Throw(new InheritedError("inherited")))
            .Add((AddErrorsCommand c) => Throw(c.Other ? new AddedCommandError("added") : new InheritedError("from base")));
        await using var pair = await Pair.StartAsync(responders);

        var inherited = Assert.ThrowsAsync<InheritedError>(() => pair.Client.CallRemoteAsync(new InheritedCommand(), cancellationToken));
        Assert.That(inherited!.Message, Is.EqualTo("inherited"));
        var wire = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync(nameof(InheritedCommand), new AmpBox().SetString("other", "False"), cancellationToken));
        Assert.That(wire!.ErrorCode, Is.EqualTo("INHERITED_ERROR"));
        Assert.That(wire.Description, Is.EqualTo("inherited"));

        var added = Assert.ThrowsAsync<AddedCommandError>(() => pair.Client.CallRemoteAsync(new AddErrorsCommand { Other = true }, cancellationToken));
        Assert.That(added!.Message, Is.EqualTo("added"));
        var fromBase = Assert.ThrowsAsync<InheritedError>(() => pair.Client.CallRemoteAsync(new AddErrorsCommand { Other = false }, cancellationToken));
        Assert.That(fromBase!.Message, Is.EqualTo("from base"));
        wire = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync(nameof(AddErrorsCommand), new AmpBox().SetString("other", "True"), cancellationToken));
        Assert.That(wire!.ErrorCode, Is.EqualTo("ADDED_ERROR"));

        // The base's errors are not the subclass's own: the base command itself knows nothing of ADDED_ERROR.
        Assert.That(CommandDescriptor.For(typeof(BaseCommand)).Errors.Select(e => e.Code), Is.EqualTo(new[] { "INHERITED_ERROR" }));
        Assert.That(CommandDescriptor.For(typeof(AddErrorsCommand)).Errors.Select(e => e.Code), Is.EquivalentTo(new[] { "INHERITED_ERROR", "ADDED_ERROR" }));
        Assert.That(pair.Client.IsConnected, Is.True);
    }

    [Test]
    public async Task ASubclassRedeclaringABaseCodeWins(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((OverrideErrorCommand _) => Throw(new OverridingError("mine")));
        await using var pair = await Pair.StartAsync(responders);
        var error = Assert.ThrowsAsync<OverridingError>(() => pair.Client.CallRemoteAsync(new OverrideErrorCommand(), cancellationToken));
        Assert.That(error!.Message, Is.EqualTo("mine"));
        var wire = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync(nameof(OverrideErrorCommand), new AmpBox().SetString("other", "True"), cancellationToken));
        Assert.That(wire!.ErrorCode, Is.EqualTo("INHERITED_ERROR"));
    }

    private static AmpEmptyResponse Throw(Exception exception) => throw exception;

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(AmpConnection client, AmpConnection server)
        {
            Client = client;
            Server = server;
        }

        public AmpConnection Client { get; }

        public AmpConnection Server { get; }

        public static Task<Pair> StartAsync(AmpResponders serverResponders)
        {
            var (initiator, acceptor) = InMemoryTransport.CreatePair();
            return Task.FromResult(new Pair(
                AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "client" }),
                AmpConnection.Start(acceptor, new AmpConnectionOptions { Name = "server", Responders = serverResponders })));
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
