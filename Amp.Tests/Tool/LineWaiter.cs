using System.Text;

namespace Amp.Tests.Tool;

/// <summary>A text writer a test can wait on: <see cref="WaitForAsync"/> completes once what was written so far satisfies a condition.</summary>
internal sealed class LineWaiter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, bool> Condition, TaskCompletionSource<string> Done)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
            string text = _text.ToString();
            _waiters.RemoveAll(waiter => waiter.Condition(text) && waiter.Done.TrySetResult(text));
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    /// <summary>Waits until the text written satisfies <paramref name="condition"/>; returns that text.</summary>
    public Task<string> WaitForAsync(Func<string, bool> condition, CancellationToken cancellationToken)
    {
        lock (_text)
        {
            string text = _text.ToString();
            if (condition(text))
            {
                return Task.FromResult(text);
            }

            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="fragment"/> has been written <paramref name="times"/> times.</summary>
    public Task<string> WaitForAsync(string fragment, CancellationToken cancellationToken, int times = 1) =>
        WaitForAsync(text => Count(text, fragment) >= times, cancellationToken);

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    private static int Count(string text, string fragment)
    {
        int count = 0;
        for (int at = text.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fragment, at + fragment.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
