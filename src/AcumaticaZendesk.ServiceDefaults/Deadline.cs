namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// A token that is cancelled when the caller's token is, or once <c>after</c> has passed on the given clock (an
/// injected <see cref="TimeProvider"/>, so fake time drives it in tests). <c>CancelAfter</c> on a linked token source
/// would measure the wall clock whatever the injected clock says.
/// </summary>
public sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource timer;
    private readonly CancellationTokenRegistration link;

    public Deadline(TimeSpan after, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        timer = new CancellationTokenSource(after, time);
        link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timer);
    }

    public CancellationToken Token => timer.Token;

    public void Dispose()
    {
        link.Dispose();
        timer.Dispose();
    }
}
