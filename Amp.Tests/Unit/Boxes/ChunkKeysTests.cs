using System.Globalization;
using System.Text;
using Amp.Boxes;

namespace Amp.Tests.Unit.Boxes;

/// <summary>The recipe's chunk keys: which keys are chunks, and the order they are written in.</summary>
public sealed class ChunkKeysTests
{
    [Test]
    public void ChunkIndexesComeInTheBytewiseOrderOfTheirKeys()
    {
        // Reference: format every key and sort the texts bytewise, as Twisted's serialize sorts them.
        foreach (int last in Enumerable.Range(0, 1200).Concat([9_999, 10_000, 10_001, 32_769]))
        {
            List<int> expected = [.. Enumerable.Range(2, Math.Max(0, last - 1))
                .Select(i => "name." + i.ToString(CultureInfo.InvariantCulture))
                .Order(StringComparer.Ordinal)
                .Select(k => int.Parse(k.AsSpan(5), CultureInfo.InvariantCulture))];
            var order = new ChunkKeyOrder(last);
            var actual = new List<int>(expected.Count);
            while (order.MoveNext())
            {
                actual.Add(order.Current);
            }

            Assert.That(actual, Is.EqualTo(expected), $"last = {last}");
        }
    }

    [TestCase("name.2", 2)]
    [TestCase("name.10", 10)]
    [TestCase("name.999999999", 999_999_999)]
    [TestCase("name", 0)]
    [TestCase("name.", 0)]
    [TestCase("name.0", 0)]
    [TestCase("name.1", 0)]
    [TestCase("name.02", 0)]
    [TestCase("name.+2", 0)]
    [TestCase("name.-2", 0)]
    [TestCase("name.2 ", 0)]
    [TestCase(" name.2", 0)]
    [TestCase("name.x", 0)]
    [TestCase("name.2x", 0)]
    [TestCase("name.1.2", 0)]
    [TestCase("name-2", 0)]
    [TestCase("namf.2", 0)]
    [TestCase("other.2", 0)]
    [TestCase("name.1000000000", 0)]
    public void OnlyKeysTheRecipeLooksUpAreChunks(string key, int index) =>
        Assert.That(ChunkKeys.ParseIndex(Encoding.ASCII.GetBytes(key), "name"u8), Is.EqualTo(index));

    [Test]
    public void ArabicIndicDigitsAreNotDigits() =>
        Assert.That(ChunkKeys.ParseIndex("name.\u0662"u8, "name"u8), Is.Zero);

    [TestCase(0, 1)]
    [TestCase(65535, 1)]
    [TestCase(65536, 2)]
    [TestCase(131070, 2)]
    [TestCase(131071, 3)]
    [TestCase(int.MaxValue, 32769)]
    public void ChunkCount(int length, int count) => Assert.That(ChunkKeys.Count(length), Is.EqualTo(count));
}
