using Amp.Arguments;
using Amp.Boxes;
using Amp.Descriptors;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Unit.Commands;

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
    public void AMessagePackObjectWithoutTypeNamesThePackage() =>
        AssertInvalidCommand<MessagePackObjectWithoutTypeCommand, AmpEmptyResponse>("P", "Type = typeof(MessagePackArgument<PackedPoint>) from the Amp.MessagePack package");

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
