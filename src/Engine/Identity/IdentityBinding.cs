using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS IdentityBinding, a private-use LeafNode extension (RFC 9420 §13.4, §17.3: 0xF000–0xFFFF
/// are reserved for private use) that binds a leaf to the assertions that justify it:
/// <code>
/// struct {
///     opaque card_assertion_hash&lt;V&gt;;  // CardAssertion.Hash of the member's current card assertion
///     opaque succession_hash&lt;V&gt;;      // SuccessionChain hash of the agent's lineage ("" if none)
/// } IdentityBinding;
/// </code>
/// The leaf is signed (LeafNodeTBS covers its extensions), so the binding cannot be moved to another
/// leaf or changed in transit. The extension type must also be listed in the leaf's capabilities
/// (RFC 9420 §7.2): <see cref="Bind"/> does both.
/// </summary>
internal sealed record IdentityBinding(byte[] CardAssertionHash, byte[] SuccessionHash) : ITlsCodec<IdentityBinding>
{
    /// <summary>The private-use extension type of the binding.</summary>
    public const ushort ExtensionType = 0xFF01;

    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(CardAssertionHash);
        writer.WriteOpaque(SuccessionHash);
    }

    public static IdentityBinding Decode(ref TlsReader reader)
    {
        var card = reader.ReadOpaque();
        return new IdentityBinding(card, reader.ReadOpaque());
    }

    public Extension ToExtension() => new(ExtensionType, Tls.Serialize(this));

    /// <summary>Decodes an extension's data; <see cref="MlsDecodeException"/> if it is malformed.</summary>
    public static IdentityBinding FromExtension(Extension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        if (extension.ExtensionType != ExtensionType)
            throw new ArgumentException($"extension 0x{extension.ExtensionType:x4} is not an IdentityBinding", nameof(extension));
        return Tls.Deserialize<IdentityBinding>(extension.ExtensionData);
    }

    /// <summary>
    /// Reads the binding of <paramref name="leaf"/>. No binding extension, or more than one, is
    /// <see cref="IdentityError.MissingIdentityBinding"/>; undecodable data is <see cref="MlsError.Malformed"/>.
    /// </summary>
    public static IdentityBinding FromLeaf(LeafNode leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        Extension? found = null;
        var extensions = leaf.Extensions;
        for (int i = 0; i < extensions.Count; i++) // by index: no boxed enumerator
        {
            var extension = extensions[i];
            if (extension.ExtensionType != ExtensionType) continue;
            if (found is not null)
                throw new IdentityException(IdentityError.MissingIdentityBinding, "leaf has more than one IdentityBinding extension");
            found = extension;
        }
        if (found is null)
            throw new IdentityException(IdentityError.MissingIdentityBinding, "leaf has no IdentityBinding extension");
        try { return FromExtension(found); }
        catch (MlsDecodeException e) { throw new MlsProtocolException(MlsError.Malformed, "IdentityBinding extension: " + e.Message, e); }
    }

    /// <summary><paramref name="extensions"/> with any IdentityBinding replaced by <paramref name="binding"/> (appended last; others keep their order).</summary>
    public static IReadOnlyList<Extension> WithBinding(IReadOnlyList<Extension> extensions, IdentityBinding binding)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(binding);
        return [.. extensions.Where(e => e.ExtensionType != ExtensionType), binding.ToExtension()];
    }

    /// <summary><paramref name="capabilities"/> with <see cref="ExtensionType"/> listed among its extensions.</summary>
    public static Capabilities WithSupport(Capabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return capabilities.Extensions.Contains(ExtensionType)
            ? capabilities
            : capabilities with { Extensions = [.. capabilities.Extensions, ExtensionType] };
    }

    /// <summary>
    /// <paramref name="leaf"/> carrying this binding and listing its extension type in its
    /// capabilities. The result is unsigned: sign it afterwards (<see cref="LeafNodeSignature.Sign"/>).
    /// </summary>
    public LeafNode Bind(LeafNode leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        return leaf with { Extensions = WithBinding(leaf.Extensions, this), Capabilities = WithSupport(leaf.Capabilities) };
    }

    public bool Equals(IdentityBinding? other) =>
        other is not null && CardAssertionHash.AsSpan().SequenceEqual(other.CardAssertionHash)
        && SuccessionHash.AsSpan().SequenceEqual(other.SuccessionHash);

    public override int GetHashCode() => HashCode.Combine(CardAssertionHash.Length, SuccessionHash.Length);

    public override string ToString() =>
        $"IdentityBinding(card {Short(CardAssertionHash)}, succession {Short(SuccessionHash)})";

    private static string Short(byte[] hash) => hash.Length == 0 ? "none" : Convert.ToHexStringLower(hash.AsSpan(0, Math.Min(8, hash.Length)));
}
