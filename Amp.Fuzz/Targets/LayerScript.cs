using System.Globalization;
using Amp.Boxes;
using Amp.Transports;

namespace Amp.Fuzz.Targets;

/// <summary>
/// Reads the layer target's input as a script and plays it.
/// </summary>
/// <remarks>
/// <para>The config byte: bits 0-1 the transport (0 whole writes, 1 one byte per read, 2 random splits seeded
/// by the config byte, 3 at most 5 bytes per read); bits 2-3 the incoming-call limit (256, 1, 2, 4); bit 4
/// small box limits (values of 100 bytes, boxes of 400, 8 keys); bit 5 a layer depth limit of 2; bit 6
/// <c>CloseOnUnknownError</c>; bit 7 <c>IncludeWireDataInErrors</c>.</para>
/// <para>Each op is a byte (modulo 14) and its operands; a missing operand reads as 0. Tags are decimal
/// numbers 1-255 (0: no <c>_ask</c>); this side's own calls are tagged 1, 2, 3, ... in hexadecimal.</para>
/// <list type="table">
/// <item><term>0 raw n bytes</term><description>the peer writes n raw bytes (through its frames)</description></item>
/// <item><term>1 echo tag v</term><description>the peer calls Echo with value v - 8 (13-16: fail declared, fail undeclared, yield, wait for the end)</description></item>
/// <item><term>2 start tag key</term><description>the peer sends StartFrame; with an odd tag it then frames its bytes with the key</description></item>
/// <item><term>3 stop tag</term><description>the peer sends StopFrame; with an odd tag it then ends its top frame layer</description></item>
/// <item><term>4 push key</term><description>the peer frames its bytes with the key</description></item>
/// <item><term>5 pop</term><description>the peer ends its top frame layer (an empty frame)</description></item>
/// <item><term>6 answer tag kind</term><description>the peer answers tag (kind: value, bare, error ECHO_FAILED / FRAME_ERROR / UNKNOWN / LAYER_CHANGE_CONFLICT, malformed value, unknown tag)</description></item>
/// <item><term>7 local kind arg</term><description>this side: Echo call, Echo send, StartFrame(arg), StopFrame, switch (odd arg: drain, else refused), an unknown command</description></item>
/// <item><term>8 cancel i</term><description>cancels this side's operation i (modulo their number)</description></item>
/// <item><term>9 switch tag p</term><description>the peer asks to switch (odd p: drain, accepted; else refused)</description></item>
/// <item><term>10 yield</term><description>lets the connection run</description></item>
/// <item><term>11 close</term><description>this side closes the connection</description></item>
/// <item><term>12 empty</term><description>the peer sends an empty box</description></item>
/// <item><term>13 box n (k v)*</term><description>the peer sends a box of n entries with one-byte keys and values from a small table</description></item>
/// </list>
/// </remarks>
internal sealed class LayerScript
{
    public const int MaxSteps = 256;

    private static readonly string[] s_words = ["_ask", "_answer", "_command", "_error", "_error_code", "_error_description", "Echo", "StartFrame", "StopFrame", "Switch", "value", "key", "protocol", "drain", "1", "0"];

    private readonly byte[] _script;
    private int _position;

    public LayerScript(byte[] script)
    {
        _script = script;
    }

    public bool AtEnd => _position >= _script.Length;

    public int Steps { get; private set; }

    /// <summary>What the script did, op by op (kept when <see cref="LayerTarget.Verbose"/> is on).</summary>
    public List<string> Trace { get; } = new();

    public static InMemoryTransportOptions TransportOptions(byte config) => (config & 3) switch
    {
        1 => new InMemoryTransportOptions { MaxBytesPerRead = 1 },
        2 => new InMemoryTransportOptions { SplitSeed = config },
        3 => new InMemoryTransportOptions { MaxBytesPerRead = 5 },
        _ => new InMemoryTransportOptions(),
    };

    public static AmpConnectionOptions ConnectionOptions(byte config, AmpResponders responders, FuzzLog log) => new()
    {
        Name = "fuzzed",
        Responders = responders,
        LoggerFactory = log,
        MaxConcurrentIncomingCalls = ((config >> 2) & 3) switch { 1 => 1, 2 => 2, 3 => 4, _ => 256 },
        Limits = (config & 0x10) != 0 ? new AmpLimits { MaxValueLength = 100, MaxBoxBytes = 400, MaxKeysPerBox = 8 } : AmpLimits.Default,
        MaxLayerDepth = (config & 0x20) != 0 ? 2 : 8,
        CloseOnUnknownError = (config & 0x40) != 0,
        IncludeWireDataInErrors = (config & 0x80) != 0,
    };

    public byte Next() => _position < _script.Length ? _script[_position++] : (byte)0;

    public async Task StepAsync(FuzzPeer peer, AmpConnection connection, List<LocalOp> local)
    {
        Steps++;
        int start = _position;
        await PlayAsync(peer, connection, local).ConfigureAwait(false);
        if (LayerTarget.Verbose)
        {
            Trace.Add($"{Names[_script[start] % 14]} {Convert.ToHexString(_script.AsSpan(start + 1, Math.Max(0, Math.Min(_position, _script.Length) - start - 1)))} -> {connection.Layers}, peer depth {peer.Depth}");
        }
    }

