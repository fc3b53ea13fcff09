using MailKitServer.Storage;

namespace MailKitServer.Tests.Storage;

/// <summary>FLAGS, +FLAGS and -FLAGS (RFC 9051 §6.4.6) applied to a message's flags and keywords.</summary>
public sealed class FlagChangeTests
{
    [Theory]
    [InlineData(FlagChangeMode.Replace, SystemFlags.Seen | SystemFlags.Draft, SystemFlags.Flagged, SystemFlags.Flagged)]
    [InlineData(FlagChangeMode.Add, SystemFlags.Seen, SystemFlags.Flagged, SystemFlags.Seen | SystemFlags.Flagged)]
    [InlineData(FlagChangeMode.Remove, SystemFlags.Seen | SystemFlags.Flagged, SystemFlags.Flagged, SystemFlags.Seen)]
    [InlineData(FlagChangeMode.Remove, SystemFlags.Seen, SystemFlags.Deleted, SystemFlags.Seen)]
    public void System_flags_are_set_added_or_removed(FlagChangeMode mode, SystemFlags before, SystemFlags change, SystemFlags after)
    {
        foreach (IReadOnlyList<string> keywords in new[] { Array.Empty<string>(), ["$Junk", "work"] })
        {
            Assert.Equal(after, new FlagChange(mode, change, []).Apply(before, keywords).Flags);
        }
    }

    [Fact]
    public void A_change_without_keywords_keeps_the_keywords_unless_it_replaces_them()
    {
        IReadOnlyList<string> none = [];
        IReadOnlyList<string> some = ["$Junk", "work"];
        Assert.Same(none, new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []).Apply(SystemFlags.None, none).Keywords);
        Assert.Same(none, new FlagChange(FlagChangeMode.Remove, SystemFlags.Flagged, []).Apply(SystemFlags.Flagged, none).Keywords);
        Assert.Same(none, new FlagChange(FlagChangeMode.Replace, SystemFlags.Seen, []).Apply(SystemFlags.Flagged, none).Keywords);
        Assert.Same(some, new FlagChange(FlagChangeMode.Remove, SystemFlags.Flagged, []).Apply(SystemFlags.Flagged, some).Keywords);
        Assert.Equal(some, new FlagChange(FlagChangeMode.Add, SystemFlags.Flagged, []).Apply(SystemFlags.None, some).Keywords);
        Assert.Empty(new FlagChange(FlagChangeMode.Replace, SystemFlags.Seen, []).Apply(SystemFlags.None, some).Keywords);
    }

    [Fact]
    public void Keywords_are_added_once_and_removed_whatever_their_case()
    {
        IReadOnlyList<string> some = ["$Junk", "work"];
        Assert.Equal(["$Junk", "work", "home"], new FlagChange(FlagChangeMode.Add, SystemFlags.None, ["WORK", "home", "Home"]).Apply(SystemFlags.None, some).Keywords);
        Assert.Equal(["$Junk"], new FlagChange(FlagChangeMode.Remove, SystemFlags.None, ["WORK"]).Apply(SystemFlags.None, some).Keywords);
        Assert.Equal(["a"], new FlagChange(FlagChangeMode.Replace, SystemFlags.None, ["a", "A"]).Apply(SystemFlags.None, some).Keywords);
        Assert.Equal(["x"], new FlagChange(FlagChangeMode.Add, SystemFlags.None, ["x"]).Apply(SystemFlags.None, []).Keywords);
    }
}
