namespace Amp.Generators.Tests;

/// <summary>Declarations of every kind the reflection path accepts: no diagnostic, and all of them generated.</summary>
internal static class ValidSources
{
    public const string Everything = """
        namespace Valid
        {
            public sealed class Item
            {
                [AmpArgument("name")] public string Name { get; init; } = "";
                [AmpArgument("count")] public int? Count { get; set; }
            }

            public sealed class HexArgument : AmpArgumentType<int>
            {
                public override void Write(int value, System.Buffers.IBufferWriter<byte> destination) { }
                public override int Read(ReadOnlySpan<byte> source) => 0;
            }

            public sealed class BadInputException : Exception
            {
                public BadInputException(string message) : base(message) { }
            }

            public class BaseCommand
            {
                [AmpArgument("base")] public long Base { get; set; }
            }

            [AmpCommand("Everything")]
            [AmpError("BAD_INPUT", typeof(BadInputException), Fatal = true)]
            public sealed class Everything : BaseCommand, IAmpCommand<EverythingResult>
            {
                [AmpArgument("int")] public int Int { get; init; }
                [AmpArgument("ulong")] public ulong ULong { get; set; }
                [AmpArgument("big", MaxDigits = 10)] public BigInteger Big { get; set; }
                [AmpArgument("text")] public string Text { get; set; } = "";
                [AmpArgument("maybe")] public string? Maybe { get; set; }
                [AmpArgument("bytes")] public byte[] Bytes { get; set; } = [];
                [AmpArgument("memory")] public ReadOnlyMemory<byte> Memory { get; set; }
                [AmpArgument("flag")] public bool Flag { get; set; }
                [AmpArgument("double")] public double Double { get; set; }
                [AmpArgument("float")] public float Float { get; set; }
                [AmpArgument("money", MaxDigits = 5)] public decimal Money { get; set; }
                [AmpArgument("exact")] public AmpDecimal Exact { get; set; }
                [AmpArgument("when")] public DateTimeOffset When { get; set; }
                [AmpArgument("wide-when")] public AmpDateTime WideWhen { get; set; }
                [AmpArgument("file")] public FileInfo? File { get; set; }
                [AmpArgument("path", Type = typeof(PathArgument))] public string Path { get; set; } = "";
                [AmpArgument("hex", Type = typeof(HexArgument))] public int? Hex { get; set; }
                [AmpArgument("ints")] public List<int> Ints { get; set; } = [];
                [AmpArgument("texts")] public string[] Texts { get; set; } = [];
                [AmpArgument("digits", MaxDigits = 3)] public IReadOnlyList<AmpDecimal> Digits { get; set; } = [];
                [AmpArgument("items")] public IReadOnlyList<Item> Items { get; set; } = [];
                [AmpArgument("item-list")] public List<Item>? ItemList { get; set; }
                [AmpArgument("data", Type = typeof(BigStringArgument), MaxBytes = 1000000)] public byte[] Data { get; set; } = [];
                [AmpArgument("log", Type = typeof(BigUnicodeArgument))] public string? Log { get; set; }
                [AmpArgument("chunks", Type = typeof(BigStringArgument))] public ReadOnlyMemory<byte>? Chunks { get; set; }
                [AmpArgument("opt", Optional = true)] public string Opt { get; set; } = "";
                [AmpArgument("stream")] public Stream? Stream { get; set; }
                [AmpArgument("lines")] public IAsyncEnumerable<string>? Lines { get; set; }
                [AmpArgument("records")] public IAsyncEnumerable<Item>? Records { get; set; }
                [AmpArgument("class")] public int @class { get; set; }
                public int NotOnTheWire { get; set; }
            }

            public class ResultBase
            {
                public required string Origin { get; init; }
            }

            public sealed class EverythingResult : ResultBase
            {
                [AmpArgument("total")] public required int Total { get; init; }
            }

            public sealed class InheritsRequired : ResultBase
            {
                [AmpArgument("n")] public int N { get; set; }
            }

            public sealed class UsesInheritsRequired : IAmpCommand<InheritsRequired> { }

            public sealed class Nameless : IAmpCommand<AmpEmptyResponse> { }

            [AmpCommand("Switch")]
            public sealed class Switch : IAmpProtocolSwitchCommand
            {
                [AmpArgument("protocol")] public string Protocol { get; set; } = "";
            }

            public sealed class Responders
            {
                [AmpResponder] public EverythingResult Answer(Everything command) => new() { Total = command.Int, Origin = "" };
                [AmpResponder] public Task<AmpEmptyResponse> Quietly(Nameless command, CancellationToken cancellationToken, AmpConnection connection) => Task.FromResult(AmpEmptyResponse.Instance);
                internal AmpEmptyResponse NotPublic(Nameless command) => AmpEmptyResponse.Instance;
            }

            public sealed class ValueTaskResponders
            {
                [AmpResponder] public ValueTask<AmpEmptyResponse> Handle(Nameless command, AmpConnection connection) => new(AmpEmptyResponse.Instance);
            }
        }
        """;
}
