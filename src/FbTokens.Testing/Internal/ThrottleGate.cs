using System.Globalization;

namespace FbTokens.Testing.Internal;

/// <summary>
/// Graph's throttles: the ones a test set on an app, user or page (<see cref="EmulatorFaults"/>), and the app's
/// hourly call budget. Guarded by the store's lock.
/// </summary>
internal sealed class ThrottleGate(object sync, TimeProvider time)
{
    private readonly List<Throttle> _throttles = [];

    public void Add(ThrottleTarget target, string id, int code, TimeSpan duration, bool sendRetryAfter)
    {
        lock (sync)
        {
            _throttles.Add(new Throttle(target, id, code, time.GetUtcNow() + duration, sendRetryAfter));
        }
    }

    /// <summary>Removes every throttle; the caller holds the lock.</summary>
    public void ClearLocked() => _throttles.Clear();

    /// <summary>The throttle error for the call, with <c>Retry-After</c> and usage headers; null when it may go on. The caller holds the lock.</summary>
    public EmulatorResponse? Check(CallContext context)
    {
        _throttles.RemoveAll(t => t.Until <= context.Now);
        foreach (var throttle in _throttles)
        {
            var id = throttle.Target switch
            {
                ThrottleTarget.App => context.App?.App.AppId,
                ThrottleTarget.User => context.UserId,
                _ => context.PageId,
            };
            if (!string.Equals(id, throttle.Id, StringComparison.Ordinal))
            {
                continue;
            }

            var response = GraphErrors.OAuth(throttle.Code, GraphErrors.ThrottleMessage(throttle.Code));
            var remaining = throttle.Until - context.Now;
            if (throttle.SendRetryAfter)
            {
                response.Headers.Add(new("Retry-After", ((long)Math.Ceiling(remaining.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
            }

            if (throttle.Target == ThrottleTarget.App)
            {
                response.Headers.Add(new(UsageHeaders.AppUsage, UsageHeaders.AppUsageJson(100)));
            }

            if (GraphErrors.IsBusinessUseCaseCode(throttle.Code))
            {
                response.Headers.Add(new(UsageHeaders.BusinessUseCaseUsage,
                    UsageHeaders.BusinessUseCaseJson(throttle.Id, GraphErrors.BusinessUseCaseType(throttle.Code), 100, (int)Math.Ceiling(remaining.TotalMinutes))));
            }

            return response;
        }

        if (context.App is { } app && app.RecentCalls.Count > app.App.CallBudgetPerHour)
        {
            // Over the hourly budget: Graph's app-level throttle until old calls leave the rolling hour.
            return GraphErrors.OAuth(4, GraphErrors.ThrottleMessage(4));
        }

        return null;
    }
}
