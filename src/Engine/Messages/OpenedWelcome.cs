using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Messages;

/// <summary>
/// What a joiner learns from a Welcome (RFC 9420 §12.4.3.1): its GroupSecrets, the psk_secret they
/// resolve to, and the decrypted GroupInfo. The GroupInfo signature is NOT verified here: the
/// signer's key is in the ratchet tree (use <see cref="GroupInfoSignature.Check"/> once it is known).
/// Disposing clears the secrets.
/// </summary>
internal sealed class OpenedWelcome : IDisposable
{
    public CipherSuite Suite { get; }
    /// <summary>Decrypted, signature unverified.</summary>
    public GroupInfo GroupInfo { get; }
    public Secret JoinerSecret { get; }
    /// <summary>psk_secret of <see cref="Psks"/> (§8.4); the all-zero Nh bytes when there are none.</summary>
    public Secret PskSecret { get; }
    /// <summary>The path_secret for the committer's and our common ancestor, if the Commit had a path.</summary>
    public Secret? PathSecret { get; }
    public IReadOnlyList<PreSharedKeyId> Psks { get; }

    internal OpenedWelcome(CipherSuite suite, GroupInfo groupInfo, Secret joinerSecret, Secret pskSecret, Secret? pathSecret,
        IReadOnlyList<PreSharedKeyId> psks)
    {
        Suite = suite;
        GroupInfo = groupInfo;
        JoinerSecret = joinerSecret;
        PskSecret = pskSecret;
        PathSecret = pathSecret;
        Psks = psks;
    }

    /// <summary>
    /// The new epoch's secrets from joiner_secret, psk_secret and the GroupInfo's GroupContext (§8);
    /// the caller owns (and clears) the result. Its confirmation_key checks GroupInfo.confirmation_tag.
    /// </summary>
    public EpochSecrets DeriveEpochSecrets()
    {
        var (welcomeSecret, secrets) = KeySchedule.FromJoinerSecret(Suite, JoinerSecret.Span, PskSecret.Span,
            Tls.Serialize(GroupInfo.GroupContext));
        welcomeSecret.Clear();
        return secrets;
    }

    public void Dispose()
    {
        JoinerSecret.Clear();
        PskSecret.Clear();
        PathSecret?.Clear();
    }

    public override string ToString() => $"OpenedWelcome(suite {Suite.Id}, epoch {GroupInfo.GroupContext.Epoch}, psks {Psks.Count})";
}
