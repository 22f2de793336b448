namespace Sim.Engine.Messages;

/// <summary>
/// A <see cref="ValidationRule"/> that a value breaks, with the reason it is refused for and why:
/// what a rule check returns when the caller may only be asking (the committer choosing proposals,
/// §12.2), so no exception is used as a probe. <see cref="ToException"/> is the refusal.
/// </summary>
internal sealed record RuleBreach(MlsError Error, ValidationRule Rule, string Why)
{
    public MlsProtocolException ToException() => new(Error, Rule, Why);

    public override string ToString() => $"{Error}: [{Rule} {Rule.Section()}] {Why}";
}
