using System.IO.Pipelines;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Streams;

/// <summary>Streams of typed items (<see cref="IAsyncEnumerable{T}"/>) and <see cref="PipeReader"/> fields (spec §15.4).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ItemStreamTests
{
    private ItemStreamResponders _responders = null!;
    private ConnectedPair _pair = null!;

    [SetUp]
    public void SetUp()
    {
        _responders = new ItemStreamResponders();
        _pair = ConnectedPair.Create(new InMemoryTransportOptions(), configure: table => _responders.AddTo(table));
    }

    [TearDown]
    public async Task TearDown() => await _pair.DisposeAsync();

    [Test]
    public async Task A_stream_of_integers_is_summed_by_the_responder()
    {
        SumStreamResult result = await _pair.Client.CallRemoteAsync(new SumStream { Values = CountAsync(200_000) });

        Assert.That(result.Count, Is.EqualTo(200_000));
        Assert.That(result.Total, Is.EqualTo(199_999L * 200_000 / 2 - 200_000L * 1000));
    }

    [Test]
    public async Task An_empty_stream_of_items_has_no_items()
    {
        SumStreamResult result = await _pair.Client.CallRemoteAsync(new SumStream { Values = AsyncEnumerable.Empty<long>() });

        Assert.That(result.Count, Is.Zero);
    }

    [Test]
    public async Task Answers_with_streams_of_strings_and_records_arrive_item_by_item()
    {
        LinesResult result = await _pair.Client.CallRemoteAsync(new Lines { Count = 5000 });

        var lines = new List<string>();
        await foreach (string line in result.Text)
        {
            lines.Add(line);
        }

        var items = new List<EchoItem>();
        await foreach (EchoItem item in result.Items!)
        {
            items.Add(item);
        }

        Assert.That(lines, Is.EqualTo(Enumerable.Range(0, 5000).Select(ItemStreamResponders.Line)));
        Assert.That(items.Select(i => (i.Name, i.N)), Is.EqualTo(Enumerable.Range(0, 50).Select(i => ($"n{i}", i % 2 == 0 ? (System.Numerics.BigInteger?)i : null))));
        Assert.That(() => result.Text.GetAsyncEnumerator(), Throws.InvalidOperationException, "a stream of items arrives once");
    }

    [Test]
    public async Task Leaving_an_enumeration_early_stops_the_responders_iterator()
    {
        LinesResult result = await _pair.Client.CallRemoteAsync(new Lines { Count = int.MaxValue });
        int seen = 0;
        await foreach (string line in result.Text)
        {
            if (++seen == 3000)
            {
                break;
            }
        }

        await _responders.LinesIteratorFinished.Task;
        await using IAsyncEnumerator<EchoItem> items = result.Items!.GetAsyncEnumerator();
        Assert.That(await items.MoveNextAsync(), Is.True, "the other stream of the answer is unaffected");
    }

    [Test]
    public async Task A_PipeReader_argument_is_read_as_a_pipe()
    {
        var pipe = new Pipe();
        Task<UploadResult> call = _pair.Client.CallRemoteAsync(new CountBytes { Data = pipe.Reader });
        for (int i = 0; i < 100; i++)
        {
            await pipe.Writer.WriteAsync(new byte[10_000 + i]);
        }

        await pipe.Writer.CompleteAsync();

        Assert.That((await call).Length, Is.EqualTo(100 * 10_000 + 99 * 100 / 2));
    }

    private static async IAsyncEnumerable<long> CountAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return i - 1000;
        }
    }
}
