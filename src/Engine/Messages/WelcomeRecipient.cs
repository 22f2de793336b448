namespace Sim.Engine.Messages;

/// <summary>
/// One new member of a Welcome (RFC 9420 §12.4.3.1): the KeyPackage it was added with and, if the
/// Commit had a path, the path_secret of the lowest common ancestor of the committer and this member.
/// </summary>
internal sealed record WelcomeRecipient(KeyPackage KeyPackage, PathSecret? PathSecret = null);
