namespace Sim.Engine.Crypto;

/// <summary>
/// A signature private key in the form its scheme signs with: the public key computed once (RFC 8032
/// §5.1.6 signing needs it: recomputing it costs a second fixed-base scalar multiplication per
/// signature) and whatever parsed object the provider keeps. It holds a copy of the private key;
/// <see cref="Dispose"/> zeroes that copy and releases the provider's object. A <see cref="Schedule.Secret"/>
/// that signs keeps one attached and disposes it in <see cref="Schedule.Secret.Clear"/>, so clearing the
/// secret still deletes every copy of the key.
/// </summary>
public abstract class SigningKey : IDisposable
{
    private readonly byte[] _publicKey;
    private bool _disposed;

    protected SigningKey(ISignatureScheme scheme, byte[] publicKey)
    {
        Scheme = scheme;
        _publicKey = publicKey;
    }

    /// <summary>The scheme (and provider) this key was parsed for.</summary>
    public ISignatureScheme Scheme { get; }

    /// <summary>A copy of the public key.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>True when <paramref name="publicKey"/> is this key's public key.</summary>
    public bool HasPublicKey(ReadOnlySpan<byte> publicKey) => publicKey.SequenceEqual(_publicKey);

    /// <summary>The public key without a copy, for the scheme's own signing code.</summary>
    protected ReadOnlySpan<byte> PublicKeySpan => _publicKey;

    public bool IsDisposed => _disposed;

    /// <summary>Signs <paramref name="message"/> (the scheme's Sign, without re-parsing the key).</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return SignCore(message);
    }

    /// <summary>The signature; counts <see cref="CryptoOp.Sign"/>.</summary>
    protected abstract byte[] SignCore(ReadOnlySpan<byte> message);

    /// <summary>Zeroes the private material this object holds.</summary>
    protected abstract void ZeroPrivate();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ZeroPrivate();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => _disposed ? "SigningKey(disposed)" : $"SigningKey({Scheme.Id:x4})";
}

/// <summary>A signing key that keeps only a copy of the private bytes and signs through the scheme's
/// byte-level Sign (ECDSA: parsing the scalar is cheap beside the signature itself).</summary>
internal sealed class BytesSigningKey(ISignatureScheme scheme, byte[] privateKey, byte[] publicKey) : SigningKey(scheme, publicKey)
{
    protected override byte[] SignCore(ReadOnlySpan<byte> message) => Scheme.Sign(privateKey, message);

    protected override void ZeroPrivate() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
}
