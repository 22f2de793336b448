namespace Sim.Simulator.Trace;

/// <summary>A party was restored from an older save (a rollback): Epoch and <see cref="CommitHash"/> of the state loaded, <see cref="Depth"/> as the script gave it. No Epoch event is written for the move back.</summary>
public sealed record RestoreEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Restore;
    public string? CommitHash { get; init; }
    public int Depth { get; init; }
    /// <summary>For a restore by epoch: the epochs back the script asked for (Depth is then the saves back it came to).</summary>
    public int? EpochsBack { get; init; }
    /// <summary>Saves discarded by the restore (the newer ones).</summary>
    public int SavesLost { get; init; }
    /// <summary>The card version the loaded state wants (its desired card): a card edit asking for a higher one was erased by this restore.</summary>
    public ulong? DesiredCardVersion { get; init; }
}
