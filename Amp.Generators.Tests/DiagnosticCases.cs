namespace Amp.Generators.Tests;

/// <summary>
/// One declaration mistake per diagnostic, each exactly the mistake the reflection path refuses with an
/// AmpDefinitionException (Amp.Tests' definition tests hold the same declarations at run time): the
/// analyzer reports that diagnostic at the marked place, and nothing else.
/// </summary>
public sealed class DiagnosticCases
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("AMP001", "A class marked [AmpCommand] without IAmpCommand<T>", """
            [AmpCommand("Ping")]
            public sealed class {|AMP001:Ping|} { }
            """);
        yield return Case("AMP002", "IAmpCommand<> twice", """
            public sealed class A { }
            public sealed class B { }
            [AmpCommand("Get")]
            public sealed class {|AMP002:Get|} : IAmpCommand<A>, IAmpCommand<B> { }
            """);
        yield return Case("AMP003", "a switch that is also a call", """
            [AmpCommand("S")]
            public sealed class {|AMP003:S|} : IAmpCommand<AmpEmptyResponse>, IAmpProtocolSwitchCommand { }
            """);
        yield return Case("AMP004", "an empty command name", """
            [AmpCommand("")]
            public sealed class {|AMP004:P|} : IAmpCommand<AmpEmptyResponse> { }
            """);
        yield return Case("AMP005", "an error code declared twice", """
            [AmpError("SAME", typeof(InvalidOperationException))]
            [{|AMP005:AmpError("SAME", typeof(ArgumentException))|}]
            public sealed class C : IAmpCommand<AmpEmptyResponse> { }
            """);
        yield return Case("AMP006", "an empty error code", """
            [{|AMP006:AmpError("", typeof(InvalidOperationException))|}]
            public sealed class C : IAmpCommand<AmpEmptyResponse> { }
            """);
        yield return Case("AMP007", "an error type that is no exception", """
            [{|AMP007:AmpError("X", typeof(string))|}]
            public sealed class C : IAmpCommand<AmpEmptyResponse> { }
            """);
        yield return Case("AMP008", "an exception without a message constructor", """
            public sealed class NoMessageException : Exception { public NoMessageException() { } }
            [{|AMP008:AmpError("X", typeof(NoMessageException))|}]
            public sealed class C : IAmpCommand<AmpEmptyResponse> { }
            """);
        yield return Case("AMP009", "a record without a parameterless constructor", """
            public sealed class {|AMP009:R|}
            {
                public R(int x) { X = x; }
                [AmpArgument("x")] public int X { get; set; }
            }
            """);
        yield return Case("AMP009", "an AmpList element without a parameterless constructor", """
            public sealed class {|AMP009:Element|}
            {
                public Element(int x) { }
            }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("items")] public List<Element> Items { get; set; } = [];
            }
            public sealed class D : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("items")] public Element[] Items { get; set; } = [];
            }
            """);
        yield return Case("AMP010", "a duplicate wire name", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("x")] public int First { get; set; }
                [AmpArgument("x")] public int {|AMP010:Second|} { get; set; }
            }
            """);
        yield return Case("AMP011", "more than 64 fields", """
            public sealed class {|AMP011:Wide|} : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("f0")] public int F0 { get; set; }
                [AmpArgument("f1")] public int F1 { get; set; }
                [AmpArgument("f2")] public int F2 { get; set; }
                [AmpArgument("f3")] public int F3 { get; set; }
                [AmpArgument("f4")] public int F4 { get; set; }
                [AmpArgument("f5")] public int F5 { get; set; }
                [AmpArgument("f6")] public int F6 { get; set; }
                [AmpArgument("f7")] public int F7 { get; set; }
                [AmpArgument("f8")] public int F8 { get; set; }
                [AmpArgument("f9")] public int F9 { get; set; }
                [AmpArgument("f10")] public int F10 { get; set; }
                [AmpArgument("f11")] public int F11 { get; set; }
                [AmpArgument("f12")] public int F12 { get; set; }
                [AmpArgument("f13")] public int F13 { get; set; }
                [AmpArgument("f14")] public int F14 { get; set; }
                [AmpArgument("f15")] public int F15 { get; set; }
                [AmpArgument("f16")] public int F16 { get; set; }
                [AmpArgument("f17")] public int F17 { get; set; }
                [AmpArgument("f18")] public int F18 { get; set; }
                [AmpArgument("f19")] public int F19 { get; set; }
                [AmpArgument("f20")] public int F20 { get; set; }
                [AmpArgument("f21")] public int F21 { get; set; }
                [AmpArgument("f22")] public int F22 { get; set; }
                [AmpArgument("f23")] public int F23 { get; set; }
                [AmpArgument("f24")] public int F24 { get; set; }
                [AmpArgument("f25")] public int F25 { get; set; }
                [AmpArgument("f26")] public int F26 { get; set; }
                [AmpArgument("f27")] public int F27 { get; set; }
                [AmpArgument("f28")] public int F28 { get; set; }
                [AmpArgument("f29")] public int F29 { get; set; }
                [AmpArgument("f30")] public int F30 { get; set; }
                [AmpArgument("f31")] public int F31 { get; set; }
                [AmpArgument("f32")] public int F32 { get; set; }
                [AmpArgument("f33")] public int F33 { get; set; }
                [AmpArgument("f34")] public int F34 { get; set; }
                [AmpArgument("f35")] public int F35 { get; set; }
                [AmpArgument("f36")] public int F36 { get; set; }
                [AmpArgument("f37")] public int F37 { get; set; }
                [AmpArgument("f38")] public int F38 { get; set; }
                [AmpArgument("f39")] public int F39 { get; set; }
                [AmpArgument("f40")] public int F40 { get; set; }
                [AmpArgument("f41")] public int F41 { get; set; }
                [AmpArgument("f42")] public int F42 { get; set; }
                [AmpArgument("f43")] public int F43 { get; set; }
                [AmpArgument("f44")] public int F44 { get; set; }
                [AmpArgument("f45")] public int F45 { get; set; }
                [AmpArgument("f46")] public int F46 { get; set; }
                [AmpArgument("f47")] public int F47 { get; set; }
                [AmpArgument("f48")] public int F48 { get; set; }
                [AmpArgument("f49")] public int F49 { get; set; }
                [AmpArgument("f50")] public int F50 { get; set; }
                [AmpArgument("f51")] public int F51 { get; set; }
                [AmpArgument("f52")] public int F52 { get; set; }
                [AmpArgument("f53")] public int F53 { get; set; }
                [AmpArgument("f54")] public int F54 { get; set; }
                [AmpArgument("f55")] public int F55 { get; set; }
                [AmpArgument("f56")] public int F56 { get; set; }
                [AmpArgument("f57")] public int F57 { get; set; }
                [AmpArgument("f58")] public int F58 { get; set; }
                [AmpArgument("f59")] public int F59 { get; set; }
                [AmpArgument("f60")] public int F60 { get; set; }
                [AmpArgument("f61")] public int F61 { get; set; }
                [AmpArgument("f62")] public int F62 { get; set; }
                [AmpArgument("f63")] public int F63 { get; set; }
                [AmpArgument("f64")] public int F64 { get; set; }
            }
            """);
        yield return Case("AMP012", "an empty wire name", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("")] public int {|AMP012:N|} { get; set; }
            }
            """);
        yield return Case("AMP013", "a wire name over 255 bytes", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] public int {|AMP013:N|} { get; set; }
            }
            """);
        yield return Case("AMP014", "a reserved key", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("_ask")] public int {|AMP014:Ask|} { get; set; }
            }
            """);
        yield return Case("AMP015", "a big value name over 249 bytes", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Type = typeof(BigStringArgument))] public byte[] {|AMP015:Data|} { get; set; } = [];
            }
            """);
        yield return Case("AMP016", "a field named as a chunk key", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("data", Type = typeof(BigStringArgument))] public byte[] Data { get; set; } = [];
                [AmpArgument("data.2")] public int {|AMP016:Two|} { get; set; }
                [AmpArgument("data.02")] public int NotAChunkKey { get; set; }
            }
            """);
        yield return Case("AMP017", "a private setter", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n")] public int {|AMP017:N|} { get; private set; }
            }
            """);
        yield return Case("AMP018", "a type without a wire type", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("id")] public Guid {|AMP018:Id|} { get; set; }
            }
            """);
        yield return Case("AMP019", "a named type of another value type", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("t", Type = typeof(Int32Argument))] public string {|AMP019:T|} { get; set; } = "";
            }
            """);
        yield return Case("AMP020", "a named type that cannot be created", """
            public abstract class AbstractArgument : AmpArgumentType<int> { }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n", Type = typeof(AbstractArgument))] public int {|AMP020:N|} { get; set; }
            }
            """);
        yield return Case("AMP021", "a negative MaxDigits", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n", MaxDigits = -1)] public BigInteger {|AMP021:N|} { get; set; }
            }
            """);
        yield return Case("AMP022", "MaxDigits on an int", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n", MaxDigits = 5)] public int {|AMP022:N|} { get; set; }
            }
            """);
        yield return Case("AMP023", "a negative MaxBytes", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("d", Type = typeof(BigStringArgument), MaxBytes = -1)] public byte[] {|AMP023:D|} { get; set; } = [];
            }
            """);
        yield return Case("AMP024", "MaxBytes on a plain value", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("d", MaxBytes = 5)] public byte[] {|AMP024:D|} { get; set; } = [];
            }
            """);
        yield return Case("AMP025", "BigStringArgument on a string", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("s", Type = typeof(BigStringArgument))] public string {|AMP025:S|} { get; set; } = "";
            }
            """);
        yield return Case("AMP026", "Optional on an int", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n", Optional = true)] public int {|AMP026:N|} { get; set; }
            }
            """);
        yield return Case("AMP027", "MaxBytes on a stream", """
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("s", MaxBytes = 5)] public Stream {|AMP027:S|} { get; set; } = Stream.Null;
            }
            """);
        yield return Case("AMP028", "a responder without parameters", """
            public sealed class R
            {
                [AmpResponder] public AmpEmptyResponse {|AMP028:Handle|}() => AmpEmptyResponse.Instance;
            }
            """);
        yield return Case("AMP029", "a responder taking no command", """
            public sealed class R
            {
                [AmpResponder] public AmpEmptyResponse {|AMP029:Handle|}(int n) => AmpEmptyResponse.Instance;
            }
            """);
        yield return Case("AMP030", "a responder taking something else", """
            public sealed class Good : IAmpCommand<AmpEmptyResponse> { }
            public sealed class R
            {
                [AmpResponder] public AmpEmptyResponse Handle(Good command, string {|AMP030:extra|}) => AmpEmptyResponse.Instance;
            }
            """);
        yield return Case("AMP031", "a responder returning Task", """
            public sealed class Good : IAmpCommand<AmpEmptyResponse> { }
            public sealed class R
            {
                [AmpResponder] public Task {|AMP031:Handle|}(Good command) => Task.CompletedTask;
            }
            """);
        yield return Case("AMP032", "MessagePackArgument<T> in a project without Amp.MessagePack", """
            public sealed class Payload { public int X { get; set; } }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p", Type = typeof({|CS0246:MessagePackArgument<Payload>|}))] public Payload {|AMP032:P|} { get; set; } = new();
            }
            """);
        yield return Case("AMP032", "a [MessagePackObject] property in a project without Amp.MessagePack", """
            namespace MessagePack
            {
                [AttributeUsage(AttributeTargets.Class)] public sealed class MessagePackObjectAttribute : Attribute { }
            }
            [MessagePack.MessagePackObject] public sealed class Point { public int X { get; set; } }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p")] public Point {|AMP032:P|} { get; set; } = new();
            }
            """);
    }

    private static TestCaseData Case(string id, string description, string source) =>
        new TestCaseData(id, source).SetArgDisplayNames(id, description);
}
