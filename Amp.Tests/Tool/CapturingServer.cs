using System.Net;
using Amp.Boxes;
using Amp.Transports;

namespace Amp.Tests.Tool;

/// <summary>
/// Accepts one connection on a free loopback port and keeps the exact bytes of the first box it receives,
/// then answers it with <c>_answer: 1</c> (or closes, or answers nothing), as a bare box protocol.
/// </summary>
internal sealed class CapturingServer : IAsyncDisposable, IBoxReceiver
{
    private readonly SocketListener _listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource<byte[]> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Reply _reply;
    private readonly TaskCompletionSource<BinaryBoxProtocol> _protocol = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CapturingServer(Reply reply = Reply.Answer)
    {
        _reply = reply;
        _ = AcceptAsync();
    }

    public enum Reply
    {
        /// <summary>Answer <c>_answer: 1</c>.</summary>
        Answer,

        /// <summary>Close the connection.</summary>
        Close,

        /// <summary>Never answer.</summary>
        Nothing,

        /// <summary>Answer with bytes that are not a box (an HTTP response).</summary>
        Garbage,
    }

    public string Address => $"127.0.0.1:{_listener.Port}";

    /// <summary>The first box's bytes.</summary>
    public Task<byte[]> FirstBox => _first.Task;

    public bool TryReceiveBox(in AmpBoxView box)
    {
        if (!_protocol.Task.IsCompleted)
        {
            // A box that arrives while Start is still returning the protocol: offered again once it has.
            _ = _protocol.Task.ContinueWith(t => t.Result.ResumeReading(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return false;
        }

        BinaryBoxProtocol protocol = _protocol.Task.Result;
        if (!_first.TrySetResult(box.Bytes.ToArray()))
        {
            return true;
        }

        switch (_reply)
        {
            case Reply.Answer:
                protocol.SendBox(BoxWriter.Serialize(new AmpBox().SetString("_answer", "1")));
                break;
            case Reply.Garbage:
                protocol.SendBox("HTTP/1.1 400 Bad Request\r\n\r\n"u8);
                break;
            case Reply.Close:
                _ = protocol.CloseAsync().AsTask();
                break;
        }

        return true;
    }

    // Canceled rather than faulted: a test that never looks at FirstBox leaves no unobserved exception behind.
    public void ConnectionEnded(AmpConnectionLostException reason) => _first.TrySetCanceled();

    public async ValueTask DisposeAsync()
    {
        if (_protocol.Task.IsCompletedSuccessfully)
        {
            await _protocol.Task.Result.CloseAsync();
        }

        await _listener.DisposeAsync();
    }

    private async Task AcceptAsync()
    {
        try
        {
            AmpTransport transport = await _listener.AcceptAsync();
            _protocol.SetResult(BinaryBoxProtocol.Start(transport, this));
        }
        catch (Exception)
        {
            // Disposed before a client came: nothing was captured.
            _first.TrySetCanceled();
        }
    }
}
