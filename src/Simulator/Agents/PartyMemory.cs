using Sim.Simulator.Protocols;

namespace Sim.Simulator.Agents;

/// <summary>
/// What survives a restart of a <see cref="PartyActor"/> (a crash point's supervised restart makes a new
/// actor instance): the disk (the saved states, newest last), the invitation Alice holds before she
/// joins (it lives outside the conversation), whether the party is offline (the network's doing), and
/// the forks it detected (an observation). One per party per world, made with its <see cref="PartyConfig"/>.
/// </summary>
public sealed class PartyMemory
{
    /// <summary>The newest saves' bytes (at most <see cref="PartyConfig.DiskReach"/> of them), oldest first.</summary>
    public List<byte[]> Disk { get; } = [];

    /// <summary>The epoch of the session that made each save in <see cref="Disk"/> (same order).</summary>
    public List<ulong> DiskEpochs { get; } = [];

    /// <summary>How many saves the disk has (at most <see cref="PartyConfig.DiskHistory"/>); the oldest may hold no bytes.</summary>
    public int Saves { get; set; }

    public IProtocolInvitation? Invitation { get; set; }

    public bool Offline { get; set; }

    public int Forks { get; set; }

    /// <summary>Conversations the invitation started with other acceptors than the world's peer (not followed by the world).</summary>
    public int OtherConversations { get; set; }

    /// <summary>The crash point armed for the next Send or Receive (disarmed when it fires).</summary>
    public CrashPoint? Armed { get; set; }
}
