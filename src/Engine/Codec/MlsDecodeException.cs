namespace Sim.Engine.Codec;

/// <summary>
/// The one exception type that every decoder in the engine throws for malformed input:
/// truncated data, a length longer than what remains, a non-minimal varint, an unknown enum
/// value where the RFC forbids one, or trailing bytes where a structure must end.
/// </summary>
public sealed class MlsDecodeException : Exception
{
    public MlsDecodeException(string message) : base(message) { }
    public MlsDecodeException(string message, Exception inner) : base(message, inner) { }
}
