using Sim.Engine.Baselines;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Service;

/// <summary>One datagram as the delivery service saw it: when, from whom (it knows the connection), its size and what it could read.</summary>
public sealed record ServiceObservation(long T, Party From, int Bytes, DsView View, string? Action);
