using System.Net;
using System.Net.Sockets;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// A connection whose peer is gone always ends, even while its responders are blocked calling the peer
/// back, its reading is paused at its bounds and its writes are stuck (issue 10, item 3: such
/// connections were still open 60 s after the peer left).
/// </summary>
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class PeerGoneTests
{
    [TestCase("CallMeBack", false, TestName = "APeerThatFloodsCallbacksWithoutReadingThenCloses")]
    [TestCase("CallMeBack", true, TestName = "APeerThatFloodsCallbacksWithoutReadingThenResets")]
    [TestCase("Raw", false, TestName = "APeerThatFloodsLargeAnswersWithoutReadingThenCloses")]
    public async Task ConnectionEndsWhenThePeerLeaves(string command, bool reset, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.Port), cancellationToken);
        await using AmpConnection server = AmpConnection.Start(await accepting, new AmpConnectionOptions { Responders = InteropResponders.Create() });

        // Flood until the server stops taking bytes: every layer of buffering below its read loop is full.
        byte[] flood = command == "Raw" ? Flood("Raw", 64, ("payload", new string('r', 60_000))) : Flood("CallMeBack", 4096, ("a", "1"), ("b", "2"), ("padding", new string('x', 200)));
        client.Blocking = false;
        long sent = 0;
        int stalls = 0;
        while (stalls < 50)
        {
            try
            {
                int taken = client.Send(flood, (int)(sent % flood.Length), flood.Length - (int)(sent % flood.Length), SocketFlags.None);
                sent += taken;
                stalls = 0;
            }
            catch (SocketException e) when (server.Completion.IsCompleted)
            {
                Assert.Fail($"the server ended the connection while the peer was sending ({e.SocketErrorCode}): {server.Completion.Result.Reason}: {server.Completion.Result.Message}");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                stalls++;
                await Task.Delay(20, cancellationToken);
            }
        }

        TestContext.Out.WriteLine($"the server stopped taking bytes after {sent} bytes");
        if (reset)
        {
            client.LingerState = new LingerOption(true, 0);
        }

        client.Dispose();
        AmpConnectionLostException lost = await server.Completion.WaitAsync(cancellationToken);
        TestContext.Out.WriteLine($"the server connection ended: {lost.Reason}: {lost.Message}");
    }

    private static byte[] Flood(string command, int commands, params (string Key, string Value)[] arguments)
    {
        using var bytes = new MemoryStream();
        for (int i = 0; i < commands; i++)
        {
            var box = new AmpBox().SetString("_command", command).SetString("_ask", i.ToString("x"));
            foreach ((string key, string value) in arguments)
            {
                box.SetString(key, value);
            }

            bytes.Write(BoxWriter.Serialize(box));
        }

        return bytes.ToArray();
    }
}
