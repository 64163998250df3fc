using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Descriptors;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>
/// Byte-for-byte checks against boxes Twisted itself wrote: our server, fed Twisted's call, must write
/// Twisted's answer; our client, making the same call, must write Twisted's call.
/// </summary>
[CancelAfter(10000)]
public sealed class TwistedBytesTests
{
    private static readonly Dictionary<string, Type> s_commands = new(StringComparer.Ordinal)
    {
        ["Sum"] = typeof(Sum), ["Echo"] = typeof(Echo), ["Divide"] = typeof(Divide), ["Die"] = typeof(Die),
        ["Fail"] = typeof(Fail), ["Notify"] = typeof(Notify), ["GetNotifications"] = typeof(GetNotifications),
        ["Delay"] = typeof(Delay), ["CallMeBack"] = typeof(CallMeBack), ["Raw"] = typeof(Raw),
    };

    [TestCase("sum-call", "sum-answer")]
    [TestCase("sum-bigint-call", "sum-bigint-answer")]
    [TestCase("echo-empty-call", "echo-empty-answer")]
    [TestCase("echo-all-call", "echo-all-answer")]
    [TestCase("raw-empty-call", "raw-empty-answer")]
    [TestCase("divide-zero-call", "divide-zero-error")]
    [TestCase("die-call", "die-error")]
    [TestCase("fail-call", "fail-error")]
    [TestCase("unhandled-call", "unhandled-error")]
    [TestCase("badarg-call", "badarg-error")]
    public async Task OurServerAnswersWithTwistedsBytes(string call, string answer, CancellationToken cancellationToken)
    {
        var (peer, ours) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(ours, new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.Output.WriteAsync(TwistedCapture.Box(call), cancellationToken);
        byte[] expected = TwistedCapture.Box(answer);
        byte[] written = await ReadExactlyAsync(peer.Input, expected.Length, cancellationToken);
        Assert.That(Convert.ToHexString(written), Is.EqualTo(Convert.ToHexString(expected)), Describe(written, expected));
    }

    [Test]
    public async Task OurServerCallsBackAsTwistedDoes(CancellationToken cancellationToken)
    {
        var (peer, ours) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(ours, new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.Output.WriteAsync(TwistedCapture.Box("callmeback-call"), cancellationToken);
        byte[] callback = TwistedCapture.Box("callmeback-sum-callback");
        Assert.That(await ReadExactlyAsync(peer.Input, callback.Length, cancellationToken), Is.EqualTo(callback));
        await peer.Output.WriteAsync(TwistedCapture.Box("callmeback-sum-callback-answer"), cancellationToken);
        byte[] answer = TwistedCapture.Box("callmeback-answer");
        Assert.That(await ReadExactlyAsync(peer.Input, answer.Length, cancellationToken), Is.EqualTo(answer));
    }

    public static IEnumerable<string> CallBoxes() =>
        new[] { "sum-call", "sum-bigint-call", "echo-empty-call", "echo-all-call", "echo-empty-lists-call", "raw-empty-call", "divide-zero-call", "die-call", "fail-call", "callmeback-call" };

    [TestCaseSource(nameof(CallBoxes))]
    public async Task OurClientWritesTwistedsCallBytes(string call, CancellationToken cancellationToken)
    {
        byte[] expected = TwistedCapture.Box(call);
        object command = ParseCommand(expected);
        var (ours, peer) = InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(ours);
        _ = CallAsync(client, command, cancellationToken);
        byte[] written = await ReadExactlyAsync(peer.Input, expected.Length, cancellationToken);
        Assert.That(Convert.ToHexString(written), Is.EqualTo(Convert.ToHexString(expected)), Describe(written, expected));
    }

    [Test]
    public async Task TagsCountInLowerCaseHexAndNoAnswerCallsUseOneUp(CancellationToken cancellationToken)
    {
        var (ours, peer) = InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(ours);
        for (int i = 1; i <= 17; i++)
        {
            byte[] expected = TwistedCapture.Box($"tag-{i}");
            _ = CallAsync(client, ParseCommand(expected), cancellationToken);
            Assert.That(await ReadExactlyAsync(peer.Input, expected.Length, cancellationToken), Is.EqualTo(expected), $"tag-{i}");
        }

        var (ours2, peer2) = InMemoryTransport.CreatePair();
        await using AmpConnection second = AmpConnection.Start(ours2);
        foreach (string name in new[] { "notify-call", "sum-after-notify-call" })
        {
            byte[] expected = TwistedCapture.Box(name);
            _ = CallAsync(second, ParseCommand(expected), cancellationToken);
            Assert.That(await ReadExactlyAsync(peer2.Input, expected.Length, cancellationToken), Is.EqualTo(expected), name);
        }
    }

    [Test]
    public void KeyOrderIsTwisteds()
    {
        byte[] expected = TwistedCapture.Box("key-order");
        AmpBox box = Parse(expected);
        Assert.That(BoxWriter.Serialize(box), Is.EqualTo(expected));
    }

    private static Task CallAsync(AmpConnection connection, object command, CancellationToken cancellationToken)
    {
        var descriptor = CommandDescriptor.For(command.GetType());
        var method = descriptor.RequiresAnswer
            ? typeof(AmpConnection).GetMethods().Single(m => m.Name == nameof(AmpConnection.CallRemoteAsync) && m.GetParameters() is [{ ParameterType.Name: "IAmpCommand`1" }, { ParameterType: var last }] && last == typeof(CancellationToken))
            : typeof(AmpConnection).GetMethod(nameof(AmpConnection.SendAsync))!;
        Type response = command.GetType().GetInterfaces()[0].GetGenericArguments()[0];
        return (Task)method.MakeGenericMethod(response).Invoke(connection, [command, cancellationToken])!;
    }

    private static object ParseCommand(byte[] box)
    {
        string name = Parse(box).GetString("_command")!;
        Type command = s_commands[name];
        Type response = command.GetInterfaces()[0].GetGenericArguments()[0];
        return typeof(TwistedBytesTests).GetMethod(nameof(ReadArguments), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(command, response).Invoke(null, [box])!;
    }

    private static object ReadArguments<TCommand, TResponse>(byte[] box)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class => CommandDescriptor<TCommand, TResponse>.Instance.ReadArguments(box);

    private static AmpBox Parse(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box), Is.True);
        return box!;
    }

    private static string Describe(byte[] written, byte[] expected)
    {
        try
        {
            return $"ours: {Parse(written)}\ntwisted: {Parse(expected)}";
        }
        catch (AssertionException)
        {
            return "ours is not a complete box";
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var received = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            long take = Math.Min(result.Buffer.Length, count - filled);
            result.Buffer.Slice(0, take).CopyTo(received.AsSpan(filled));
            filled += (int)take;
            reader.AdvanceTo(result.Buffer.GetPosition(take));
            if (filled < count && result.IsCompleted)
            {
                break;
            }
        }

        return received.AsSpan(0, filled).ToArray();
    }
}
