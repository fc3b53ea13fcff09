using MailKitServer.Smtp.Screening.RateLimits;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.Screening;

public class RateLimitTests
{
    [Theory]
    [InlineData("100/1h", 100, 3600)]
    [InlineData("5/30s", 5, 30)]
    [InlineData("1/2d", 1, 172800)]
    [InlineData("20/10M", 20, 600)]
    public void A_limit_is_written_N_slash_PERIOD(string text, int count, int seconds)
    {
        var limit = RateLimit.Parse(text);
        Assert.Equal(count, limit.Count);
        Assert.Equal(TimeSpan.FromSeconds(seconds), limit.Period);
        Assert.Equal(limit, RateLimit.Parse(limit.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("100")]
    [InlineData("0/1h")]
    [InlineData("-1/1h")]
    [InlineData("10/h")]
    [InlineData("10/0s")]
    [InlineData("10/1w")]
    [InlineData("10/1.5h")]
    [InlineData("99999999999/1h")]
    public void Bad_limits_are_refused(string text) => Assert.Throws<FormatException>(() => RateLimit.Parse(text));

    [Fact]
    public void A_full_burst_is_taken_then_one_more_each_interval_and_a_refusal_says_exactly_when()
    {
        var clock = new ManualTimeProvider();
        var limiter = new RateLimiter(clock, 100);
        var limit = new RateLimit(3, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.TryTake("a", limit));
        }

        Assert.Equal(TimeSpan.FromSeconds(10), limiter.TryTake("a", limit));
        Assert.Null(limiter.TryTake("b", limit));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.TryTake("a", limit));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.TryTake("a", limit));
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.TryTake("a", limit));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(limiter.TryTake("a", limit));
    }

    [Fact]
    public void Past_the_tracking_bound_subjects_back_to_a_full_burst_are_forgotten_first()
    {
        var clock = new ManualTimeProvider();
        var limiter = new RateLimiter(clock, 2);
        var limit = new RateLimit(1, TimeSpan.FromMinutes(1));
        Assert.Null(limiter.TryTake("a", limit));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(limiter.TryTake("b", limit));
        Assert.Null(limiter.TryTake("c", limit));

        // "a" was forgotten (it was back to a full burst); "b" still is limited.
        Assert.NotNull(limiter.TryTake("b", limit));
    }
}
