using Amp.Arguments;
using Amp.Boxes;
using Amp.MessagePack;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using MessagePack;

namespace Amp.Tests.Integration;

[MessagePackObject]
public sealed record MyRecord
{
    [Key(0)] public int Id { get; init; }
    [Key(1)] public string Name { get; init; } = "";
    [Key(2)] public IReadOnlyList<double> Scores { get; init; } = [];
}

public sealed class BlobCommand : IAmpCommand<BlobResult>
{
    [AmpArgument("blob", Type = typeof(MessagePackArgument<MyRecord>))] public MyRecord Blob { get; init; } = new();
}

public sealed class BlobResult
{
    [AmpArgument("blob", Type = typeof(MessagePackArgument<MyRecord>))] public MyRecord Blob { get; init; } = new();
    [AmpArgument("maybe", Type = typeof(MessagePackArgument<MyRecord>))] public MyRecord? Maybe { get; init; }
}

public sealed class CollectionsCommand : IAmpCommand<CollectionsResult>
{
    [AmpArgument("list")] public List<int> List { get; init; } = [];
    [AmpArgument("array")] public string[] Array { get; init; } = [];
    [AmpArgument("longs")] public IList<long> Longs { get; init; } = [];
    [AmpArgument("flags")] public IEnumerable<bool> Flags { get; init; } = [];
}

public sealed class CollectionsResult
{
    [AmpArgument("list")] public List<int> List { get; init; } = [];
    [AmpArgument("array")] public string[] Array { get; init; } = [];
    [AmpArgument("longs")] public IList<long> Longs { get; init; } = [];
    [AmpArgument("flags")] public IEnumerable<bool> Flags { get; init; } = [];
}

public sealed class OrderLine
{
    [AmpArgument("sku")] public string Sku { get; init; } = "";
    [AmpArgument("qty")] public int Quantity { get; init; }
}

public sealed class Order
{
    [AmpArgument("id")] public long Id { get; init; }
    [AmpArgument("lines")] public List<OrderLine> Lines { get; init; } = [];
    [AmpArgument("note")] public string? Note { get; init; }
}

public sealed class OrdersCommand : IAmpCommand<OrdersResult>
{
    [AmpArgument("orders")] public List<Order> Orders { get; init; } = [];
}

public sealed class OrdersResult
{
    [AmpArgument("orders")] public Order[] Orders { get; init; } = [];
    [AmpArgument("count")] public int Count { get; init; }
}

public sealed class MoneyAndFileCommand : IAmpCommand<MoneyAndFileResult>
{
    [AmpArgument("amount")] public decimal Amount { get; init; }
    [AmpArgument("file")] public FileInfo File { get; init; } = new("/");
    [AmpArgument("optional")] public decimal? Optional { get; init; }
}

public sealed class MoneyAndFileResult
{
    [AmpArgument("amount")] public decimal Amount { get; init; }
    [AmpArgument("file")] public FileInfo File { get; init; } = new("/");
    [AmpArgument("optional")] public decimal? Optional { get; init; }
}

public sealed class SyncCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class TaskCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class TaskTokenCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class ValueTaskConnectionCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class MethodSyncCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class MethodTaskCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class MethodValueTaskCommand : IAmpCommand<NumberResult>
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class NumberResult
{
    [AmpArgument("n")] public int N { get; init; }
}

public sealed class MethodResponders
{
    [AmpResponder]
    public NumberResult Sync(MethodSyncCommand command) => new() { N = command.N + 1 };

    [AmpResponder]
    public async Task<NumberResult> WithTask(MethodTaskCommand command, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return new NumberResult { N = command.N + 2 };
    }

    [AmpResponder]
    public async ValueTask<NumberResult> WithValueTask(MethodValueTaskCommand command, AmpConnection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return new NumberResult { N = command.N + (connection.IsConnected ? 3 : 0) };
    }
}

