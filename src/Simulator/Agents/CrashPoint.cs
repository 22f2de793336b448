namespace Sim.Simulator.Agents;

/// <summary>
/// PAIRMLS.md "Crashes, rollbacks and recovery": the points inside Send and Receive where a party may
/// crash. The party actor throws there, its supervisor restarts it, and it reloads its last persisted
/// state, as Akka supervision of a persistent actor would.
/// </summary>
public enum CrashPoint
{
    /// <summary>Send made the datagram and the next state in memory, before persisting it: both are lost, nothing leaves.</summary>
    SendBeforePersist,
    /// <summary>Send persisted the next state, before the datagram was handed to the network: the state is kept, the datagram lost.</summary>
    SendAfterPersist,
    /// <summary>Receive processed a datagram in memory, before persisting the result: the result is lost and the user saw nothing.</summary>
    ReceiveBeforePersist,
}

public static class CrashPoints
{
    public static readonly IReadOnlyList<CrashPoint> All = Enum.GetValues<CrashPoint>();

    /// <summary>The name in scenario text and traces: send_before_persist, send_after_persist, receive_before_persist.</summary>
    public static string Name(this CrashPoint point) => point switch
    {
        CrashPoint.SendBeforePersist => "send_before_persist",
        CrashPoint.SendAfterPersist => "send_after_persist",
        CrashPoint.ReceiveBeforePersist => "receive_before_persist",
        _ => throw new ArgumentOutOfRangeException(nameof(point), point, null),
    };

    public static CrashPoint Parse(string name) =>
        All.FirstOrDefault(p => p.Name() == name) is var p && p.Name() == name
            ? p
            : throw new FormatException($"unknown crash point '{name}' (send_before_persist, send_after_persist, receive_before_persist)");

    /// <summary>True for the points inside Send (the others are inside Receive).</summary>
    public static bool InSend(this CrashPoint point) => point is CrashPoint.SendBeforePersist or CrashPoint.SendAfterPersist;
}
