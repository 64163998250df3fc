using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Streams;

[AmpCommand("SumStream")]
public sealed class SumStream : IAmpCommand<SumStreamResult>
{
    [AmpArgument("values")]
    public IAsyncEnumerable<long> Values { get; set; } = AsyncEnumerable.Empty<long>();
}

public sealed class SumStreamResult
{
    [AmpArgument("count")]
    public long Count { get; set; }

    [AmpArgument("total")]
    public long Total { get; set; }
}

[AmpCommand("Lines")]
public sealed class Lines : IAmpCommand<LinesResult>
{
    [AmpArgument("count")]
    public int Count { get; set; }
}

public sealed class LinesResult
{
    [AmpArgument("lines")]
    public IAsyncEnumerable<string> Text { get; set; } = AsyncEnumerable.Empty<string>();

    [AmpArgument("items")]
    public IAsyncEnumerable<EchoItem>? Items { get; set; }
}

[AmpCommand("CountBytes")]
public sealed class CountBytes : IAmpCommand<UploadResult>
{
    [AmpArgument("data")]
    public PipeReader Data { get; set; } = PipeReader.Create(Stream.Null);
}

/// <summary>Responders of the item-stream tests.</summary>
internal sealed class ItemStreamResponders
{
    public TaskCompletionSource LinesIteratorFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AmpResponders AddTo(AmpResponders table) => table
        .Add<SumStream, SumStreamResult>(async sum =>
        {
            long count = 0, total = 0;
            await foreach (long value in sum.Values)
            {
                count++;
                total += value;
            }

            return new SumStreamResult { Count = count, Total = total };
        })
        .Add<Lines, LinesResult>(lines => new LinesResult { Text = LinesAsync(lines.Count), Items = ItemsAsync(lines.Count) })
        .Add<CountBytes, UploadResult>(async count =>
        {
            long total = 0;
            while (true)
            {
                ReadResult result = await count.Data.ReadAsync();
                total += result.Buffer.Length;
                count.Data.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await count.Data.CompleteAsync();
            return new UploadResult { Length = total };
        });

    public static string Line(int i) => i % 7 == 0 ? "" : $"line {i} caf\u00e9 \U0001F600 " + new string('x', i % 300);

    private async IAsyncEnumerable<string> LinesAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }

                yield return Line(i);
            }
        }
        finally
        {
            LinesIteratorFinished.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<EchoItem> ItemsAsync(int count)
    {
        await Task.Yield();
        for (int i = 0; i < Math.Min(count, 50); i++)
        {
            yield return new EchoItem { Name = $"n{i}", N = i % 2 == 0 ? i : null };
        }
    }
}