/// <summary>C# to C#: custom, collection and nested argument types, and every way to declare a responder.</summary>
[CancelAfter(10000)]
public sealed class ArgumentTypesInCommandsTests
{
    [Test]
    public async Task AMessagePackArgumentRoundTrips(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((BlobCommand c) => new BlobResult { Blob = c.Blob with { Id = c.Blob.Id + 1 } });
        await using var pair = Pair.Start(responders);
        var sent = new MyRecord { Id = 41, Name = "snow \u2603", Scores = [1.5, -0.25, double.MaxValue] };
        BlobResult back = await pair.Client.CallRemoteAsync(new BlobCommand { Blob = sent }, cancellationToken);
        Assert.That(back.Blob.Id, Is.EqualTo(42));
        Assert.That(back.Blob.Name, Is.EqualTo(sent.Name));
        Assert.That(back.Blob.Scores, Is.EqualTo(sent.Scores));
        Assert.That(back.Maybe, Is.Null);

        // On the wire the value is plain MessagePack.
        AmpBox raw = await pair.Client.CallRemoteStringAsync("BlobCommand", new AmpBox { ["blob"] = MessagePackSerializer.Serialize(sent) }, cancellationToken);
        Assert.That(MessagePackSerializer.Deserialize<MyRecord>(raw["blob"]).Id, Is.EqualTo(42));
    }

    [Test]
    public async Task AMalformedMessagePackArgumentIsUnknownAndTheConnectionStaysUp(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((BlobCommand c) => new BlobResult { Blob = c.Blob });
        await using var pair = Pair.Start(responders);
        var error = Assert.ThrowsAsync<AmpRemoteException>(() =>
            pair.Client.CallRemoteStringAsync("BlobCommand", new AmpBox { ["blob"] = new byte[] { 0xC1 } }, cancellationToken));
        Assert.That(error!.ErrorCode, Is.EqualTo("UNKNOWN"));
        Assert.That((await pair.Client.CallRemoteAsync(new BlobCommand { Blob = new MyRecord { Id = 1 } }, cancellationToken)).Blob.Id, Is.EqualTo(1));
    }

    [Test]
    public async Task ListAndArrayPropertiesRoundTrip(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((CollectionsCommand c) => new CollectionsResult
        {
            List = c.List, Array = c.Array, Longs = c.Longs, Flags = c.Flags,
        });
        await using var pair = Pair.Start(responders);
        var sent = new CollectionsCommand
        {
            List = [int.MinValue, 0, int.MaxValue],
            Array = ["", "a", "\u00e9t\u00e9"],
            Longs = [long.MinValue, 7],
            Flags = [true, false, true],
        };
        CollectionsResult back = await pair.Client.CallRemoteAsync(sent, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(back.List, Is.EqualTo(sent.List));
            Assert.That(back.Array, Is.EqualTo(sent.Array));
            Assert.That(back.Longs, Is.EqualTo(sent.Longs));
            Assert.That(back.Flags, Is.EqualTo(sent.Flags));
        });

        CollectionsResult empty = await pair.Client.CallRemoteAsync(new CollectionsCommand(), cancellationToken);
        Assert.That(empty.List, Is.Empty);
        Assert.That(empty.Array, Is.Empty);

