using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §12.4.3.1 Welcome protection:
/// <code>
/// welcome_secret = DeriveSecret(Extract(joiner_secret, psk_secret), "welcome")
/// welcome_key    = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)
/// welcome_nonce  = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)
/// encrypted_group_info = AEAD.Seal(welcome_key, welcome_nonce, "", GroupInfo)
/// encrypted_group_secrets[i] = EncryptWithLabel(init_key[i], "Welcome", encrypted_group_info, GroupSecrets[i])
/// </code>
/// each EncryptedGroupSecrets named by the new member's KeyPackageRef.
/// </summary>
internal static class WelcomeProtection
{
    public const string Label = "Welcome";

    /// <summary>
    /// Builds the Welcome for <paramref name="newMembers"/>. <paramref name="groupInfo"/> must already
    /// be signed; <paramref name="pskSecret"/> is the psk_secret of <paramref name="psks"/> (empty for
    /// none). Every KeyPackage must be of <paramref name="suite"/> (validate them first, §10.1).
    /// </summary>
    public static Welcome Create(CipherSuite suite, ReadOnlySpan<byte> joinerSecret, ReadOnlySpan<byte> pskSecret,
        IReadOnlyList<PreSharedKeyId> psks, GroupInfo groupInfo, IReadOnlyList<WelcomeRecipient> newMembers, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(psks);
        ArgumentNullException.ThrowIfNull(groupInfo);
        ArgumentNullException.ThrowIfNull(newMembers);
        ArgumentNullException.ThrowIfNull(random);
        if (groupInfo.GroupContext.CipherSuite != suite.Id)
            throw new ArgumentException("the GroupInfo is for another cipher suite", nameof(groupInfo));
        if (joinerSecret.Length != suite.HashLength)
            throw new ArgumentException($"joiner_secret must be {suite.HashLength} bytes", nameof(joinerSecret));

        byte[] encryptedGroupInfo;
        using (var welcomeSecret = KeySchedule.WelcomeSecret(suite, joinerSecret, pskSecret))
        {
            var (key, nonce) = KeySchedule.WelcomeKeyAndNonce(suite, welcomeSecret.Span);
            encryptedGroupInfo = suite.Aead.Seal(key, nonce, default, Tls.Serialize(groupInfo));
            Array.Clear(key);
            Array.Clear(nonce);
        }

        var secrets = new EncryptedGroupSecrets[newMembers.Count];
        for (int i = 0; i < newMembers.Count; i++)
        {
            var (keyPackage, pathSecret) = newMembers[i];
            if (keyPackage.CipherSuite != suite.Id)
                throw new ArgumentException($"new member {i}: KeyPackage is for another cipher suite", nameof(newMembers));
            var groupSecrets = new GroupSecrets(joinerSecret.ToArray(), pathSecret, psks);
            var plaintext = Tls.Serialize(groupSecrets);
            var (kemOutput, ciphertext) = suite.EncryptWithLabel(keyPackage.InitKey, Label, encryptedGroupInfo, plaintext, random);
            Array.Clear(plaintext);
            Array.Clear(groupSecrets.JoinerSecret);
            secrets[i] = new EncryptedGroupSecrets(keyPackage.MakeRef(), new HpkeCiphertext(kemOutput, ciphertext));
        }
        return new Welcome(suite.Id, secrets, encryptedGroupInfo);
    }

