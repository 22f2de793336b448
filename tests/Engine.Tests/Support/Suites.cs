namespace Sim.Engine.Tests.Support;

/// <summary>Theory data over every cipher suite of RFC 9420 (0x0001–0x0007).</summary>
public static class Suites
{
    public static TheoryData<ushort> All => new() { 1, 2, 3, 4, 5, 6, 7 };
}
