using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace FbTokens.Tests.Framework;

/// <summary>
/// Captures everything the process emits while it is alive: logs of every category at Trace (messages, state,
/// scopes, exceptions), activities of every source (names, tags, events, status) and measurements of every meter.
/// </summary>
internal sealed class TelemetryCapture : ILoggerProvider, IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetryCapture()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Activities.Add,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Add(new(i.Meter.Name, i.Name, v, tags.ToArray())));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Add(new(i.Meter.Name, i.Name, v, tags.ToArray())));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Measurements.Add(new(i.Meter.Name, i.Name, v, tags.ToArray())));
        _meters.Start();
    }

    public ConcurrentBag<CapturedLog> Logs { get; } = [];

    public ConcurrentBag<Activity> Activities { get; } = [];

    public ConcurrentBag<CapturedMeasurement> Measurements { get; } = [];

    /// <summary>Every piece of text captured, for leak checks.</summary>
    public IEnumerable<string> AllText()
    {
        foreach (var log in Logs)
        {
            yield return log.Category;
            yield return log.Message;
            foreach (var text in log.StateText)
            {
                yield return text;
            }

            if (log.Exception is not null)
            {
                yield return log.Exception;
            }
        }

        foreach (var activity in Activities)
        {
            yield return activity.DisplayName;
            yield return activity.OperationName;
            yield return activity.StatusDescription ?? string.Empty;
            foreach (var tag in activity.TagObjects)
            {
                yield return tag.Key + "=" + tag.Value;
            }

            foreach (var e in activity.Events)
            {
                yield return e.Name;
                foreach (var tag in e.Tags)
                {
                    yield return tag.Key + "=" + tag.Value;
                }
            }

            foreach (var baggage in activity.Baggage)
            {
                yield return baggage.Key + "=" + baggage.Value;
            }
        }

        foreach (var m in Measurements)
        {
            yield return m.Meter + " " + m.Instrument;
            foreach (var tag in m.Tags)
            {
                yield return tag.Key + "=" + tag.Value;
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private sealed class CapturingLogger(TelemetryCapture owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.Logs.Add(new CapturedLog(category, LogLevel.None, default, "scope: " + state, Describe(state), null));
            return NullScope.Instance;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Logs.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception), Describe(state), exception?.ToString()));

        private static List<string> Describe(object? state)
        {
            var texts = new List<string> { state?.ToString() ?? string.Empty };
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                texts.AddRange(pairs.Select(p => p.Key + "=" + p.Value));
            }

            return texts;
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<string> StateText, string? Exception);

internal sealed record CapturedMeasurement(string Meter, string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
{
    public object? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value;
}

/// <summary>Tests that read process-wide telemetry run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