    /// <summary>Opens a Welcome with a KeyPackage this client published.</summary>
    public static OpenedWelcome Open(Welcome welcome, KeyPackageBundle keyPackage, Func<PreSharedKeyId, byte[]?>? resolvePsk = null)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        return Open(keyPackage.Suite, welcome, keyPackage.Ref, keyPackage.InitPrivateKey.Span, resolvePsk);
    }

    /// <summary>
    /// Opens a Welcome for the KeyPackage named <paramref name="keyPackageRef"/>, whose init private
    /// key is <paramref name="initPrivateKey"/>. PSKs named in GroupSecrets are looked up with
    /// <paramref name="resolvePsk"/> (null: not known). Fails with <see cref="MlsProtocolException"/>:
    /// <see cref="MlsError.WelcomeNotForUs"/> if no entry names our KeyPackage,
    /// <see cref="MlsError.InvalidWelcome"/> for a wrong suite, a duplicate entry, a joiner_secret of
    /// the wrong size or a GroupInfo of another suite or version, <see cref="MlsError.MissingKey"/> for
    /// an unknown PSK, <see cref="MlsError.DecryptionFailed"/> / <see cref="MlsError.InvalidKey"/>
    /// from HPKE or the AEAD; a decrypted payload that does not decode is <see cref="MlsDecodeException"/>.
    /// </summary>
    public static OpenedWelcome Open(CipherSuite suite, Welcome welcome, ReadOnlySpan<byte> keyPackageRef,
        ReadOnlySpan<byte> initPrivateKey, Func<PreSharedKeyId, byte[]?>? resolvePsk = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(welcome);
        if (welcome.CipherSuite != suite.Id)
            throw Invalid($"cipher suite 0x{welcome.CipherSuite:x4} is not our KeyPackage's 0x{suite.Id:x4}");

        EncryptedGroupSecrets? ours = null;
        foreach (var entry in welcome.Secrets)
        {
            if (!entry.NewMember.AsSpan().SequenceEqual(keyPackageRef)) continue;
            if (ours is not null) throw Invalid("two entries name our KeyPackage");
            ours = entry;
        }
        if (ours is null)
            throw new MlsProtocolException(MlsError.WelcomeNotForUs, "Welcome: no EncryptedGroupSecrets names our KeyPackage");

        var sealedSecrets = ours.EncryptedGroupSecretsCiphertext;
        var plaintext = suite.DecryptWithLabel(initPrivateKey, Label, welcome.EncryptedGroupInfo,
            sealedSecrets.KemOutput, sealedSecrets.Ciphertext);
        GroupSecrets groupSecrets;
        try { groupSecrets = Tls.Deserialize<GroupSecrets>(plaintext); }
        finally { Array.Clear(plaintext); }

        var joinerSecret = new Secret(groupSecrets.JoinerSecret);
        var pathSecret = groupSecrets.PathSecret is { } p ? new Secret(p.Secret) : null;
        Secret? pskSecret = null;
        try
        {
            if (joinerSecret.Length != suite.HashLength)
                throw Invalid($"joiner_secret is {joinerSecret.Length} bytes, not {suite.HashLength}");
            pskSecret = ResolvePskSecret(suite, groupSecrets.Psks, resolvePsk);
            var groupInfo = DecryptGroupInfo(suite, welcome.EncryptedGroupInfo, joinerSecret.Span, pskSecret.Span);
            if (groupInfo.GroupContext.CipherSuite != suite.Id || groupInfo.GroupContext.Version != GroupContext.Mls10)
                throw Invalid("the GroupInfo's GroupContext has another cipher suite or version");
            return new OpenedWelcome(suite, groupInfo, joinerSecret, pskSecret, pathSecret, groupSecrets.Psks);
        }
        catch
        {
            // Nothing escapes a failed open: clear what was decrypted, then rethrow unchanged.
            joinerSecret.Clear();
            pathSecret?.Clear();
            pskSecret?.Clear();
            throw;
        }
    }

    /// <summary>RFC 9420 §8.4 psk_secret over the PSKs of GroupSecrets, in order.</summary>
    private static Secret ResolvePskSecret(CipherSuite suite, IReadOnlyList<PreSharedKeyId> psks, Func<PreSharedKeyId, byte[]?>? resolvePsk)
    {
        var inputs = new (byte[] EncodedPskId, byte[] Psk)[psks.Count];
        for (int i = 0; i < psks.Count; i++)
        {
            var psk = resolvePsk?.Invoke(psks[i])
                ?? throw new MlsProtocolException(MlsError.MissingKey, $"Welcome: PSK {i} ({psks[i].PskType}) is not known");
            inputs[i] = (Tls.Serialize(psks[i]), psk);
        }
        return PskSecret.Compute(suite, inputs);
    }

    private static GroupInfo DecryptGroupInfo(CipherSuite suite, byte[] encryptedGroupInfo, ReadOnlySpan<byte> joinerSecret,
        ReadOnlySpan<byte> pskSecret)
    {
        using var welcomeSecret = KeySchedule.WelcomeSecret(suite, joinerSecret, pskSecret);
        var (key, nonce) = KeySchedule.WelcomeKeyAndNonce(suite, welcomeSecret.Span);
        try { return Tls.Deserialize<GroupInfo>(suite.Aead.Open(key, nonce, default, encryptedGroupInfo)); }
        finally
        {
            Array.Clear(key);
            Array.Clear(nonce);
        }
    }

    private static MlsProtocolException Invalid(string message) => new(MlsError.InvalidWelcome, $"Welcome: {message}");
}
