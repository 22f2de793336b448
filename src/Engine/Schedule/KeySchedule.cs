using Sim.Engine.Crypto;

namespace Sim.Engine.Schedule;

/// <summary>
/// One step of the RFC 9420 §8 key schedule: the joiner secret and welcome secret (needed to build
/// or read a Welcome) and the new epoch's secrets. Disposing clears all of it, except the epoch
/// secrets once <see cref="TakeSecrets"/> handed them over (the new epoch's state keeps them; a copy
/// would be nine more secrets per Commit, only to clear the originals).
/// </summary>
internal sealed class KeyScheduleEpoch(Secret joinerSecret, Secret welcomeSecret, EpochSecrets epochSecrets) : IDisposable
{
    private bool _secretsTaken;

    /// <summary>joiner_secret: goes into GroupSecrets of the Welcome (§12.4.3.1).</summary>
    public Secret JoinerSecret { get; } = joinerSecret;
    /// <summary>welcome_secret: keys the Welcome's encrypted GroupInfo (§12.4.3.1).</summary>
    public Secret WelcomeSecret { get; } = welcomeSecret;
    public EpochSecrets Secrets { get; } = epochSecrets;

    /// <summary>The epoch secrets, now owned by the caller: <see cref="Dispose"/> no longer clears them. Once only.</summary>
    public EpochSecrets TakeSecrets()
    {
        if (_secretsTaken) throw new InvalidOperationException("the epoch secrets were already taken");
        _secretsTaken = true;
        return Secrets;
    }

    public void Dispose()
    {
        JoinerSecret.Clear();
        WelcomeSecret.Clear();
        if (!_secretsTaken) Secrets.Clear();
    }

    public override string ToString() => "KeyScheduleEpoch";
}

/// <summary>
/// The RFC 9420 §8 key schedule as functions of its inputs:
/// <code>
/// joiner_secret = ExpandWithLabel(Extract(init_secret_[n-1], commit_secret), "joiner", GroupContext_[n], Nh)
/// member        = Extract(joiner_secret, psk_secret or 0)
/// welcome_secret = DeriveSecret(member, "welcome")
/// epoch_secret  = ExpandWithLabel(member, "epoch", GroupContext_[n], Nh)
/// </code>
/// (KDF.Extract takes the salt first.) <c>groupContext</c> is always the serialized GroupContext of
/// the new epoch. An empty PSK secret means no PSKs: the all-zero string of Nh bytes is used.
/// </summary>
internal static class KeySchedule
{
    /// <summary>The full step, as a member committing or processing a Commit runs it.</summary>
    public static KeyScheduleEpoch Advance(CipherSuite suite, ReadOnlySpan<byte> initSecret, ReadOnlySpan<byte> commitSecret,
        ReadOnlySpan<byte> pskSecret, ReadOnlySpan<byte> groupContext)
    {
        var joiner = JoinerSecret(suite, initSecret, commitSecret, groupContext);
        var (welcome, epoch) = FromJoinerSecret(suite, joiner.Span, pskSecret, groupContext);
        return new KeyScheduleEpoch(joiner, welcome, epoch);
    }

    /// <summary>joiner_secret from the previous epoch's init_secret and this epoch's commit_secret.</summary>
    public static Secret JoinerSecret(CipherSuite suite, ReadOnlySpan<byte> initSecret, ReadOnlySpan<byte> commitSecret,
        ReadOnlySpan<byte> groupContext)
    {
        using var extracted = new Secret(suite.Extract(initSecret, commitSecret));
        return new Secret(suite.ExpandWithLabel(extracted.Span, "joiner", groupContext, suite.HashLength));
    }

    /// <summary>welcome_secret from joiner_secret and psk_secret: what a joiner needs to open the
    /// Welcome's GroupInfo before it knows the GroupContext.</summary>
    public static Secret WelcomeSecret(CipherSuite suite, ReadOnlySpan<byte> joinerSecret, ReadOnlySpan<byte> pskSecret)
    {
        using var member = MemberSecret(suite, joinerSecret, pskSecret);
        return new Secret(suite.DeriveSecret(member.Span, "welcome"));
    }

    /// <summary>The welcome secret and the epoch secrets from joiner_secret, psk_secret and the new
    /// GroupContext: the joiner's half of the schedule (§12.4.3.1).</summary>
    public static (Secret WelcomeSecret, EpochSecrets Secrets) FromJoinerSecret(CipherSuite suite, ReadOnlySpan<byte> joinerSecret,
        ReadOnlySpan<byte> pskSecret, ReadOnlySpan<byte> groupContext)
    {
        using var member = MemberSecret(suite, joinerSecret, pskSecret);
        var welcome = new Secret(suite.DeriveSecret(member.Span, "welcome"));
        using var epochSecret = new Secret(suite.ExpandWithLabel(member.Span, "epoch", groupContext, suite.HashLength));
        return (welcome, EpochSecrets.FromEpochSecret(suite, epochSecret.Span));
    }

    /// <summary>RFC 9420 §12.4.3.1: the AEAD key and nonce that protect the Welcome's encrypted GroupInfo.</summary>
    public static (byte[] Key, byte[] Nonce) WelcomeKeyAndNonce(CipherSuite suite, ReadOnlySpan<byte> welcomeSecret) =>
        (suite.ExpandWithLabel(welcomeSecret, "key", ReadOnlySpan<byte>.Empty, suite.Aead.KeyLength),
         suite.ExpandWithLabel(welcomeSecret, "nonce", ReadOnlySpan<byte>.Empty, Aead.NonceLength));

    private static Secret MemberSecret(CipherSuite suite, ReadOnlySpan<byte> joinerSecret, ReadOnlySpan<byte> pskSecret)
    {
        if (pskSecret.IsEmpty)
        {
            // No PSKs: psk_secret is the all-zero string of Nh bytes (§8.4).
            Span<byte> zero = stackalloc byte[suite.HashLength];
            zero.Clear();
            return new Secret(suite.Extract(joinerSecret, zero));
        }
        if (pskSecret.Length != suite.HashLength)
            throw new ArgumentException($"psk_secret must be {suite.HashLength} bytes", nameof(pskSecret));
        return new Secret(suite.Extract(joinerSecret, pskSecret));
    }
}
