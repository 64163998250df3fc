using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Tests.LayerChanges;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using static Amp.Tests.Tls.TlsLayerStandaloneTests;

namespace Amp.Tests.Faults;

/// <summary>Deterministic reproductions of what the every-byte fault sweeps found.</summary>
[CancelAfter(60000)]
public sealed class FaultFindingsTests
{
    /// <summary>
    /// Found cutting a switch after its command's last byte (EOF, caller->peer, offset 106): the responder
    /// accepts, its answer cannot be written, and the connection ends (the peer closed what it reads:
    /// <see cref="AmpDisconnectReason.RemoteClosed"/>, found by the write);
    /// it must not then hand over a stream anyway (<see cref="AmpConnection.SwitchedTo"/> set, the chosen
    /// protocol never run, the switched connection never closed, so its <c>Completion</c> never completed).
    /// </summary>
    [Test]
    public async Task ASwitchWhoseAnswerCannotBeWrittenHandsNothingOverThatNobodyCloses(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create().AddRawEchoSwitch() });

        // The peer stops reading: our flushes report the transport completed, so the answer fails to go out.
        await peer.Input.CompleteAsync();
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "1").SetString("_command", "SwitchProtocol").SetString("protocol", "raw-echo"), cancellationToken);

        AmpConnectionLostException end = await Race.WaitOrFailAsync(peer.Connection.Completion, "the connection ended", cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed), end.Message);
        Assert.That(end.InnerException, Is.InstanceOf<AmpLayerException>(), "the refused write is the close's cause");
        Assert.That(peer.Connection.SwitchedTo, Is.Null, "a stream was handed over by a connection that ended otherwise");
    }

    /// <summary>
    /// Found cutting StopTLS inside the caller's close_notify record header (EOF, caller->peer, 2 to 4 bytes of
    /// the 5-byte header through): the TLS layer took the end for a clean close, so the pop went ahead and the
    /// box reader parsed the header's bytes (17 03 03 ...) as a box: ProtocolViolation, key length 5891 (found
    /// independently on main, issue 10 item 8, and fixed there with <c>TlsTruncationException</c>; kept as the sweep's own regression test).
    /// </summary>
    [Test]
    public async Task TheLayerBelowEndingInsideARecordHeaderIsThePeerClosingInTheMiddleOfARecord(CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(new DuplexPipe(toClient, toServer), new DuplexPipe(toServer, toClient), cancellationToken);

        await toClient.Writer.WriteAsync(new byte[] { 0x17, 0x03, 0x03 }, cancellationToken);
        await toClient.Writer.CompleteAsync();
        var error = Assert.ThrowsAsync<AmpTlsException>(async () => await ReadTextAsync(client.Input, 1, cancellationToken));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.PeerClosed), error.Message);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [Test]
    public async Task StopTlsCutInsideTheCloseNotifyRecordHeaderEndsAsDocumented([Range(1, 4)] int headerBytes, CancellationToken cancellationToken)
    {
        var sweep = new FaultCase(FaultedChange.StopTls, InitiatorAsks: true, CutTowardsCaller: false, Fault.Eof);
        FaultRunResult uncut = await FaultRun.RunAsync(sweep, offset: null, cancellationToken);
        var units = FaultOffsets.Units(uncut.Stream).ToList();
        Assert.That(units.Take(3).Select(unit => unit.Kind), Is.All.EqualTo("tls(23)"), $"the pending call, StopTLS and close_notify, each a record: {FaultOffsets.Describe(uncut.Stream)}");

        FaultRunResult cut = await FaultRun.RunAsync(sweep, units[2].Start + headerBytes, cancellationToken);
        Assert.That(cut.Outcomes.Where(o => !FaultOutcome.IsDocumented(sweep, o.Task, o.Outcome)), Is.Empty, string.Join("; ", cut.Details));

        // The header's bytes are TLS's: the box reader must never see them (with one byte it would call them a truncated box).
        Assert.That(cut.Outcomes.Single(o => o.Task == "the peer's connection").Outcome, Does.Not.Contain("TruncatedBox"), string.Join("; ", cut.Details));
    }

    /// <summary>
    /// Found by the full sweep (TLS in TLS asked by the initiator, cut peer->caller; about one run in 3,000): the
    /// next run's StartTLS, before any cut, failed with bad_record_mac. A TLS layer disposed while a read of its
    /// input is pending (as when a connection closes) returns that read's pooled buffer and returns itself while
    /// the TLS engine still reads the pipe below; a record arriving before the engine is disposed is decrypted
    /// into memory the pool may have handed on (instrumented: such late reads delivered data in 1 to 12 runs of
    /// 14,000, and the corrupted runs came with them). This checks the deterministic half: after
    /// <see cref="TlsLayer.DisposeAsync"/> returns, no read of the layer is still running.
    /// </summary>
    [Test]
    public async Task DisposingATlsLayerEndsTheReadPendingOnItsInputBeforeItReturns(CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(new DuplexPipe(toClient, toServer), new DuplexPipe(toServer, toClient), cancellationToken);

        // The engine now waits for a record on the pipe below, into the input's pooled buffer.
        Task<ReadResult> reading = client.Input.ReadAsync(cancellationToken).AsTask();
        await client.DisposeAsync();

        // The peer's next record: an engine still reading would take it and decrypt it into the buffer the
        // input gave back. Once DisposeAsync has returned, it must stay unread in the pipe below.
        await WriteAsync(server.Output, "late", cancellationToken);
        Exception? late = await Race.OutcomeAsync(reading, cancellationToken);
        Assert.That(toClient.Reader.TryRead(out ReadResult below), Is.True, "the engine of the disposed layer read the peer's late record");
        Assert.Multiple(() =>
        {
            Assert.That(below.Buffer.Length, Is.GreaterThan(5), "the late record, whole, below the disposed layer");
            Assert.That(late is not null || reading.Result.IsCanceled || reading.Result.Buffer.IsEmpty, Is.True, "the disposed layer's input delivered the peer's record");
        });
        toClient.Reader.AdvanceTo(below.Buffer.Start);
        await server.DisposeAsync();
    }
}
