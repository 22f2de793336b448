using System.Security.Cryptography;

namespace Sim.Engine.Schedule;

/// <summary>Which of a sender's two hash ratchets (RFC 9420 §9): handshake for proposals and
/// commits, application for application data.</summary>
internal enum RatchetKind
{
    Handshake,
    Application,
}

/// <summary>
/// One single-use AEAD key and nonce of a sender ratchet, at its generation (RFC 9420 §9.1).
/// Clear it once the message is sealed or opened.
/// </summary>
internal sealed class MessageKey : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _nonce;
    private bool _cleared;

    public uint Generation { get; }

    internal MessageKey(uint generation, byte[] key, byte[] nonce)
    {
        Generation = generation;
        _key = key;
        _nonce = nonce;
    }

    public ReadOnlySpan<byte> Key
    {
        get { ObjectDisposedException.ThrowIf(_cleared, this); return _key; }
    }

    public ReadOnlySpan<byte> Nonce
    {
        get { ObjectDisposedException.ThrowIf(_cleared, this); return _nonce; }
    }

    /// <summary>RFC 9420 §6.3.1: the nonce with its first four bytes XORed with the reuse guard.</summary>
    public byte[] NonceWithReuseGuard(ReadOnlySpan<byte> reuseGuard)
    {
        if (reuseGuard.Length != 4) throw new ArgumentException("reuse_guard is 4 bytes", nameof(reuseGuard));
        var nonce = Nonce.ToArray();
        for (int i = 0; i < 4; i++) nonce[i] ^= reuseGuard[i];
        return nonce;
    }

    internal MessageKey Clone() => new(Generation, Key.ToArray(), Nonce.ToArray());

    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_nonce);
        _cleared = true;
    }

    public void Dispose() => Clear();

    public override string ToString() => $"MessageKey(generation {Generation})";
}
