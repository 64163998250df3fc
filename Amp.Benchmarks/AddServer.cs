namespace Amp.Benchmarks;

/// <summary>The StreamJsonRpc server object: the same small command as <see cref="SumCommand"/>.</summary>
public sealed class AddServer
{
#pragma warning disable CA1822 // JsonRpc.AddLocalRpcTarget exposes instance methods.
    public int Add(int a, int b) => a + b;
#pragma warning restore CA1822
}
