namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>The result of mapping one record: a value, or the reason it is skipped.</summary>
public sealed record Mapped<T>(T? Value, string? SkipReason)
    where T : class
{
    public static Mapped<T> Ok(T value) => new(value, null);

    public static Mapped<T> Skip(string reason) => new(null, reason);
}
