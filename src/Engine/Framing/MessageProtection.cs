using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6.2 and §6.3: turns signed <see cref="AuthenticatedContent"/> into PublicMessage or
/// PrivateMessage and back, for one epoch (its GroupContext, membership_key and
/// sender_data_secret: copied in and cleared by <see cref="Dispose"/>, or read in place from the
/// epoch's own secrets with <see cref="ForEpoch"/>).
/// <para>
/// Unprotecting checks everything the framing layer can: group and epoch, sender type rules,
/// membership tag, AEAD decryption, the padding, the signature. Any failure throws
/// <see cref="MlsProtocolException"/> with a specific <see cref="MlsError"/>; a message that does not
/// decode is <see cref="MlsError.Malformed"/> (decode failures are wrapped, so only
/// <see cref="MlsProtocolException"/> leaves an unprotect method). The confirmation tag of a commit
/// is not checked here: it needs the next epoch's confirmation_key (§8.1, Group layer).
/// </para>
/// <para>
/// State: <see cref="UnprotectPrivate"/> never modifies the <see cref="SecretTree"/> it is given; it
/// consumes the key on a clone and returns that clone in <see cref="UnprotectedMessage.UpdatedTree"/>
/// for the caller to swap in once it accepts the message. <see cref="ProtectPrivate"/> consumes the
/// sender's key in the given tree directly: a sending key must never be used twice.
/// </para>
/// </summary>
internal sealed class MessageProtection : IDisposable
{
    private readonly Secret _membershipKey;
    private readonly Secret _senderDataSecret;

    public CipherSuite Suite { get; }
    public GroupContext Context { get; }
    public PaddingPolicy Padding { get; }

    /// <summary>False when the two secrets are the epoch's own (<see cref="ForEpoch"/>): the epoch's state
    /// owns and clears them, so <see cref="Dispose"/> leaves them alone.</summary>
    private readonly bool _ownsSecrets;

    public MessageProtection(CipherSuite suite, GroupContext context, ReadOnlySpan<byte> membershipKey,
        ReadOnlySpan<byte> senderDataSecret, PaddingPolicy? padding = null)
        : this(suite, context, Secret.Copy(membershipKey), Secret.Copy(senderDataSecret), ownsSecrets: true, padding)
    {
    }

