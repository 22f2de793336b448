namespace Sim.Engine.Framing;

/// <summary>
/// How many zero bytes a sender appends to a PrivateMessageContent (RFC 9420 §6.3.1, §16.1):
/// first <see cref="FixedLength"/> bytes, then enough to round the plaintext up to a multiple of
/// <see cref="BlockSize"/> (0: no rounding). The receiver accepts any amount of zero padding.
/// </summary>
public sealed record PaddingPolicy(int FixedLength = 0, int BlockSize = 0)
{
    public static readonly PaddingPolicy None = new();

    /// <summary>Always <paramref name="length"/> zero bytes.</summary>
    public static PaddingPolicy Fixed(int length) => new(FixedLength: length);

    /// <summary>Pads the plaintext to a multiple of <paramref name="blockSize"/> bytes.</summary>
    public static PaddingPolicy Block(int blockSize) => new(BlockSize: blockSize);

    /// <summary>The padding length for a plaintext whose content and auth take <paramref name="contentLength"/> bytes.</summary>
    public int PaddingFor(int contentLength)
    {
        if (FixedLength < 0 || BlockSize < 0) throw new InvalidOperationException("PaddingPolicy: negative length");
        int padded = contentLength + FixedLength;
        int round = BlockSize > 1 ? (BlockSize - padded % BlockSize) % BlockSize : 0;
        return FixedLength + round;
    }
}
