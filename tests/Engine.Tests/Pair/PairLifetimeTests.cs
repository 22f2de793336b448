using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>RFC 9420 §7.2/§7.3 lifetimes in PairMLS (issue 16, item 5): invitations carry a real lifetime, checked against PairOptions.Clock.</summary>
public sealed class PairLifetimeTests
{
    private const ulong Start = 1_800_000_000;
    private static readonly ulong Day = 86_400;

    private sealed class Clock(ulong now)
    {
        public ulong Now { get; set; } = now;
    }

    private static PairOptions WithClock(Clock clock) => PairOptions.Default with { Clock = () => clock.Now };

    [Fact]
    public void InvitationCarriesNinetyDaysFromItsCreation_ByDefault()
    {
        var clock = new Clock(Start);
        using var invitation = Invitation.Create(AliceCard, WithClock(clock), new DeterministicRandomSource(1));
        var life = invitation.Public.Lifetime!;
        Assert.Equal(Start - 3600, life.NotBefore);
        Assert.Equal(Start + 90 * Day, life.NotAfter);
        using var week = Invitation.Create(AliceCard, WithClock(clock) with { InvitationLifetime = TimeSpan.FromDays(7) }, new DeterministicRandomSource(1));
        Assert.Equal(Start + 7 * Day, week.Public.Lifetime!.NotAfter);
        Assert.Equal(Start, WithClock(clock).ToGroupOptions().Clock!());
    }

    [Fact]
    public void BadInvitations_AreRefusedAtAccept_WithTheirTypedReason()
    {
        var options = WithClock(new Clock(Start));
        using var invitation = Invitation.Create(AliceCard, options, new DeterministicRandomSource(2));
        using var other = Invitation.Create(Sim.Engine.Identity.Card.Create("Carol"), options, new DeterministicRandomSource(4));
        InvitationError Refused(InvitationPublic bad) =>
            Assert.Throws<InvitationException>(() => PairSession.Accept(bad, BobCard, null, options, new DeterministicRandomSource(3))).Reason;
        Assert.Equal(InvitationError.UnsupportedCipherSuite, Refused(invitation.Public with { KeyPackage = invitation.Public.KeyPackage with { CipherSuite = 99 } }));
        Assert.Equal(InvitationError.IdentityRejected, Refused(invitation.Public with { CardAssertion = other.Public.CardAssertion }));
        var tampered = invitation.Public.KeyPackage with { Signature = new byte[invitation.Public.KeyPackage.Signature.Length] };
        Assert.Equal(InvitationError.InvalidKeyPackage, Refused(invitation.Public with { KeyPackage = tampered }));
    }

    [Fact]
    public void ExpiredInvitation_IsRefusedAtAccept_WithWhenItExpired()
    {
        var clock = new Clock(Start);
        var options = WithClock(clock);
        using var invitation = Invitation.Create(AliceCard, options, new DeterministicRandomSource(2));
        clock.Now = Start + 91 * Day;
        var e = Assert.Throws<InvitationException>(() => PairSession.Accept(invitation.Public, BobCard, null, options, new DeterministicRandomSource(3)));
        Assert.Equal((InvitationError.OutsideLifetime, Sim.Engine.Messages.ValidationRule.LeafLifetime), (e.Reason, e.Rule));
        Assert.Contains("expired", e.Message);
        clock.Now = Start - 2 * 3600;
        Assert.Contains("not valid before", Assert.Throws<InvitationException>(
            () => PairSession.Accept(invitation.Public, BobCard, null, options, new DeterministicRandomSource(3))).Message);
        // Within the lifetime it is accepted.
        clock.Now = Start + 89 * Day;
        Assert.NotNull(PairSession.Accept(invitation.Public, BobCard, null, options, new DeterministicRandomSource(3)));
    }

    [Fact]
    public void WelcomeDatagram_ArrivingAfterTheInvitationExpired_IsRejectedAsLeafExpired()
    {
        var clock = new Clock(Start);
        var options = WithClock(clock);
        using var invitation = Invitation.Create(AliceCard, options, new DeterministicRandomSource(4));
        clock.Now = Start + 90 * Day - 10;
        var bob = PairSession.Accept(invitation.Public, BobCard, null, options, new DeterministicRandomSource(5));
        var first = bob.Send(Bytes("just in time"));
        clock.Now = Start + 90 * Day + 10;
        Assert.Null(invitation.TryJoin(first.Datagram, out var outcome));
        var rejected = Assert.IsType<Rejected>(outcome);
        Assert.Equal(RejectReason.LeafExpired, rejected.Reason);
        Assert.Contains("expired", rejected.Detail);
        // The same datagram, had it come in time, joins.
        clock.Now = Start + 90 * Day - 5;
        Assert.NotNull(invitation.TryJoin(first.Datagram, out var joined));
        Assert.IsType<Delivered>(joined);
    }

    [Fact]
    public void BadLifetimeOption_IsRefusedByName()
    {
        var options = PairOptions.Default with { InvitationLifetime = TimeSpan.Zero };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Invitation.Create(AliceCard, options, new DeterministicRandomSource(1)));
        Assert.Equal(nameof(PairOptions.InvitationLifetime), e.ParamName);
    }
}
