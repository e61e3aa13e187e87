using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// A started consent, kept server-side until its callback (<c>operator:connect:{state}</c>). <see cref="ReturnPath"/>:
/// where the callback sends the browser afterwards (the console's wizard), null for a JSON answer.
/// </summary>
public sealed record PendingConnect(
    string TenantId,
    ConnectedSystem System,
    string CodeVerifier,
    Uri RedirectUri,
    string RequestedBy,
    DateTimeOffset ExpiresAt,
    bool Used = false,
    string? BrowserBindingHash = null,
    string? ReturnPath = null)
{
    public override string ToString() =>
        $"PendingConnect {{ TenantId = {TenantId}, System = {System}, CodeVerifier = ***, ExpiresAt = {ExpiresAt:O}, Used = {Used}, BrowserBindingHash = ***, "
            + $"ReturnPath = {ReturnPath} }}";
}

/// <summary>Why a callback's state was refused.</summary>
public enum ConnectStateProblem
{
    Unknown,
    Expired,
    AlreadyUsed,
    WrongSystem,

    /// <summary>The callback came neither from the browser that started the consent nor with the initiator's credential (not consumed).</summary>
    NotInitiator,
}

/// <summary>OAuth state + PKCE verifier in the state store, with expiry and one-time use (ETag-guarded consume).</summary>
internal sealed class ConnectStateStore(IConnectorStateStore store, TimeProvider timeProvider)
{
    public static string Key(string state) => $"operator:connect:{state}";

    public Task SaveAsync(string state, PendingConnect pending, CancellationToken cancellationToken) =>
        store.SaveAsync(Key(state), pending, cancellationToken);

    /// <summary>
    /// Takes the pending consent for <paramref name="state"/> exactly once; a second call (or a lost race) gets
    /// <see cref="ConnectStateProblem.AlreadyUsed"/>. A valid state whose caller <paramref name="isInitiator"/> refuses
    /// is left as it is (<see cref="ConnectStateProblem.NotInitiator"/>), so its initiator can still complete it.
    /// </summary>
    public async Task<(PendingConnect? Pending, ConnectStateProblem? Problem)> ConsumeAsync(
        string state, ConnectedSystem system, Func<PendingConnect, Task<bool>> isInitiator, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync<PendingConnect>(Key(state), cancellationToken).ConfigureAwait(false);
        if (entry.Value is not { } pending)
        {
            return (null, ConnectStateProblem.Unknown);
        }

        if (pending.Used)
        {
            return (null, ConnectStateProblem.AlreadyUsed);
        }

        if (pending.System == system && pending.ExpiresAt > timeProvider.GetUtcNow() && !await isInitiator(pending).ConfigureAwait(false))
        {
            return (null, ConnectStateProblem.NotInitiator);
        }

        if (!await store.TrySaveAsync(Key(state), pending with { Used = true }, entry.ETag, cancellationToken).ConfigureAwait(false))
        {
            return (null, ConnectStateProblem.AlreadyUsed);
        }

        if (pending.System != system)
        {
            return (null, ConnectStateProblem.WrongSystem);
        }

        return pending.ExpiresAt <= timeProvider.GetUtcNow() ? (null, ConnectStateProblem.Expired) : (pending, null);
    }
}
