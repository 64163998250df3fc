using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Layers;
using Amp.Streams;
using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;
using static Amp.Tests.TestUtilities.WireBoxes;

namespace Amp.Tests.Negotiation;

/// <summary>
/// Amp.Core's hook for a negotiation in front of AMP: <c>AmpConnection.Start(transport, layers, agreedExtensions, options)</c>
/// starts with the agreed set known (no extension hello, ever) and with layers already on its stack.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class StartWithAgreedExtensionsTests
{
    [Test]
    public async Task A_stream_call_goes_out_first_with_no_hello_when_the_set_is_agreed_before_AMP(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using AmpConnection connection = AmpConnection.Start(ours, [], AmpExtensions.Default, new AmpConnectionOptions());
        await using var _ = theirs;
        Assert.That(connection.AgreedExtensions, Is.EqualTo(AmpExtensions.Default), "known from the start");

        Task<UploadResult> upload = connection.CallRemoteAsync(new Upload { Name = "a", Data = new MemoryStream([1, 2, 3]) }, cancellationToken);
        byte[]? first = await WireBoxes.ReadBoxAsync(theirs.Input, cancellationToken);
        AmpBox call = AmpBoxOf(first);
        Assert.That(call.GetString("_command"), Is.EqualTo("Upload"), "the first box is the call itself, not _amp.extensions");
        Assert.That(call.GetString("_streams"), Is.EqualTo("1"));
        await connection.CloseAsync();
        Assert.That(async () => await upload, Throws.InstanceOf<AmpConnectionLostException>());
    }

    [Test]
    public async Task The_agreed_set_is_what_both_the_options_and_the_negotiation_allow(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var _ = theirs;
        await using AmpConnection connection = AmpConnection.Start(ours, [], AmpExtensions.Streams | AmpExtensions.GoAway,
            new AmpConnectionOptions { Extensions = AmpExtensions.Streams | AmpExtensions.Cancellation });
        Assert.That(connection.AgreedExtensions, Is.EqualTo(AmpExtensions.Streams));
        Assert.That(await connection.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.Streams), "known already: nothing is sent");

        // The peer's hello (it should send none, but may) is answered with the set already agreed.
        await theirs.Output.WriteAsync(BoxWriter.Serialize(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", DefaultOffer))), cancellationToken);
        AmpBox answer = AmpBoxOf(await WireBoxes.ReadBoxAsync(theirs.Input, cancellationToken));
        Assert.That(answer.GetString("_answer"), Is.EqualTo("1"));
        Assert.That(answer["accept"].ToArray(), Is.EqualTo(Offer("streams/1")));
    }

    [Test]
    public async Task Nothing_is_agreed_when_the_negotiation_agreed_nothing_and_a_stream_call_fails_locally(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var _ = theirs;
        await using AmpConnection connection = AmpConnection.Start(ours, [], AmpExtensions.None, new AmpConnectionOptions());
        Assert.That(connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
        Assert.That(async () => await connection.CallRemoteAsync(new Upload { Name = "a", Data = new MemoryStream([1]) }, cancellationToken),
            Throws.TypeOf<AmpExtensionUnavailableException>());
        await connection.CloseAsync();
        Assert.That(await ReadToEndAsync(theirs.Input, cancellationToken), Is.Empty, "not a byte was sent: no hello, no call");
    }

    [Test]
    public async Task A_TLS_layer_started_before_AMP_carries_its_boxes_and_the_bytes_already_behind_it(CancellationToken cancellationToken)
    {
        var (client, server) = InMemoryTransport.CreatePair();
        Task<TlsLayer> serverTls = TlsLayer.StartAsync(server, TestCertificates.ServerOptions(), TlsRole.Server, cancellationToken);
        TlsLayer clientTls = await TlsLayer.StartAsync(client, TestCertificates.ClientOptions(), TlsRole.Client, cancellationToken);
        TlsLayer serverLayer = await serverTls;

        // The server's first box goes out in TLS before the client's AMP has started: it must be read, not lost.
        await serverLayer.Output.WriteAsync(BoxWriter.Serialize(Make(("_ask", "1"), ("_command", "Sum"), ("a", "20"), ("b", "22"))), cancellationToken);
        await using AmpConnection ampClient = AmpConnection.Start(client, [clientTls], AmpExtensions.Default, new AmpConnectionOptions { Responders = InteropResponders.Create() });
        AmpBox answer = AmpBoxOf(await WireBoxes.ReadBoxAsync(serverLayer.Input, cancellationToken));
        Assert.That(answer.GetString("total"), Is.EqualTo("42"));

        await using AmpConnection ampServer = AmpConnection.Start(server, [serverLayer], AmpExtensions.Default, new AmpConnectionOptions { Responders = InteropResponders.Create() });
        SumResult sum = await ampClient.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That((int)sum.Total, Is.EqualTo(3));
        Assert.That(ampClient.GetTlsLayers(), Has.Count.EqualTo(1));
        Assert.That(ampClient.Layers, Does.Contain("tls(1."));
        Assert.That(ampClient.GetLayers(), Is.EqualTo(new AmpLayer[] { clientTls }));
    }

    [Test]
    public void More_layers_than_the_depth_limit_or_a_null_layer_are_refused()
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        Assert.Multiple(() =>
        {
            Assert.That(() => AmpConnection.Start(ours, [null!], AmpExtensions.Default), Throws.ArgumentNullException);
            Assert.That(() => AmpConnection.Start(ours, [new XorLayer(ours, 1), new XorLayer(ours, 2)], AmpExtensions.Default, new AmpConnectionOptions { MaxLayerDepth = 1 }),
                Throws.ArgumentException.With.Message.Contains("MaxLayerDepth"));
        });
        _ = theirs;
    }

    private static AmpBox AmpBoxOf(byte[]? bytes)
    {
        Assert.That(bytes, Is.Not.Null, "the stream ended before a whole box");
        var sequence = new System.Buffers.ReadOnlySequence<byte>(bytes!);
        Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBox? box), Is.True);
        return box!;
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            bytes.AddRange(result.Buffer.ToArray());
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return [.. bytes];
            }
        }
    }
}
