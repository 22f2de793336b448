using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Group;

/// <summary>
/// What a member keeps of a past epoch to decrypt its late application messages (RFC 9420 §15,
/// §9.2): the epoch's GroupContext, its sender_data_secret and secret tree (keys already used stay
/// used), and the signature keys of its members by leaf index.
/// </summary>
internal sealed record PastEpoch(
    ulong Epoch,
    GroupContext Context,
    Secret SenderDataSecret,
    SecretTree SecretTree,
    IReadOnlyDictionary<uint, byte[]> SignatureKeys)
{
    public override string ToString() => $"PastEpoch({Epoch})";
}

/// <summary>The resumption PSK of one epoch (RFC 9420 §8.6), kept for PreSharedKey proposals that name it.</summary>
internal sealed record ResumptionPskEntry(ulong Epoch, Secret Psk)
{
    public override string ToString() => $"ResumptionPsk(epoch {Epoch})";
}