    private static readonly string[] Names = ["raw", "echo", "start", "stop", "push", "pop", "answer", "local", "cancel", "switch", "yield", "close", "empty", "box"];

    private async Task PlayAsync(FuzzPeer peer, AmpConnection connection, List<LocalOp> local)
    {
        switch (Next() % 14)
        {
            case 0:
                int count = Math.Min(Next(), _script.Length - _position);
                await peer.WriteAsync(_script.AsSpan(_position, count).ToArray()).ConfigureAwait(false);
                _position += count;
                break;
            case 1:
                byte tag = Next();
                await peer.WriteBoxAsync(SwitchedSide.Call(tag, "Echo", ("value", Number(Next() - 8)))).ConfigureAwait(false);
                break;
            case 2:
                tag = Next();
                byte key = Next();
                await peer.WriteBoxAsync(SwitchedSide.Call(tag, "StartFrame", ("key", Number(key)))).ConfigureAwait(false);
                if ((tag & 1) != 0)
                {
                    peer.Push(key);
                }

                break;
            case 3:
                tag = Next();
                await peer.WriteBoxAsync(SwitchedSide.Call(tag, "StopFrame")).ConfigureAwait(false);
                if ((tag & 1) != 0)
                {
                    await peer.PopAsync().ConfigureAwait(false);
                }

                break;
            case 4:
                peer.Push(Next());
                break;
            case 5:
                await peer.PopAsync().ConfigureAwait(false);
                break;
            case 6:
                await peer.WriteBoxAsync(Answer(Next(), Next())).ConfigureAwait(false);
                break;
            case 7:
                local.Add(StartLocal(connection, Next(), Next(), local.Count));
                break;
            case 8:
                byte index = Next();
                if (local.Count > 0)
                {
                    await local[index % local.Count].Cancel.CancelAsync().ConfigureAwait(false);
                }

                break;
            case 9:
                tag = Next();
                string protocol = (Next() & 1) != 0 ? "drain" : "nope";
                await peer.WriteBoxAsync(SwitchedSide.Call(tag, "Switch", ("protocol", protocol))).ConfigureAwait(false);
                break;
            case 10:
                await Task.Yield();
                break;
            case 11:
                var cancel = new CancellationTokenSource();
                local.Add(new LocalOp("this side's close", connection.CloseAsync().AsTask(), cancel));
                break;
            case 12:
                await peer.WriteAsync([0, 0]).ConfigureAwait(false);
                break;
            default:
                int entries = Next() % 8;
                var box = new AmpBox(entries);
                for (int i = 0; i < entries; i++)
                {
                    box.SetString(s_words[Next() % s_words.Length], s_words[Next() % s_words.Length]);
                }

                await peer.WriteBoxAsync(box).ConfigureAwait(false);
                break;
        }
    }

    private static AmpBox Answer(byte tag, byte kind)
    {
        string t = tag.ToString("x", CultureInfo.InvariantCulture);
        return (kind % 8) switch
        {
            0 => FuzzPeer.Box(("_answer", t), ("value", "7")),
            1 => FuzzPeer.Box(("_answer", t)),
            2 => FuzzPeer.Box(("_error", t), ("_error_code", "ECHO_FAILED"), ("_error_description", "no")),
            3 => FuzzPeer.Box(("_error", t), ("_error_code", "FRAME_ERROR"), ("_error_description", "no")),
            4 => FuzzPeer.Box(("_error", t), ("_error_code", "UNKNOWN"), ("_error_description", "Unknown Error")),
            5 => FuzzPeer.Box(("_error", t), ("_error_code", "LAYER_CHANGE_CONFLICT"), ("_error_description", "crossed")),
            6 => FuzzPeer.Box(("_answer", t), ("value", "x")),
            _ => FuzzPeer.Box(("_error", t)),
        };
    }

    private static LocalOp StartLocal(AmpConnection connection, byte kind, byte argument, int index)
    {
        var cancel = new CancellationTokenSource();
        CancellationToken token = cancel.Token;
        (string what, Func<Task> start) = (kind % 6) switch
        {
            0 => ("Echo call", () => connection.CallRemoteAsync(new FuzzEcho { Value = argument - 8 }, token)),
            1 => ("Echo send", () => connection.SendAsync(new FuzzEcho { Value = argument - 8 }, token)),
            2 => ($"StartFrame({argument})", () => connection.CallRemoteAsync(new StartFrame { Key = argument }, token)),
            3 => ("StopFrame", () => connection.CallRemoteAsync(new StopFrame(), token)),
            4 => ("switch", new Func<Task>(() => SwitchedSide.RunAsync(connection, (argument & 1) != 0 ? "drain" : "nope", token))),
            _ => ("unknown command", new Func<Task>(() => connection.CallRemoteStringAsync("Unknown", null, token))),
        };

        Task task;
        try
        {
            task = start();
        }
        catch (Exception e)
        {
            // A synchronous throw is as good as a failed task for the invariants.
            task = Task.FromException(e);
        }

        return new LocalOp($"this side's op {index}: {what}", task, cancel);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
