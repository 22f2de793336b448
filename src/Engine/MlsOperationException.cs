using Sim.Engine.Messages;

namespace Sim.Engine;

/// <summary>
/// The base of the typed refusals of the public group operations (as OpenMLS gives each operation
/// its own error): <see cref="Group.ProcessMessageException"/> (<c>MlsGroup.Process</c>),
/// <see cref="Group.WelcomeException"/> (joining from a Welcome, ReInit or branch),
/// <see cref="Group.ExternalJoinException"/> (<c>JoinExternal</c>), <see cref="Group.CreateCommitException"/>
/// (<c>Commit</c>, <c>ReInit</c>, <c>Branch</c>) and <see cref="Messages.KeyPackageException"/>
/// (<c>ProposeAdd</c>). Each carries its operation's own closed set of reasons and, when one named
/// check refused, the <see cref="ValidationRule"/> with its RFC section. A refused operation changes
/// nothing. An engine bug is never one of these: it is an <see cref="MlsInternalException"/>.
/// </summary>
public abstract class MlsOperationException : Exception
{
    private protected MlsOperationException(string message, ValidationRule? rule, Exception? inner) : base(message, inner) => Rule = rule;

    /// <summary>The named validation rule that refused the input, when one did.</summary>
    public ValidationRule? Rule { get; }

    /// <summary>The reason, as the name of the operation's enum value (for logs and traces).</summary>
    public abstract string ReasonName { get; }
}
