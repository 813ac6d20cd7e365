using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests.Framework;

internal static class FakeClock
{
    /// <summary>
    /// Once the request has reached the emulator, moves the fake clock in steps until the call completes
    /// (never sleeping on real time); returns how much fake time that took. Stops advancing after ten fake
    /// minutes so a broken emulator fails on the client's own timeout instead of spinning forever.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilCompletedAsync(FakeTimeProvider time, Task call, Func<bool> reachedEmulator, TimeSpan step)
    {
        while (!reachedEmulator() && !call.IsCompleted)
        {
            await Task.Yield();
        }

        var advanced = TimeSpan.Zero;
        while (!call.IsCompleted)
        {
            if (advanced < TimeSpan.FromMinutes(10))
            {
                time.Advance(step);
                advanced += step;
            }

            await Task.Yield();
        }

        return advanced;
    }
}
