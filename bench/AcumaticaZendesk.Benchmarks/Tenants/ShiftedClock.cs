namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>
/// The sync worker's clock: real time plus an offset the phase moves forward by one slot between ticks, so each tick
/// falls into the next cron slot without waiting five minutes (every wait still passes in real time).
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
