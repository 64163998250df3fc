using System.Text;
using Amp.Extensions;
using Amp.Negotiation;
using Amp.Negotiation.Blocks;

namespace Amp.Tests.Negotiation;

/// <summary>The Hello and Decision blocks: their exact bytes, what a reader accepts, and what it refuses.</summary>
[TestFixture]
public sealed class BlockTests
{
    [Test]
    public void A_hello_is_written_byte_for_byte_and_read_back()
    {
        var offer = new NegotiationOffer("alice", 1, 1, AmpExtensions.Default, new SortedDictionary<string, string>(StringComparer.Ordinal) { ["nick"] = "Ålice", ["room"] = "lobby" },
            "00112233aabbccdd", "0123456789abcdef0123456789abcdef");
        byte[] bytes = HelloBlock.Write(offer);
        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo(
            "Versions: 1 1\r\nId: alice\r\nExtensions: streams/1 cancel/1 keepalive/1 goaway/1\r\nIncarnation: 00112233aabbccdd\r\n"
            + "Last-Connection: 0123456789abcdef0123456789abcdef\r\nApp-nick: Ålice\r\nApp-room: lobby\r\n\r\n"));
        NegotiationOffer read = HelloBlock.Read(NegotiationBlock.Parse(bytes));
        Assert.Multiple(() =>
        {
            Assert.That(read.Id, Is.EqualTo("alice"));
            Assert.That(read.Extensions, Is.EqualTo(AmpExtensions.Default));
            Assert.That(read.Incarnation, Is.EqualTo("00112233aabbccdd"));
            Assert.That(read.LastConnection, Is.EqualTo("0123456789abcdef0123456789abcdef"));
            Assert.That(read.Parameters, Is.EquivalentTo(offer.Parameters));
        });
    }

    [Test]
    public void The_smallest_hello_has_only_its_versions_and_unknown_keys_and_names_are_ignored()
    {
        Assert.That(Encoding.ASCII.GetString(HelloBlock.Write(new NegotiationOffer(null, 1, 1, AmpExtensions.None, new Dictionary<string, string>(), null, null))),
            Is.EqualTo("Versions: 1 1\r\n\r\n"));
        NegotiationOffer read = HelloBlock.Read(NegotiationBlock.Parse("Versions:1 3\r\nFuture-Key: whatever\r\nExtensions:  streams/2   cancel/1 x-trace/1 \r\n\r\n"u8));
        Assert.Multiple(() =>
        {
            Assert.That(read.Id, Is.Null);
            Assert.That((read.MinVersion, read.MaxVersion), Is.EqualTo((1, 3)));
            Assert.That(read.Extensions, Is.EqualTo(AmpExtensions.Cancellation));
            Assert.That(read.Parameters, Is.Empty);
        });
    }

    [TestCase("Id: alice\r\n\r\n", TestName = "no Versions")]
    [TestCase("Versions: 1\r\n\r\n", TestName = "one version")]
    [TestCase("Versions: 1 1 1\r\n\r\n", TestName = "three versions")]
    [TestCase("Versions: 0 1\r\n\r\n", TestName = "version 0")]
    [TestCase("Versions: 01 1\r\n\r\n", TestName = "a leading zero")]
    [TestCase("Versions: +1 1\r\n\r\n", TestName = "a sign")]
    [TestCase("Versions: 2 1\r\n\r\n", TestName = "min above max")]
    [TestCase("Versions: 1 99999999999\r\n\r\n", TestName = "a version past 2^31")]
    [TestCase("Versions: 1 1\r\nId: a b\r\n\r\n", TestName = "an invalid id")]
    [TestCase("Versions: 1 1\r\nIncarnation: a-b\r\n\r\n", TestName = "an invalid incarnation")]
    [TestCase("Versions: 1 1\r\nLast-Connection: ABCDEF\r\n\r\n", TestName = "an invalid last connection")]
    public void A_hello_with_a_bad_value_is_malformed(string text) =>
        Assert.That(() => HelloBlock.Read(NegotiationBlock.Parse(Encoding.UTF8.GetBytes(text))), Throws.TypeOf<FormatException>());

    [TestCase("Versions 1 1\r\n\r\n", TestName = "no colon")]
    [TestCase(": 1 1\r\n\r\n", TestName = "an empty key")]
    [TestCase("Ver sions: 1 1\r\n\r\n", TestName = "a space in the key")]
    [TestCase("Versions_: 1 1\r\n\r\n", TestName = "an underscore in the key")]
    [TestCase("Versions: 1 1\r\nVersions: 1 1\r\n\r\n", TestName = "a key twice")]
    [TestCase("App-x: a\u0007b\r\n\r\n", TestName = "a control character")]
    [TestCase("App-x: a\tb\r\n\r\n", TestName = "a tab inside a value")]
    [TestCase("App-x: a\rb\r\n\r\n", TestName = "a CR inside a value")]
    public void A_block_that_breaks_the_grammar_is_malformed(string text) =>
        Assert.That(() => NegotiationBlock.Parse(Encoding.UTF8.GetBytes(text)), Throws.TypeOf<FormatException>());

    [Test]
    public void A_key_is_at_most_64_characters_and_a_value_must_be_UTF8()
    {
        Assert.That(NegotiationBlock.Parse(Encoding.ASCII.GetBytes(new string('K', 64) + ": v\r\n\r\n")).Entries, Has.Count.EqualTo(1));
        Assert.That(() => NegotiationBlock.Parse(Encoding.ASCII.GetBytes(new string('K', 65) + ": v\r\n\r\n")), Throws.TypeOf<FormatException>());
        Assert.That(() => NegotiationBlock.Parse([.. "App-x: "u8, 0xff, 0xfe, .. "\r\n\r\n"u8]), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void An_accepting_decision_is_written_byte_for_byte_and_read_back()
    {
        var decision = new NegotiationDecision(1, AmpExtensions.Streams | AmpExtensions.GoAway, new SortedDictionary<string, string>(StringComparer.Ordinal) { ["nick"] = "alice-2" },
            "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210");
        byte[] bytes = DecisionBlock.WriteAccept(decision);
        Assert.That(Encoding.ASCII.GetString(bytes), Is.EqualTo(
            "Decision: accept\r\nVersion: 1\r\nConnection-Id: 0123456789abcdef0123456789abcdef\r\nExtensions: streams/1 goaway/1\r\n"
            + "Replaces: fedcba9876543210fedcba9876543210\r\nApp-nick: alice-2\r\n\r\n"));
        NegotiationDecision read = DecisionBlock.Read(NegotiationBlock.Parse(bytes), out _, out _, out bool unknown)!;
        Assert.Multiple(() =>
        {
            Assert.That(unknown, Is.False);
            Assert.That(read.Version, Is.EqualTo(1));
            Assert.That(read.Extensions, Is.EqualTo(AmpExtensions.Streams | AmpExtensions.GoAway));
            Assert.That(read.ConnectionId, Is.EqualTo(decision.ConnectionId));
            Assert.That(read.Replaces, Is.EqualTo(decision.Replaces));
            Assert.That(read.Parameters["nick"], Is.EqualTo("alice-2"));
        });
    }

    [TestCase(NegotiationFailure.NoCommonVersion, "no-common-version")]
    [TestCase(NegotiationFailure.DuplicateConnection, "duplicate-connection")]
    [TestCase(NegotiationFailure.Refused, "refused")]
    public void A_refusal_names_its_reason(NegotiationFailure failure, string code)
    {
        byte[] bytes = DecisionBlock.WriteRefusal(failure, "why not");
        Assert.That(Encoding.ASCII.GetString(bytes), Is.EqualTo($"Decision: refuse\r\nReason: {code}\r\nMessage: why not\r\n\r\n"));
        Assert.That(DecisionBlock.Read(NegotiationBlock.Parse(bytes), out NegotiationFailure read, out string message, out _), Is.Null);
        Assert.That(read, Is.EqualTo(failure));
        Assert.That(message, Is.EqualTo($"{code}: why not"));
    }

    [Test]
    public void An_unknown_refusal_reason_is_a_refusal_and_an_unknown_extension_in_a_decision_is_flagged()
    {
        Assert.That(DecisionBlock.Read(NegotiationBlock.Parse("Decision: refuse\r\nReason: overloaded\r\n\r\n"u8), out NegotiationFailure failure, out string message, out _), Is.Null);
        Assert.That(failure, Is.EqualTo(NegotiationFailure.Refused));
        Assert.That(message, Does.StartWith("overloaded"));
        DecisionBlock.Read(NegotiationBlock.Parse("Decision: accept\r\nVersion: 1\r\nConnection-Id: 0123456789abcdef0123456789abcdef\r\nExtensions: x-future/1\r\n\r\n"u8), out _, out _, out bool unknown);
        Assert.That(unknown, Is.True);
    }

    [TestCase("Version: 1\r\n\r\n", TestName = "no Decision")]
    [TestCase("Decision: maybe\r\n\r\n", TestName = "neither accept nor refuse")]
    [TestCase("Decision: accept\r\nConnection-Id: 0123456789abcdef0123456789abcdef\r\n\r\n", TestName = "no Version")]
    [TestCase("Decision: accept\r\nVersion: 1\r\n\r\n", TestName = "no Connection-Id")]
    [TestCase("Decision: accept\r\nVersion: 1\r\nConnection-Id: 0123456789ABCDEF0123456789ABCDEF\r\n\r\n", TestName = "an upper-case connection id")]
    [TestCase("Decision: accept\r\nVersion: 1\r\nConnection-Id: 0123456789abcdef0123456789abcdef\r\nReplaces: x\r\n\r\n", TestName = "a bad Replaces")]
    public void A_bad_decision_is_malformed(string text) =>
        Assert.That(() => DecisionBlock.Read(NegotiationBlock.Parse(Encoding.ASCII.GetBytes(text)), out _, out _, out _), Throws.TypeOf<FormatException>());

    [Test]
    public void The_extension_names_are_those_of_the_extension_hello()
    {
        // One set of wire names (spec §15.1): the Hello block must name extensions exactly as the in-band hello does.
        Assert.That(BlockValues.Extensions(AmpExtensions.Default), Is.EqualTo(ExtensionNegotiation.Describe(AmpExtensions.Default)));
        foreach ((AmpExtensions extension, string _) in BlockValues.ExtensionNames)
        {
            Assert.That(BlockValues.Extensions(extension), Is.EqualTo(ExtensionNegotiation.Describe(extension)));
        }
    }

    [Test]
    public void Application_entries_are_checked_when_offered()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new NegotiationOptions { Parameters = new Dictionary<string, string> { ["a b"] = "x" } }, Throws.ArgumentException);
            Assert.That(() => new NegotiationOptions { Parameters = new Dictionary<string, string> { [new string('n', 61)] = "x" } }, Throws.ArgumentException);
            Assert.That(() => new NegotiationOptions { Parameters = new Dictionary<string, string> { ["n"] = "line\nbreak" } }, Throws.ArgumentException);
            Assert.That(() => new NegotiationOptions { Parameters = new Dictionary<string, string> { ["n"] = " padded" } }, Throws.ArgumentException);
            Assert.That(() => new NegotiationOptions { Parameters = new Dictionary<string, string> { ["n"] = "\ud800" } }, Throws.ArgumentException);
            Assert.That(() => NegotiationVerdict.Refuse("a\r\nb"), Throws.ArgumentException);
            Assert.That(new NegotiationOptions { Parameters = new Dictionary<string, string> { [new string('n', 60)] = "日本語 ok" } }.Parameters, Has.Count.EqualTo(1));
        });
    }
}
