using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Model;

/// <summary>
/// Two connections (initiator and acceptor) whose bytes wait at a gate in each direction until the test
/// opens it, so that both sides can be made to send before either reads: crossing layer changes
/// happen deterministically.
/// </summary>
internal sealed class GatedPair : IAsyncDisposable
{
    private readonly Gate _toAcceptor;
    private readonly Gate _toInitiator;

    private GatedPair(Gate toAcceptor, Gate toInitiator, AmpConnection initiator, AmpConnection acceptor)
    {
        _toAcceptor = toAcceptor;
        _toInitiator = toInitiator;
        Initiator = initiator;
        Acceptor = acceptor;
    }

    public AmpConnection Initiator { get; }

    public AmpConnection Acceptor { get; }

    public static GatedPair Create(Func<AmpResponders> responders, int initiatorMaxIncoming = 256)
    {
        var toAcceptor = new Gate();
        var toInitiator = new Gate();
        var initiatorTransport = new DuplexPipeTransport(new DuplexPipe(toInitiator.Delivered.Reader, toAcceptor.Wire.Writer), AmpTransportRole.Initiator, "gated initiator");
        var acceptorTransport = new DuplexPipeTransport(new DuplexPipe(toAcceptor.Delivered.Reader, toInitiator.Wire.Writer), AmpTransportRole.Acceptor, "gated acceptor");
        AmpConnection initiator = AmpConnection.Start(initiatorTransport, new AmpConnectionOptions { Name = "I", Responders = responders(), MaxConcurrentIncomingCalls = initiatorMaxIncoming });
        AmpConnection acceptor = AmpConnection.Start(acceptorTransport, new AmpConnectionOptions { Name = "A", Responders = responders() });
        return new GatedPair(toAcceptor, toInitiator, initiator, acceptor);
    }

    /// <summary>Waits until the bytes the initiator wrote (and that wait at the gate) contain <paramref name="text"/>.</summary>
    public Task InitiatorHasWrittenAsync(string text, CancellationToken cancellationToken) => _toAcceptor.WaitForAsync(text, cancellationToken);

    /// <summary>Waits until the bytes the acceptor wrote contain <paramref name="text"/>.</summary>
    public Task AcceptorHasWrittenAsync(string text, CancellationToken cancellationToken) => _toInitiator.WaitForAsync(text, cancellationToken);

    /// <summary>Lets bytes flow both ways from now on.</summary>
    public void Open()
    {
        _toAcceptor.Open();
        _toInitiator.Open();
    }

    public async ValueTask DisposeAsync()
    {
        Open();
        await Initiator.DisposeAsync();
        await Acceptor.DisposeAsync();
    }

    private sealed class Gate
    {
        private int _opened;

        public Pipe Wire { get; } = new(new PipeOptions(useSynchronizationContext: false));

        public Pipe Delivered { get; } = new(new PipeOptions(useSynchronizationContext: false));

        public async Task WaitForAsync(string text, CancellationToken cancellationToken)
        {
            byte[] wanted = Encoding.ASCII.GetBytes(text);
            while (true)
            {
                if (Volatile.Read(ref _opened) != 0)
                {
                    throw new InvalidOperationException("The gate is open already.");
                }

                if (Wire.Reader.TryRead(out ReadResult result))
                {
                    bool found = result.Buffer.ToArray().AsSpan().IndexOf(wanted) >= 0;
                    Wire.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
                    if (found)
                    {
                        return;
                    }
                }

                await Task.Delay(5, cancellationToken);
            }
        }

        public void Open()
        {
            if (Interlocked.Exchange(ref _opened, 1) == 0)
            {
                _ = PumpAsync();
            }
        }

        private async Task PumpAsync()
        {
            try
            {
                while (true)
                {
                    ReadResult result = await Wire.Reader.ReadAsync();
                    foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                    {
                        await Delivered.Writer.WriteAsync(segment);
                    }

                    Wire.Reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception)
            {
                // A side was completed: the connection is over.
            }

            await Delivered.Writer.CompleteAsync();
            await Wire.Reader.CompleteAsync();
        }
    }
}
