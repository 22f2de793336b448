namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6 ContentType (uint8): what a FramedContent carries.</summary>
public enum ContentType : byte
{
    Application = 1,
    Proposal = 2,
    Commit = 3,
}
