using AcumaticaZendesk.Acumatica.Activities;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;

namespace AcumaticaZendesk.Acumatica;

/// <summary>
/// A client bound to one tenant's <see cref="AcumaticaConnection"/>. Create it with
/// <see cref="IAcumaticaClientFactory"/>; it is cheap, so create one per unit of work. Every method throws
/// only <see cref="AcumaticaException"/> subtypes (besides cancellation and argument errors).
/// </summary>
public interface IAcumaticaClient
{
    AcumaticaConnection Connection { get; }

    /// <summary><c>GET /entity</c>: the endpoints and versions the instance offers (cached per client).</summary>
    Task<AcumaticaEndpointCatalog> GetEndpointsAsync(CancellationToken cancellationToken);

    /// <summary>Throws <see cref="AcumaticaVersionMismatchException"/> unless the configured endpoint/version is offered.</summary>
    Task EnsureEndpointAvailableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> inside one session. For cookie sign-in, all calls inside share one
    /// session (shared with concurrent work for the same tenant) that is signed out when the last user ends,
    /// also when <paramref name="work"/> throws. Calls made outside a session open one for themselves.
    /// </summary>
    Task<TResult> WithSessionAsync<TResult>(Func<IAcumaticaClient, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken);

    /// <summary>The scoped form of <see cref="WithSessionAsync{TResult}"/>: <c>await using var session = await client.OpenSessionAsync(ct);</c>.</summary>
    ValueTask<IAsyncDisposable> OpenSessionAsync(CancellationToken cancellationToken);

    /// <summary>Reads one record by its natural key; null when it does not exist.</summary>
    Task<T?> GetAsync<T>(AcumaticaEntitySet<T> set, string key, CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity;

    /// <summary>
    /// One page of records with <c>LastModifiedDateTime ge since</c> (all when null). See
    /// <see cref="AcumaticaIncrementalCursor"/> for the overlap and de-duplication contract.
    /// </summary>
    Task<AcumaticaPage<T>> ReadPageAsync<T>(AcumaticaEntitySet<T> set, DateTimeOffset? since, int skip, int top, CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity;

    /// <summary>
    /// Streams every record with <c>LastModifiedDateTime ge since</c>, one page in memory at a time, in one
    /// session. Rows may repeat across page edges: de-duplicate by (Key, LastModified).
    /// </summary>
    IAsyncEnumerable<T> ReadChangedAsync<T>(AcumaticaEntitySet<T> set, DateTimeOffset? since, int pageSize, CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity;

    /// <summary>Finds activities whose Summary contains <paramref name="marker"/> (oldest first).</summary>
    Task<IReadOnlyList<AcumaticaActivity>> FindActivitiesByMarkerAsync(AcumaticaActivityMarker marker, CancellationToken cancellationToken);

    /// <summary>Creates an activity. Never retried automatically: on an unknown outcome look it up by marker first.</summary>
    Task<AcumaticaActivity> CreateActivityAsync(AcumaticaActivityDraft draft, CancellationToken cancellationToken);

    /// <summary>Updates the activity with record id <paramref name="activityId"/>.</summary>
    Task<AcumaticaActivity> UpdateActivityAsync(Guid activityId, AcumaticaActivityDraft draft, CancellationToken cancellationToken);

    /// <summary>
    /// Find-then-write: updates the activity carrying the draft's marker, or creates it. Safe to repeat
    /// after any failure (Acumatica has no idempotency key; the marker is the stable external reference).
    /// Twins (several activities with the marker, e.g. two writers creating at the same moment) are settled: the
    /// oldest is kept and written, the others are deleted; <see cref="AcumaticaActivityUpsertResult.DuplicatesFound"/>
    /// counts them.
    /// </summary>
    Task<AcumaticaActivityUpsertResult> UpsertActivityAsync(AcumaticaActivityDraft draft, CancellationToken cancellationToken);

    /// <summary>Deletes the activity with record id <paramref name="activityId"/>; one already gone counts as deleted.</summary>
    Task DeleteActivityAsync(Guid activityId, CancellationToken cancellationToken);
}
