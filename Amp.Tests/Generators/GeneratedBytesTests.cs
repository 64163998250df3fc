using System.Buffers;
using System.Reflection;
using Amp.Boxes;
using Amp.Descriptors;
using Amp.Tests.Interop;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Generators;

/// <summary>
/// Twisted's own boxes, read by one path and written by the other, both ways: the generated and the
/// reflection descriptions of every interop command give Twisted's bytes exactly.
/// </summary>
public sealed class GeneratedBytesTests
{
    private static readonly Dictionary<string, Type> s_commands = new(StringComparer.Ordinal)
    {
        ["sum"] = typeof(Sum), ["sum-bigint"] = typeof(Sum), ["echo-empty"] = typeof(Echo), ["echo-all"] = typeof(Echo),
        ["echo-empty-lists"] = typeof(Echo), ["raw-empty"] = typeof(Raw), ["divide-zero"] = typeof(Divide), ["die"] = typeof(Die),
        ["fail"] = typeof(Fail), ["notify"] = typeof(Notify), ["sum-after-notify"] = typeof(Sum), ["callmeback"] = typeof(CallMeBack),
        ["callmeback-sum-callback"] = typeof(Sum), ["starttls"] = typeof(Amp.Tls.StartTls), ["switch"] = typeof(SwitchProtocol),
    };

    // switch-call is not here: Twisted's switch command carries other arguments than ours (only its answer is compared).
    public static IEnumerable<TestCaseData> Calls() =>
        new[] { "sum", "sum-bigint", "echo-empty", "echo-all", "echo-empty-lists", "raw-empty", "divide-zero", "die", "fail", "notify", "sum-after-notify", "callmeback", "starttls" }
            .Select(k => (Name: k + "-call", Command: s_commands[k]))
            .Append((Name: "callmeback-sum-callback", Command: typeof(Sum)))
            .Concat(Enumerable.Range(1, 17).Select(i => (Name: $"tag-{i}", Command: typeof(Sum))))
            .Select(call => new TestCaseData(call.Name, call.Command).SetArgDisplayNames(call.Name));

    public static IEnumerable<TestCaseData> Answers() =>
        new[] { "sum", "sum-bigint", "echo-empty", "echo-all", "raw-empty", "callmeback", "callmeback-sum-callback", "starttls", "switch" }
            .Select(name => new TestCaseData(name + "-answer", s_commands[name]).SetArgDisplayNames(name + "-answer"));

    public static IEnumerable<TestCaseData> Errors() =>
        new[] { "divide-zero", "die", "fail" }.Select(name => new TestCaseData(name + "-error", s_commands[name]).SetArgDisplayNames(name + "-error"));

    [TestCaseSource(nameof(Calls))]
    public void ACallReadByOnePathIsWrittenByTheOtherAsTwistedWroteIt(string name, Type command) =>
        Invoke(nameof(CallBothWays), command, TwistedCapture.Box(name));

    [TestCaseSource(nameof(Answers))]
    public void AnAnswerReadByOnePathIsWrittenByTheOtherAsTwistedWroteIt(string name, Type command) =>
        Invoke(nameof(AnswerBothWays), command, TwistedCapture.Box(name));

    [TestCaseSource(nameof(Errors))]
    public void AnErrorMapsToTheSameExceptionOnBothPaths(string name, Type command)
    {
        AmpBox box = Parse(TwistedCapture.Box(name));
        string code = box.GetString("_error_code")!;
        string description = box.GetString("_error_description")!;
        CommandDescriptor generated = CommandDescriptor.For(command);
        CommandDescriptor reflected = CommandTypes.Reflect(command).Descriptor!;
        Exception fromGenerated = generated.MapRemoteError(code, description);
        Exception fromReflection = reflected.MapRemoteError(code, description);
        Assert.That(generated.IsGenerated, Is.True);
        Assert.That(fromGenerated.GetType(), Is.EqualTo(fromReflection.GetType()));
        Assert.That(fromGenerated.Message, Is.EqualTo(fromReflection.Message));
        Assert.That(generated.FindDeclaredError(fromReflection)?.Code, Is.EqualTo(reflected.FindDeclaredError(fromGenerated)?.Code));
    }

    private static void CallBothWays<TCommand, TResponse>(byte[] captured)
        where TCommand : class
        where TResponse : class
    {
        var (generated, reflected) = Both<TCommand, TResponse>();
        AmpBox box = Parse(captured);
        AmpTag? tag = box.TryGetValue("_ask", out ReadOnlyMemory<byte> ask) ? AmpTag.FromWire(ask.Span) : null;
        TCommand byGenerated = generated.ReadArguments(captured);
        TCommand byReflection = reflected.ReadArguments(captured);
        Assert.That(Hex(buffer => reflected.WriteCall(byGenerated, tag, buffer)), Is.EqualTo(Convert.ToHexString(captured)), "read generated, written by reflection");
        Assert.That(Hex(buffer => generated.WriteCall(byReflection, tag, buffer)), Is.EqualTo(Convert.ToHexString(captured)), "read by reflection, written generated");
    }

    private static void AnswerBothWays<TCommand, TResponse>(byte[] captured)
        where TCommand : class
        where TResponse : class
    {
        var (generated, reflected) = Both<TCommand, TResponse>();
        byte[] tag = Parse(captured)["_answer"].ToArray();
        TResponse byGenerated = generated.ReadResponse(captured);
        TResponse byReflection = reflected.ReadResponse(captured);
        Assert.That(Hex(buffer => reflected.WriteAnswer(byGenerated, tag, buffer)), Is.EqualTo(Convert.ToHexString(captured)), "read generated, written by reflection");
        Assert.That(Hex(buffer => generated.WriteAnswer(byReflection, tag, buffer)), Is.EqualTo(Convert.ToHexString(captured)), "read by reflection, written generated");
    }

    private static (CommandDescriptor<TCommand, TResponse> Generated, CommandDescriptor<TCommand, TResponse> Reflected) Both<TCommand, TResponse>()
        where TCommand : class
        where TResponse : class
    {
        var generated = (CommandDescriptor<TCommand, TResponse>)CommandDescriptor.For(typeof(TCommand));
        var reflected = CommandDescriptor<TCommand, TResponse>.CreateByReflection();
        Assert.That(generated.IsGenerated, Is.True, $"{typeof(TCommand).Name} is described by generated code");
        Assert.That(reflected.IsGenerated, Is.False);
        return (generated, reflected);
    }

    private static void Invoke(string method, Type command, byte[] captured)
    {
        MethodInfo generic = typeof(GeneratedBytesTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(command, CommandTypes.ResponseType(command)!);
        try
        {
            generic.Invoke(null, [captured]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    private static string Hex(Action<BoxBuffer> write)
    {
        var buffer = new BoxBuffer();
        write(buffer);
        return Convert.ToHexString(buffer.WrittenSpan);
    }

    private static AmpBox Parse(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBox? box), Is.True);
        return box!;
    }
}
