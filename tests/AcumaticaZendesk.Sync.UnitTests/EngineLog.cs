using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>What every part of the engine logged, in order: the harness gives each part an <see cref="EngineLogger{T}"/> writing here.</summary>
internal sealed class EngineLog
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(LogLevel level, string message)
    {
        lock (_entries)
        {
            _entries.Add((level, message));
        }
    }
}

/// <summary>A logger of one engine part that writes into the harness's <see cref="EngineLog"/>.</summary>
internal sealed class EngineLogger<T>(EngineLog log) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        log.Add(logLevel, formatter(state, exception));
}
