using Sim.Engine.Messages;

namespace Sim.Engine;

/// <summary>What a <see cref="ValidationRule"/> judges, so each operation's error names the thing its caller gave or received.</summary>
internal enum RuleCategory { None, Leaf, KeyPackage, Proposal }

/// <summary>
/// Turning the engine's internal refusal (<see cref="MlsProtocolException"/>: an <see cref="MlsError"/>
/// and maybe a rule) into the typed error of the public operation that met it, at that operation's
/// boundary. An <see cref="MlsInternalException"/> passes through unchanged.
/// </summary>
internal static class OperationErrors
{
    public static RuleCategory Category(ValidationRule? rule) => rule switch
    {
        null => RuleCategory.None,
        ValidationRule.KeyPackageVersionAndSuite or ValidationRule.KeyPackageKeys or ValidationRule.KeyPackageSignature => RuleCategory.KeyPackage,
        >= ValidationRule.LeafSignature and <= ValidationRule.LeafKeysUnique => RuleCategory.Leaf,
        _ => RuleCategory.Proposal,   // GroupExtensionsSupported, Proposal…, ProposalList…, ExternalCommit…, Commit…
    };

    /// <summary>Runs <paramref name="operation"/>, turning a refusal into <paramref name="typed"/>'s exception.</summary>
    public static T Run<T>(Func<T> operation, Func<MlsProtocolException, MlsOperationException> typed)
    {
        try { return operation(); }
        catch (MlsProtocolException e) { throw typed(e); }
    }
}
