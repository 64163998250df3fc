using System.Numerics;

namespace Amp.Tests.TestUtilities;

// The command set shared with Interop/Twisted/twisted_peer.py; wire names must match it exactly.

[AmpCommand("Sum")]
public sealed class Sum : IAmpCommand<SumResult>
{
    [AmpArgument("a")] public BigInteger A { get; init; }
    [AmpArgument("b")] public BigInteger B { get; init; }
}

public sealed class SumResult
{
    [AmpArgument("total")] public BigInteger Total { get; init; }
}

public sealed class EchoItem
{
    [AmpArgument("name")] public string Name { get; init; } = "";
    [AmpArgument("n")] public BigInteger? N { get; init; }
}

/// <summary>Echo's arguments and its response are the same keys, so the command is its own response shape.</summary>
[AmpCommand("Echo")]
public sealed class Echo : EchoValues, IAmpCommand<EchoValues>;

public class EchoValues
{
    [AmpArgument("int")] public BigInteger? Int { get; init; }
    [AmpArgument("bytes")] public byte[]? Bytes { get; init; }
    [AmpArgument("text")] public string? Text { get; init; }
    [AmpArgument("flag")] public bool? Flag { get; init; }
    [AmpArgument("float")] public double? Float { get; init; }
    [AmpArgument("decimal")] public AmpDecimal? Decimal { get; init; }
    [AmpArgument("when")] public AmpDateTime? When { get; init; }
    [AmpArgument("ints")] public IReadOnlyList<BigInteger>? Ints { get; init; }
    [AmpArgument("texts")] public IReadOnlyList<string>? Texts { get; init; }
    [AmpArgument("decimals")] public IReadOnlyList<AmpDecimal>? Decimals { get; init; }
    [AmpArgument("whens")] public IReadOnlyList<AmpDateTime>? Whens { get; init; }
    [AmpArgument("items")] public IReadOnlyList<EchoItem>? Items { get; init; }
    [AmpArgument("path", Type = typeof(Amp.Arguments.PathArgument))] public string? Path { get; init; }
}

public sealed class ZeroDivisionException : Exception
{
    public ZeroDivisionException(string message) : base(message) { }
}

public sealed class DeathThreatException : Exception
{
    public DeathThreatException(string message) : base(message) { }
}

[AmpCommand("Divide")]
[AmpError("ZERO_DIVISION", typeof(ZeroDivisionException))]
public sealed class Divide : IAmpCommand<DivideResult>
{
    [AmpArgument("numerator")] public long Numerator { get; init; }
    [AmpArgument("denominator")] public long Denominator { get; init; }
}

public sealed class DivideResult
{
    [AmpArgument("quotient")] public double Quotient { get; init; }
}

[AmpCommand("Die")]
[AmpError("DEAD", typeof(DeathThreatException), Fatal = true)]
public sealed class Die : IAmpCommand<AmpEmptyResponse>;

[AmpCommand("Fail")]
public sealed class Fail : IAmpCommand<AmpEmptyResponse>;

[AmpCommand("Notify", RequiresAnswer = false)]
public sealed class Notify : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("message")] public string Message { get; init; } = "";
}

[AmpCommand("GetNotifications")]
public sealed class GetNotifications : IAmpCommand<Notifications>;

public sealed class Notifications
{
    [AmpArgument("messages")] public IReadOnlyList<string> Messages { get; init; } = [];
}

[AmpCommand("Delay")]
public sealed class Delay : IAmpCommand<DelayResult>
{
    [AmpArgument("ms")] public int Ms { get; init; }
    [AmpArgument("value")] public long Value { get; init; }
}

public sealed class DelayResult
{
    [AmpArgument("value")] public long Value { get; init; }
}

[AmpCommand("CallMeBack")]
public sealed class CallMeBack : IAmpCommand<SumResult>
{
    [AmpArgument("a")] public BigInteger A { get; init; }
    [AmpArgument("b")] public BigInteger B { get; init; }
}

[AmpCommand("Raw")]
public sealed class Raw : IAmpCommand<RawResult>
{
    [AmpArgument("payload")] public byte[] Payload { get; init; } = [];
}

public sealed class RawResult
{
    [AmpArgument("payload")] public byte[] Payload { get; init; } = [];
}

[AmpCommand("PeerInfo")]
public sealed class PeerInfo : IAmpCommand<PeerInfoResult>;

public sealed class PeerInfoResult
{
    [AmpArgument("tls")] public bool Tls { get; init; }
    [AmpArgument("subject")] public string? Subject { get; init; }
    [AmpArgument("issuer")] public string? Issuer { get; init; }
}

public sealed class UnknownProtocolException : Exception
{
    public UnknownProtocolException(string message) : base(message) { }
}

/// <summary>Twisted's ProtocolSwitchCommand in the interop set: switch to the named protocol ("raw-echo").</summary>
[AmpCommand("SwitchProtocol")]
[AmpError("UNKNOWN_PROTOCOL", typeof(UnknownProtocolException))]
public sealed class SwitchProtocol : IAmpProtocolSwitchCommand
{
    [AmpArgument("protocol")] public string Protocol { get; init; } = "";
}

/// <summary>
/// Echo of big values (Twisted's BigString/BigUnicode recipe), all optional. <c>data-x</c> sorts between
/// <c>data</c> and <c>data.10</c>, and <c>data.1x</c> between <c>data.19</c> and <c>data.2</c>: the
/// chunk keys of <c>data</c> interleave with them on the wire.
/// </summary>
[AmpCommand("BigEcho")]
public sealed class BigEcho : BigEchoValues, IAmpCommand<BigEchoValues>;

public class BigEchoValues
{
    [AmpArgument("data", Type = typeof(Amp.Arguments.BigStringArgument))] public byte[]? Data { get; init; }
    [AmpArgument("text", Type = typeof(Amp.Arguments.BigUnicodeArgument))] public string? Text { get; init; }
    [AmpArgument("data-x")] public byte[]? DataX { get; init; }
    [AmpArgument("data.1x")] public byte[]? DataDot1X { get; init; }
}
