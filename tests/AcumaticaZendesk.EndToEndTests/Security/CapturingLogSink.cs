using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace AcumaticaZendesk.EndToEndTests.Security;

/// <summary>
/// Every Serilog event of an app, rendered with all its properties and exception (the apps read sinks from DI through
/// <c>ReadFrom.Services</c>, so registering this as <see cref="ILogEventSink"/> sees exactly what the console sees).
/// </summary>
internal sealed class CapturingLogSink : ILogEventSink
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        lines.Enqueue($"{logEvent.Level} {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)} {properties} {logEvent.Exception}");
    }
}
