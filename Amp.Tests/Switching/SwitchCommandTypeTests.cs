using Amp.Tests.TestUtilities;

namespace Amp.Tests.Switching;

/// <summary>A switch command cannot be sent as an ordinary call: the type system keeps it out of CallRemoteAsync.</summary>
[CancelAfter(30_000)]
public sealed class SwitchCommandTypeTests
{
    [Test]
    public void ASwitchCommandIsNoOrdinaryCommand()
    {
        // CallRemoteAsync takes IAmpCommand<TResponse>: a switch command does not compile there.
        Assert.That(typeof(IAmpCommand<AmpEmptyResponse>).IsAssignableFrom(typeof(SwitchProtocol)), Is.False);
        Assert.That(typeof(SwitchProtocol).GetInterfaces(), Has.None.Matches<Type>(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IAmpCommand<>)));
    }

    [Test]
    public async Task ACommandDeclaredAsBothIsRefusedBeforeAnythingIsSent(CancellationToken cancellationToken)
    {
        await using var pair = ConnectedPair.Create(null);
        var refused = Assert.Throws<AmpDefinitionException>(() => pair.Client.CallRemoteAsync(new BothKinds(), cancellationToken));
        Assert.That(refused!.Message, Does.Contain("SwitchProtocolAsync"));
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(new System.Numerics.BigInteger(2)));
    }

    // Deliberately invalid (AMP003 at compile time, off here): the test checks the run-time refusal.
#pragma warning disable AMP003
    [AmpCommand("BothKinds")]
    private sealed class BothKinds : IAmpCommand<AmpEmptyResponse>, IAmpProtocolSwitchCommand;
#pragma warning restore AMP003
}
