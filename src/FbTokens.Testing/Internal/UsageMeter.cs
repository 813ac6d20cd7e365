namespace FbTokens.Testing.Internal;

/// <summary>
/// Counts calls per app and per page over a rolling hour and stamps every answer with Graph's standard headers
/// (<c>facebook-api-version</c>, <c>x-fb-trace-id</c>) and the usage headers. The caller holds the store's lock.
/// </summary>
internal sealed class UsageMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Queue<DateTimeOffset>> _pageCalls = new(StringComparer.Ordinal);

    /// <summary>Counts the call for its app and its page, when known.</summary>
    public void Record(CallContext context)
    {
        if (context.App is not null)
        {
            RecordCall(context.App.RecentCalls, context.Now);
        }

        if (context.PageId is { } pageId)
        {
            RecordCall(PageCalls(pageId), context.Now);
        }
    }

    /// <summary>Adds the version, trace id and usage headers (usage only when the answer has none yet, e.g. from a throttle).</summary>
    public void AddStandardHeaders(EmulatorResponse response, CallContext context, string version)
    {
        response.Headers.Add(new("facebook-api-version", version));
        response.Headers.Add(new("x-fb-trace-id", RandomValues.FbTraceId()));
        if (context.App is { } app && !response.Headers.Exists(h => h.Key == UsageHeaders.AppUsage))
        {
            Trim(app.RecentCalls, context.Now);
            var percent = Percent(app.RecentCalls.Count, app.App.CallBudgetPerHour);
            response.Headers.Add(new(UsageHeaders.AppUsage, UsageHeaders.AppUsageJson(percent)));
        }

        if (context.PageId is { } pageId && context.App is { } pageApp && !response.Headers.Exists(h => h.Key == UsageHeaders.BusinessUseCaseUsage))
        {
            var calls = PageCalls(pageId);
            Trim(calls, context.Now);
            var percent = Percent(calls.Count, pageApp.App.CallBudgetPerHour);
            response.Headers.Add(new(UsageHeaders.BusinessUseCaseUsage, UsageHeaders.BusinessUseCaseJson(pageId, "pages", percent, 0)));
        }
    }

    private Queue<DateTimeOffset> PageCalls(string pageId)
    {
        if (!_pageCalls.TryGetValue(pageId, out var queue))
        {
            queue = new Queue<DateTimeOffset>();
            _pageCalls[pageId] = queue;
        }

        return queue;
    }

    private static void RecordCall(Queue<DateTimeOffset> calls, DateTimeOffset now)
    {
        Trim(calls, now);
        calls.Enqueue(now);
    }

    private static void Trim(Queue<DateTimeOffset> calls, DateTimeOffset now)
    {
        var windowStart = now - Window;
        while (calls.Count > 0 && calls.Peek() <= windowStart)
        {
            calls.Dequeue();
        }
    }

    private static int Percent(int calls, int budget) => budget <= 0 ? 0 : (int)Math.Min(int.MaxValue, (long)calls * 100 / budget);
}
