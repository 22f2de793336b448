using Sim.Engine.Crypto;

namespace Sim.Engine.Identity;

/// <summary>
/// A short, printable name for an agent in traces and logs: the first 8 bytes (16 hex digits) of
/// RefHash("PairMLS AgentId", agent public key) under the conversation's suite. Derived from the
/// public key only, so it reveals nothing secret; it is a label, not an identifier to authenticate by
/// (authentication always compares full public keys).
/// </summary>
public readonly record struct AgentId(string Value)
{
    public const string Label = "PairMLS AgentId";
    private const int Length = 8;

    public static AgentId Of(CipherSuite suite, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return new AgentId(Convert.ToHexStringLower(suite.RefHash(Label, publicKey).AsSpan(0, Length)));
    }

    public override string ToString() => Value;
}
