namespace Sim.Engine;

/// <summary>
/// An invariant of the engine itself broke: a bug, never caused by input (bad input is an
/// <see cref="MlsProtocolException"/>). It is deliberately not an <see cref="MlsProtocolException"/>,
/// so no layer turns it into a refusal: PairMLS lets it escape <c>Receive</c> instead of reporting a
/// <c>Rejected</c> datagram (an engine bug must not look like an attack), and a simulator world that
/// meets one fails and is reported undecided with its seed.
/// </summary>
public sealed class MlsInternalException : Exception
{
    public MlsInternalException(string message) : base($"engine bug: {message}") { }
    public MlsInternalException(string message, Exception inner) : base($"engine bug: {message}", inner) { }
}
