namespace Sim.Scenarios.Cluster;

/// <summary>
/// A message between cluster members (coordinator and workers). Every one is a small record of
/// strings and numbers that <see cref="ClusterSerializer"/> writes as JSON, so the wire format is
/// explicit and no type name from the network is ever trusted.
/// </summary>
public interface IClusterMessage;

/// <summary>Coordinator → a member of role worker: "are you there, and how many worlds at once?"</summary>
public sealed record WorkerHello : IClusterMessage;

/// <summary>Worker → coordinator: it takes up to <paramref name="Capacity"/> work items at once.</summary>
public sealed record WorkerReady(int Capacity) : IClusterMessage;

/// <summary>
/// Coordinator → worker: run item <paramref name="Index"/> of a job. <paramref name="Kind"/> names the
/// job (<see cref="ClusterJobs"/>), <paramref name="Payload"/> is its self-contained input (for a sweep,
/// the world's scenario text): everything the world needs, so it is the same world on any node.
/// </summary>
public sealed record WorkItem(int Index, string Kind, string Payload) : IClusterMessage;

/// <summary>Worker → coordinator: item <paramref name="Index"/> finished; <paramref name="Payload"/> is its row (JSON).</summary>
public sealed record WorkDone(int Index, string Payload) : IClusterMessage;

/// <summary>Worker → coordinator: item <paramref name="Index"/> threw (the world is broken, not the node).</summary>
public sealed record WorkFailed(int Index, string Error) : IClusterMessage;
