namespace Sim.Engine.Group;

/// <summary>
/// How an application's Authentication Service (<see cref="GroupOptions.AuthenticationService"/>)
/// refuses a leaf (RFC 9420 §5.3.1: credential validation is the application's). The operation that
/// met the leaf then fails with its own typed error, reason <c>RejectedByAuthenticationService</c>
/// (<see cref="ProcessMessageError"/>, <see cref="WelcomeError"/>, <see cref="ExternalJoinError"/>,
/// <see cref="CreateCommitError"/>), with this exception in its <see cref="Exception.InnerException"/>
/// chain and nothing changed. Derive from it to carry the service's own reasons. Any other exception
/// a service throws is not a refusal: it escapes as the bug it is.
/// </summary>
public class AuthenticationServiceException : Exception
{
    public AuthenticationServiceException(string message) : base(message) { }
    public AuthenticationServiceException(string message, Exception inner) : base(message, inner) { }
}
