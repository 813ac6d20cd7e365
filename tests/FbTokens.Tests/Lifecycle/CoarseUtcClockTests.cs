using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Lifecycle;

public sealed class CoarseUtcClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reads_the_anchor_time_plus_elapsed_ticks_and_never_goes_backwards()
    {
        var clock = new CoarseUtcClock(new FakeTimeProvider(Start));

        var readings = Enumerable.Range(0, 1000).Select(_ => clock.GetUtcNow()).ToList();

        Assert.All(readings, r => Assert.InRange(r, Start, Start.AddSeconds(2)));
        Assert.Equal(readings.Order(), readings);
    }

    [Fact]
    public void Within_a_second_of_its_anchor_it_adds_the_elapsed_ticks_to_the_anchor_reading()
    {
        var time = new FakeTimeProvider(Start);
        long ticks = 5_000;
        var clock = new CoarseUtcClock(time, () => ticks);
        time.Advance(TimeSpan.FromMinutes(5)); // the exact clock is not read again yet

        Assert.Equal(Start, clock.GetUtcNow());
        ticks += 999;
        Assert.Equal(Start.AddMilliseconds(999), clock.GetUtcNow());
    }

    [Fact]
    public void A_second_after_its_anchor_it_reads_the_exact_clock_again_and_anchors_there()
    {
        var time = new FakeTimeProvider(Start);
        long ticks = 5_000;
        var clock = new CoarseUtcClock(time, () => ticks);
        time.Advance(TimeSpan.FromMinutes(5));

        ticks += 1_000;
        Assert.Equal(Start.AddMinutes(5), clock.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(5));
        ticks += 250;
        Assert.Equal(Start.AddMinutes(5).AddMilliseconds(250), clock.GetUtcNow());
    }

    [Fact]
    public void A_tick_count_behind_its_anchor_reads_the_exact_clock_again()
    {
        var time = new FakeTimeProvider(Start);
        long ticks = 5_000;
        var clock = new CoarseUtcClock(time, () => ticks);
        time.Advance(TimeSpan.FromSeconds(30));

        ticks -= 1;
        Assert.Equal(Start.AddSeconds(30), clock.GetUtcNow());
    }

    [Fact]
    public void The_hit_path_uses_it_only_on_the_system_clock()
    {
        var field = typeof(TokenReader).GetField("_coarseClock", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

        Assert.Null(field.GetValue(ReaderOn(new FakeTimeProvider(Start))));
        Assert.NotNull(field.GetValue(ReaderOn(TimeProvider.System)));
    }

    private static TokenReader ReaderOn(TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddFbTokens(o =>
        {
            o.AppId = "1234567890";
            o.AppSecret = "test-app-secret-0123456789abcdef";
        }).AddTokenManager();
        return services.BuildServiceProvider().GetRequiredService<TokenReader>();
    }
}
