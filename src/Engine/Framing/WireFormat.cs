namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6 WireFormat (uint16): which message an MLSMessage carries.</summary>
public enum WireFormat : ushort
{
    PublicMessage = 1,
    PrivateMessage = 2,
    Welcome = 3,
    GroupInfo = 4,
    KeyPackage = 5,
}