    private MessageProtection(CipherSuite suite, GroupContext context, Secret membershipKey, Secret senderDataSecret, bool ownsSecrets,
        PaddingPolicy? padding)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(context);
        if (context.CipherSuite != suite.Id)
            throw new ArgumentException($"GroupContext names suite {context.CipherSuite}, not {suite.Id}", nameof(context));
        Suite = suite;
        Context = context;
        Padding = padding ?? PaddingPolicy.None;
        _membershipKey = membershipKey;
        _senderDataSecret = senderDataSecret;
        _ownsSecrets = ownsSecrets;
    }

    /// <summary>The protection of the epoch whose secrets are <paramref name="secrets"/>. It reads them in
    /// place (no copies: several protections are made per datagram) and does not clear them: they belong
    /// to the epoch's state, which clears them when the epoch is retired.</summary>
    public static MessageProtection ForEpoch(GroupContext context, EpochSecrets secrets, PaddingPolicy? padding = null) =>
        new(secrets.Suite, context, secrets.MembershipKey, secrets.SenderDataSecret, ownsSecrets: false, padding);

    // ---------------------------------------------------------------- signing (§6.1)

    /// <summary>Signs <paramref name="content"/> for <paramref name="wireFormat"/> in this epoch's
    /// GroupContext; <paramref name="confirmationTag"/> exactly for a commit.</summary>
    public AuthenticatedContent Sign(FramedContent content, WireFormat wireFormat, ReadOnlySpan<byte> signaturePrivateKey,
        byte[]? confirmationTag = null) =>
        ContentAuthentication.SignContent(Suite, content, wireFormat, Context, signaturePrivateKey, confirmationTag);

    // ---------------------------------------------------------------- PublicMessage (§6.2)

    /// <summary>membership_tag = MAC(membership_key, AuthenticatedContentTBM).</summary>
    public byte[] MembershipTag(PublicMessage message)
    {
        // The AuthenticatedContentTBM is MACed from a pooled writer (no copy of its own).
        var tbm = TlsWriter.Rent();
        try
        {
            message.EncodeTbm(tbm, Context);
            return Suite.Mac(_membershipKey.Span, tbm.WrittenSpan);
        }
        finally { TlsWriter.Return(tbm); }
    }

    /// <summary>Wraps signed content as a PublicMessage, with a membership tag for a member sender.
    /// Application data may not travel as a PublicMessage (§6): that is an <see cref="InvalidOperationException"/>.</summary>
    public PublicMessage ProtectPublic(AuthenticatedContent content)
    {
        if (content.WireFormat != WireFormat.PublicMessage)
            throw new ArgumentException($"content was signed for {content.WireFormat}, not PublicMessage", nameof(content));
        if (content.Content.ContentType == ContentType.Application)
            throw new InvalidOperationException("RFC 9420 §6: application data MUST NOT be sent as a PublicMessage");
        CheckOwnEpoch(content.Content.GroupId, content.Content.Epoch);
        var message = new PublicMessage(content.Content, content.Auth, null);
        return content.Content.Sender.SenderType == SenderType.Member ? message with { MembershipTag = MembershipTag(message) } : message;
    }

    /// <summary>Signs and wraps <paramref name="content"/> as a PublicMessage (proposals; a commit needs its confirmation tag).</summary>
    public PublicMessage ProtectPublic(FramedContent content, ReadOnlySpan<byte> signaturePrivateKey, byte[]? confirmationTag = null)
    {
        if (content.ContentType == ContentType.Application)
            throw new InvalidOperationException("RFC 9420 §6: application data MUST NOT be sent as a PublicMessage");
        return ProtectPublic(Sign(content, WireFormat.PublicMessage, signaturePrivateKey, confirmationTag));
    }

    /// <summary>Checks a PublicMessage: group and epoch, no application data, the sender type rules,
    /// the membership tag (member senders, constant time), the signature.</summary>
    public AuthenticatedContent UnprotectPublic(PublicMessage message, SignatureKeyLookup signatureKeys)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = message.Content;
        CheckEpoch(content.GroupId, content.Epoch);
        if (content.ContentType == ContentType.Application)
            throw new MlsProtocolException(MlsError.UnsupportedWireFormat, "application data in a PublicMessage (RFC 9420 §6)");
        ContentAuthentication.CheckSenderMaySend(content);
        if (content.Sender.SenderType == SenderType.Member)
        {
            if (message.MembershipTag is null || !CipherSuite.FixedTimeEquals(MembershipTag(message), message.MembershipTag))
                throw new MlsProtocolException(MlsError.BadMembershipTag, $"membership_tag of leaf {content.Sender.LeafIndex} does not verify");
        }
        else if (message.MembershipTag is not null)
            throw new MlsProtocolException(MlsError.Malformed, $"a {content.Sender.SenderType} sender carries no membership_tag");
        var authenticated = message.ToAuthenticatedContent();
        VerifySignature(authenticated, signatureKeys);
        return authenticated;
    }

    /// <summary>
    /// Whether <see cref="UnprotectPublic"/> would accept <paramref name="message"/>, as a yes or no for
    /// a caller that only weighs evidence (PairMLS: is a Commit authentic?): the same checks, and no
    /// exception for a message that fails them.
    /// </summary>
    public bool IsAuthentic(PublicMessage message, SignatureKeyLookup signatureKeys)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = message.Content;
        if (!content.GroupId.AsSpan().SequenceEqual(Context.GroupId) || content.Epoch != Context.Epoch) return false;
        if (content.ContentType == ContentType.Application || !ContentAuthentication.SenderMaySend(content)) return false;
        if (content.Sender.SenderType == SenderType.Member)
        {
            if (message.MembershipTag is null || !CipherSuite.FixedTimeEquals(MembershipTag(message), message.MembershipTag)) return false;
        }
        else if (message.MembershipTag is not null) return false;
        var authenticated = message.ToAuthenticatedContent();
        return signatureKeys(authenticated.Content) is { } key && ContentAuthentication.Verify(Suite, authenticated, Context, key);
    }

    // ---------------------------------------------------------------- PrivateMessage (§6.3)

    /// <summary>Encrypts signed content (wire format PrivateMessage, member sender) under the next
    /// generation of the sender's ratchet in <paramref name="tree"/> (consumed), with a fresh reuse
    /// guard from <paramref name="random"/> and this epoch's padding.</summary>
    public PrivateMessage ProtectPrivate(AuthenticatedContent content, SecretTree tree, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(random);
        if (content.WireFormat != WireFormat.PrivateMessage)
            throw new ArgumentException($"content was signed for {content.WireFormat}, not PrivateMessage", nameof(content));
        var framed = content.Content;
        // RFC 9420 §6.3.2: only a member sender has a SenderData.
        if (framed.Sender.SenderType != SenderType.Member)
            throw new InvalidOperationException($"a {framed.Sender.SenderType} sender cannot send a PrivateMessage");
        CheckOwnEpoch(framed.GroupId, framed.Epoch);

        uint leaf = framed.Sender.LeafIndex;
        Span<byte> reuseGuard = stackalloc byte[SenderData.ReuseGuardLength];
        random.Fill(reuseGuard);

        // §6.3.1: PrivateMessageContent = content, auth, then zero padding.
        var plaintext = TlsWriter.Rent();
        var aad = TlsWriter.Rent();
        try
        {
            ContentBody.Encode(plaintext, nameof(PrivateMessageContent), framed.ContentType, framed.ApplicationData, framed.Proposal, framed.Commit);
            content.Auth.Encode(plaintext, framed.ContentType);
            int padding = Padding.PaddingFor(plaintext.Length);
            if (padding > 0) plaintext.WriteFixed(new byte[padding]);

            new PrivateContentAad(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData).Encode(aad);
            byte[] ciphertext;
            uint generation;
            using (var key = tree.NextForEncryption(leaf, KindOf(framed.ContentType)))
            {
                generation = key.Generation;
                Span<byte> nonce = stackalloc byte[Aead.NonceLength];
                ApplyReuseGuard(key, reuseGuard, nonce);
                ciphertext = Suite.Aead.Seal(key.Key, nonce, aad.WrittenSpan, plaintext.WrittenSpan);
                nonce.Clear();
            }

            // §6.3.2: SenderData under keys derived from the ciphertext sample.
            var senderData = new TlsWriter(16);
            senderData.WriteUInt32(leaf);
            senderData.WriteUInt32(generation);
            senderData.WriteFixed(reuseGuard);
            var encryptedSenderData = SealSenderData(framed.GroupId, framed.Epoch, framed.ContentType, ciphertext, senderData.WrittenSpan);
            return new PrivateMessage(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData, encryptedSenderData, ciphertext);
        }
        finally
        {
            // Return zeroes them (the plaintext is secret).
            TlsWriter.Return(plaintext);
            TlsWriter.Return(aad);
        }
    }

    /// <summary>Signs <paramref name="content"/> for PrivateMessage and encrypts it (see the other overload).</summary>
    public PrivateMessage ProtectPrivate(FramedContent content, ReadOnlySpan<byte> signaturePrivateKey, SecretTree tree,
        IRandomSource random, byte[]? confirmationTag = null) =>
        ProtectPrivate(Sign(content, WireFormat.PrivateMessage, signaturePrivateKey, confirmationTag), tree, random);

    /// <summary>
    /// Decrypts and checks a PrivateMessage: group and epoch, sender data, the generation window
    /// (on a clone of <paramref name="tree"/>), content decryption, padding, the signature. Returns the
    /// content, the generation and the updated clone; <paramref name="tree"/> itself is unchanged.
    /// </summary>
    public UnprotectedMessage UnprotectPrivate(PrivateMessage message, SecretTree tree, SignatureKeyLookup signatureKeys)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(tree);
        CheckEpoch(message.GroupId, message.Epoch);

        // §6.3.2: sender data.
        var senderDataBytes = OpenSenderData(message);
        SenderData senderData;
        try { senderData = Tls.Deserialize<SenderData>(senderDataBytes); }
        catch (MlsDecodeException e) { throw new MlsProtocolException(MlsError.Malformed, "SenderData: " + e.Message, e); }

        // §6.3.1: content, under the sender's ratchet key for that generation, consumed on a copy.
        var updated = tree.Clone();
        try
        {
            byte[] plaintext;
            using (var key = updated.ForDecryption(senderData.LeafIndex, KindOf(message.ContentType), senderData.Generation))
            {
                Span<byte> nonce = stackalloc byte[Aead.NonceLength];
                ApplyReuseGuard(key, senderData.ReuseGuard, nonce);
                var aad = TlsWriter.Rent();
                try
                {
                    new PrivateContentAad(message.GroupId, message.Epoch, message.ContentType, message.AuthenticatedData).Encode(aad);
                    plaintext = Suite.Aead.Open(key.Key, nonce, aad.WrittenSpan, message.Ciphertext);
                }
                finally { TlsWriter.Return(aad); }
                nonce.Clear();
            }

            PrivateMessageContent body;
            try { body = PrivateMessageContent.Deserialize(plaintext, message.ContentType); }
            catch (MlsDecodeException e) { throw new MlsProtocolException(MlsError.Malformed, "PrivateMessageContent: " + e.Message, e); }

            var framed = new FramedContent(message.GroupId, message.Epoch, Sender.Member(senderData.LeafIndex),
                message.AuthenticatedData, message.ContentType, body.ApplicationData, body.Proposal, body.Commit);
            var authenticated = new AuthenticatedContent(WireFormat.PrivateMessage, framed, body.Auth);
            VerifySignature(authenticated, signatureKeys);
            return new UnprotectedMessage(authenticated, senderData.Generation, updated)
            {
                ReuseGuard = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(senderData.ReuseGuard),
            };
        }
        catch
        {
            updated.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------- MLSMessage

    /// <summary>Unprotects a PublicMessage or PrivateMessage; any other wire format is
    /// <see cref="MlsError.UnsupportedWireFormat"/>.</summary>
    public UnprotectedMessage Unprotect(MlsMessage message, SecretTree tree, SignatureKeyLookup signatureKeys)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.WireFormat switch
        {
            WireFormat.PublicMessage => new UnprotectedMessage(UnprotectPublic(message.PublicMessage!, signatureKeys), null, null),
            WireFormat.PrivateMessage => UnprotectPrivate(message.PrivateMessage!, tree, signatureKeys),
            _ => throw new MlsProtocolException(MlsError.UnsupportedWireFormat, $"{message.WireFormat} carries no framed content"),
        };
    }

    /// <summary>Decodes a serialized MLSMessage (a decode failure is <see cref="MlsError.Malformed"/>)
    /// and unprotects it. Only <see cref="MlsProtocolException"/> escapes on bad input.</summary>
    public UnprotectedMessage Unprotect(ReadOnlySpan<byte> mlsMessage, SecretTree tree, SignatureKeyLookup signatureKeys)
    {
        MlsMessage message;
        try { message = Tls.Deserialize<MlsMessage>(mlsMessage); }
        catch (MlsDecodeException e) { throw new MlsProtocolException(MlsError.Malformed, "MLSMessage: " + e.Message, e); }
        return Unprotect(message, tree, signatureKeys);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>RFC 9420 §9: handshake ratchet for proposals and commits, application ratchet for application data.</summary>
    public static RatchetKind KindOf(ContentType type) =>
        type == ContentType.Application ? RatchetKind.Application : RatchetKind.Handshake;

    private void VerifySignature(AuthenticatedContent content, SignatureKeyLookup signatureKeys)
    {
        var key = signatureKeys(content.Content)
            ?? throw new MlsProtocolException(MlsError.UnknownSender, $"no signature key for {Describe(content.Content.Sender)}");
        ContentAuthentication.VerifyOrThrow(Suite, content, Context, key);
    }

    private static string Describe(Sender sender) => sender.SenderType switch
    {
        SenderType.Member => $"member leaf {sender.LeafIndex}",
        SenderType.External => $"external sender {sender.SenderIndex}",
        _ => sender.SenderType.ToString(),
    };

    /// <summary>§6.3.1: the first four bytes of the ratchet nonce XOR the reuse guard.</summary>
    private static void ApplyReuseGuard(MessageKey key, ReadOnlySpan<byte> reuseGuard, Span<byte> nonce)
    {
        key.Nonce.CopyTo(nonce);
        for (int i = 0; i < SenderData.ReuseGuardLength; i++) nonce[i] ^= reuseGuard[i];
    }

    private byte[] SealSenderData(byte[] groupId, ulong epoch, ContentType type, byte[] ciphertext, ReadOnlySpan<byte> senderData)
    {
        var key = SecretTree.SenderDataKey(Suite, _senderDataSecret.Span, ciphertext);
        var nonce = SecretTree.SenderDataNonce(Suite, _senderDataSecret.Span, ciphertext);
        try { return Suite.Aead.Seal(key, nonce, Tls.Serialize(new SenderDataAad(groupId, epoch, type)), senderData); }
        finally { Array.Clear(key); }
    }

    private byte[] OpenSenderData(PrivateMessage message)
    {
        var key = SecretTree.SenderDataKey(Suite, _senderDataSecret.Span, message.Ciphertext);
        var nonce = SecretTree.SenderDataNonce(Suite, _senderDataSecret.Span, message.Ciphertext);
        try
        {
            var aad = Tls.Serialize(new SenderDataAad(message.GroupId, message.Epoch, message.ContentType));
            return Suite.Aead.Open(key, nonce, aad, message.EncryptedSenderData);
        }
        finally { Array.Clear(key); }
    }

    /// <summary>A received message must be for this group and this epoch.</summary>
    private void CheckEpoch(byte[] groupId, ulong epoch)
    {
        if (!groupId.AsSpan().SequenceEqual(Context.GroupId))
            throw new MlsProtocolException(MlsError.WrongGroup, "message is for another group");
        if (epoch != Context.Epoch)
            throw new MlsProtocolException(MlsError.WrongEpoch, $"message is for epoch {epoch}, the group is in epoch {Context.Epoch}");
    }

    /// <summary>Content we send must be for this group and epoch: anything else is a caller's bug.</summary>
    private void CheckOwnEpoch(byte[] groupId, ulong epoch)
    {
        if (!groupId.AsSpan().SequenceEqual(Context.GroupId) || epoch != Context.Epoch)
            throw new ArgumentException("content is not for this group and epoch");
    }

    public void Dispose()
    {
        if (!_ownsSecrets) return;
        _membershipKey.Clear();
        _senderDataSecret.Clear();
    }

    public override string ToString() => $"MessageProtection(suite {Suite.Id}, epoch {Context.Epoch})";
}