        // ListOf on the wire: each element is a 16-bit length and its text.
        AmpBox raw = await pair.Client.CallRemoteStringAsync("CollectionsCommand",
            new AmpBox { ["list"] = Wire.Bytes("00 01 \"1\" 00 02 \"-2\""), ["array"] = Wire.Bytes("00 01 \"x\""), ["longs"] = Array.Empty<byte>(), ["flags"] = Wire.Bytes("00 04 \"True\"") },
            cancellationToken);
        Assert.That(raw["list"].ToArray(), Is.EqualTo(Wire.Bytes("00 01 \"1\" 00 02 \"-2\"")));
        Assert.That(raw["flags"].ToArray(), Is.EqualTo(Wire.Bytes("00 04 \"True\"")));
    }

    [Test]
    public async Task AnAmpListOfRecordsWithANestedAmpListRoundTrips(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((OrdersCommand c) => new OrdersResult { Orders = [.. c.Orders], Count = c.Orders.Sum(o => o.Lines.Count) });
        await using var pair = Pair.Start(responders);
        var sent = new OrdersCommand
        {
            Orders =
            [
                new Order { Id = 1, Lines = [new OrderLine { Sku = "a", Quantity = 2 }, new OrderLine { Sku = "b", Quantity = 3 }], Note = "first" },
                new Order { Id = 2, Lines = [] },
                new Order { Id = long.MaxValue, Lines = [new OrderLine { Sku = "\u2603", Quantity = -1 }] },
            ],
        };
        OrdersResult back = await pair.Client.CallRemoteAsync(sent, cancellationToken);
        Assert.That(back.Count, Is.EqualTo(3));
        Assert.That(back.Orders.Select(o => (o.Id, o.Note)), Is.EqualTo(sent.Orders.Select(o => (o.Id, o.Note))));
        Assert.That(back.Orders.Select(o => o.Lines.Select(l => (l.Sku, l.Quantity)).ToArray()),
            Is.EqualTo(sent.Orders.Select(o => o.Lines.Select(l => (l.Sku, l.Quantity)).ToArray())));
    }

    [Test]
    public async Task SystemDecimalAndFileInfoRoundTrip(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().Add((MoneyAndFileCommand c) => new MoneyAndFileResult { Amount = c.Amount, File = c.File, Optional = c.Optional });
        await using var pair = Pair.Start(responders);
        foreach (decimal amount in new[] { 0m, 1.10m, -0.0000001m, decimal.MaxValue, decimal.MinValue, 123456789.123456789m })
        {
            var file = new FileInfo(Path.Combine(Path.GetTempPath(), "amp test", "f\u00e9.txt"));
            MoneyAndFileResult back = await pair.Client.CallRemoteAsync(new MoneyAndFileCommand { Amount = amount, File = file, Optional = amount }, cancellationToken);
            Assert.That(back.Amount, Is.EqualTo(amount));
            Assert.That(back.Amount.Scale, Is.EqualTo(amount.Scale), $"scale of {amount}");
            Assert.That(back.File.FullName, Is.EqualTo(file.FullName));
            Assert.That(back.Optional, Is.EqualTo(amount));
        }

        MoneyAndFileResult none = await pair.Client.CallRemoteAsync(new MoneyAndFileCommand { Amount = 1m }, cancellationToken);
        Assert.That(none.Optional, Is.Null);

        // Decimal's wire form is Python's str(Decimal): the scale is kept.
        AmpBox raw = await pair.Client.CallRemoteStringAsync("MoneyAndFileCommand",
            new AmpBox().SetString("amount", "1.10").SetString("file", "/tmp/x"), cancellationToken);
        Assert.That(raw.GetString("amount"), Is.EqualTo("1.10"));
        Assert.That(raw.GetString("file"), Is.EqualTo("/tmp/x"));
    }

    [Test]
    public async Task ResponderDelegatesInAllFourAddOverloads(CancellationToken cancellationToken)
    {
        CancellationToken seenToken = default;
        AmpConnection? seenConnection = null;
        var responders = new AmpResponders()
            .Add((SyncCommand c) => new NumberResult { N = c.N * 2 })
            .Add(async (TaskCommand c) =>
            {
                await Task.Yield();
                return new NumberResult { N = c.N * 3 };
            })
            .Add(async (TaskTokenCommand c, CancellationToken ct) =>
            {
                seenToken = ct;
                await Task.Delay(1, ct);
                return new NumberResult { N = c.N * 4 };
            })
            .Add(async (ValueTaskConnectionCommand c, AmpConnection connection, CancellationToken ct) =>
            {
                seenConnection = connection;
                await Task.Yield();
                return new NumberResult { N = c.N * 5 };
            });
        await using var pair = Pair.Start(responders);
        Assert.Multiple(async () =>
        {
            Assert.That((await pair.Client.CallRemoteAsync(new SyncCommand { N = 7 }, cancellationToken)).N, Is.EqualTo(14));
            Assert.That((await pair.Client.CallRemoteAsync(new TaskCommand { N = 7 }, cancellationToken)).N, Is.EqualTo(21));
            Assert.That((await pair.Client.CallRemoteAsync(new TaskTokenCommand { N = 7 }, cancellationToken)).N, Is.EqualTo(28));
            Assert.That((await pair.Client.CallRemoteAsync(new ValueTaskConnectionCommand { N = 7 }, cancellationToken)).N, Is.EqualTo(35));
        });
        Assert.That(seenConnection, Is.SameAs(pair.Server));
        Assert.That(seenToken, Is.Not.EqualTo(pair.Server.Closing), "the responder's token is the call's own (the caller can cancel it)");
        Assert.That(seenToken.IsCancellationRequested, Is.False);
    }

    [Test]
    public async Task ResponderMethodsReturningTTaskAndValueTask(CancellationToken cancellationToken)
    {
        await using var pair = Pair.Start(new AmpResponders().AddObject(new MethodResponders()));
        Assert.That((await pair.Client.CallRemoteAsync(new MethodSyncCommand { N = 10 }, cancellationToken)).N, Is.EqualTo(11));
        Assert.That((await pair.Client.CallRemoteAsync(new MethodTaskCommand { N = 10 }, cancellationToken)).N, Is.EqualTo(12));
        Assert.That((await pair.Client.CallRemoteAsync(new MethodValueTaskCommand { N = 10 }, cancellationToken)).N, Is.EqualTo(13));
    }

    [Test]
    public async Task RawRespondersAndCallRemoteString(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders()
            .AddRaw("Reverse", (box, _, _) =>
            {
                string text = box.GetString("text") ?? "";
                return ValueTask.FromResult(new AmpBox().SetString("text", new string(text.Reverse().ToArray())).SetString("command", box.GetString("_command")!));
            })
            .AddRaw("SlowRaw", async (box, connection, ct) =>
            {
                await Task.Delay(1, ct);
                return new AmpBox().SetString("connected", connection.IsConnected ? "yes" : "no");
            })
            .AddRaw("Refuse", (_, _, _) => throw new AmpRemoteException("MY_CODE", "text"))
            .AddRaw("RefuseLater", async (_, _, ct) =>
            {
                await Task.Yield();
                throw new AmpRemoteException("MY_CODE", "later text");
            })
            .AddRaw("Crash", (_, _, _) => throw new InvalidOperationException("secret"));
        await using var pair = Pair.Start(responders);

        AmpBox reversed = await pair.Client.CallRemoteStringAsync("Reverse", new AmpBox().SetString("text", "abc"), cancellationToken);
        Assert.That(reversed.GetString("text"), Is.EqualTo("cba"));
        Assert.That(reversed.GetString("command"), Is.EqualTo("Reverse"), "the raw responder sees the reserved keys");
        Assert.That(reversed.GetString("_answer"), Is.Not.Null);
        Assert.That((await pair.Client.CallRemoteStringAsync("SlowRaw", null, cancellationToken)).GetString("connected"), Is.EqualTo("yes"));

        var refused = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync("Refuse", null, cancellationToken));
        Assert.That(refused!.ErrorCode, Is.EqualTo("MY_CODE"));
        Assert.That(refused.Description, Is.EqualTo("text"));
        Assert.That(refused.CommandName, Is.EqualTo("Refuse"));
        var later = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync("RefuseLater", null, cancellationToken));
        Assert.That((later!.ErrorCode, later.Description), Is.EqualTo(("MY_CODE", "later text")));

        var crash = Assert.ThrowsAsync<AmpRemoteException>(() => pair.Client.CallRemoteStringAsync("Crash", null, cancellationToken));
        Assert.That((crash!.ErrorCode, crash.Description), Is.EqualTo(("UNKNOWN", "Unknown Error")));

        // A typed call to a raw responder works too, and the connection is still up after the errors.
        await pair.Client.SendRemoteStringAsync("Reverse", new AmpBox().SetString("text", "x"), cancellationToken);
        Assert.That((await pair.Client.CallRemoteStringAsync("Reverse", new AmpBox().SetString("text", "ab"), cancellationToken)).GetString("text"), Is.EqualTo("ba"));
        Assert.That(pair.Client.IsConnected, Is.True);
    }

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(AmpConnection client, AmpConnection server)
        {
            Client = client;
            Server = server;
        }

        public AmpConnection Client { get; }

        public AmpConnection Server { get; }

        public static Pair Start(AmpResponders serverResponders)
        {
            var (initiator, acceptor) = InMemoryTransport.CreatePair();
            return new Pair(
                AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "client" }),
                AmpConnection.Start(acceptor, new AmpConnectionOptions { Name = "server", Responders = serverResponders }));
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
