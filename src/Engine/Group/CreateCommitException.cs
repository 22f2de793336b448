using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>Why <see cref="MlsGroup.Commit"/> (or <see cref="MlsGroup.ReInit"/>, <see cref="MlsGroup.Branch"/>) refused
/// to make a Commit from what it was given (RFC 9420 §12.4.1). Misuse (a removed group, an unknown proposal
/// reference) is an <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/>.</summary>
public enum CreateCommitError
{
    /// <summary>§12.1, §12.2: the proposals to cover break a rule (<see cref="MlsOperationException.Rule"/> names it).</summary>
    InvalidProposal,
    /// <summary>§10.1: an Add's KeyPackage is invalid.</summary>
    InvalidKeyPackage,
    /// <summary>§7.3: a leaf the Commit would put in the tree (an Update's, our new one) is invalid.</summary>
    InvalidLeafNode,
    /// <summary>§8.4: a PSK to inject is not available.</summary>
    MissingPsk,
    /// <summary>§5.3.1: the Authentication Service refused a leaf (its reason is the inner exception).</summary>
    RejectedByAuthenticationService,
}

/// <summary>No Commit was made; the group is unchanged.</summary>
public sealed class CreateCommitException : MlsOperationException
{
    internal CreateCommitException(CreateCommitError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public CreateCommitError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static CreateCommitException From(MlsProtocolException e) => new(Of(e), e.Message, e.Rule, e);

    private static CreateCommitError Of(MlsProtocolException e) => e.Error switch
    {
        MlsError.RejectedByAuthenticationService => CreateCommitError.RejectedByAuthenticationService,
        MlsError.MissingKey => CreateCommitError.MissingPsk,
        MlsError.InvalidKeyPackage or MlsError.UnsupportedCipherSuite => CreateCommitError.InvalidKeyPackage,
        _ => OperationErrors.Category(e.Rule) switch
        {
            RuleCategory.KeyPackage => CreateCommitError.InvalidKeyPackage,
            RuleCategory.Leaf => CreateCommitError.InvalidLeafNode,
            RuleCategory.Proposal => CreateCommitError.InvalidProposal,
            _ => e.Error switch
            {
                MlsError.InvalidLeafNode or MlsError.InvalidKey or MlsError.InvalidTree => CreateCommitError.InvalidLeafNode,
                _ => CreateCommitError.InvalidProposal,
            },
        },
    };
}
