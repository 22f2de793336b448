namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6 ProtocolVersion (uint16). MLSMessage accepts only mls10.</summary>
public enum ProtocolVersion : ushort
{
    Mls10 = 1,
}
