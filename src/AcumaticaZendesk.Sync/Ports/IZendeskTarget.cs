using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>An organization as Zendesk holds it (only what the engine needs).</summary>
public sealed record TargetOrganization(long Id, string Name, string? ExternalId, IReadOnlyList<string> DomainNames);

/// <summary>A user as Zendesk holds it (only what the engine needs). <see cref="Email"/> is the primary e-mail.</summary>
public sealed record TargetUser(long Id, string Name, string? ExternalId, string? Email, long? OrganizationId);

/// <summary>Why a record was not written: Zendesk refused it, or Acumatica returned it unreadable.</summary>
public enum WriteErrorKind
{
    /// <summary>422 DuplicateValue: the name (organizations) or e-mail (users) is taken.</summary>
    DuplicateValue,

    /// <summary>422 RecordInvalid other than a duplicate.</summary>
    Invalid,

    /// <summary>404: the record disappeared between lookup and write.</summary>
    NotFound,

    /// <summary>409 or an e-mail that belongs to another linked user.</summary>
    Conflict,

    /// <summary>403: bulk import not enabled, missing scope.</summary>
    Forbidden,

    /// <summary>Anything else the adapter could not retry away.</summary>
    Other,

    /// <summary>Acumatica returned the record in a form the connector refuses; nothing was written.</summary>
    Unreadable,
}

/// <summary>The API's error for one record: kind, Zendesk error code (e.g. <c>DuplicateValue</c>), field and message.</summary>
public sealed record WriteError(WriteErrorKind Kind, string Code, string Message, string? Field = null);

/// <summary>Per-item result of a write; <see cref="Index"/> is the position in the request list.</summary>
public sealed record WriteResult(int Index, long? Id, WriteError? Error)
{
    public bool Success => Error is null && Id is not null;
}

/// <summary>An organization update: Zendesk id and the full desired state (its external_id included, which stamps it on adoption).</summary>
public sealed record OrganizationUpdate(long Id, OrganizationPayload Organization);

/// <summary>A user write: null <see cref="Id"/> creates (with e-mail); an update must not send the e-mail (it would add an identity).</summary>
public sealed record UserWrite(long? Id, UserPayload User);

/// <summary>
/// Writes Zendesk for the engine, at most <see cref="MaxBatch"/> items a call; the adapter follows job statuses, retries
/// 429/409/5xx, falls back to single calls where bulk is refused, and reports per-item results in request order.
/// </summary>
public interface IZendeskTarget
{
    public const int MaxBatch = 100;

    /// <summary><c>organizations/show_many?external_ids=</c> (≤ 100). Matching is case-insensitive.</summary>
    Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken);

    /// <summary>Organizations whose name equals one of <paramref name="names"/> (case-insensitive) — onboarding.</summary>
    Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByNamesAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> names,
        CancellationToken cancellationToken);

    /// <summary>Every organization of the account (<c>organizations.json</c>, cursor pages of 100), for onboarding's local match.</summary>
    Task<IReadOnlyList<TargetOrganization>> ListOrganizationsAsync(TenantConfig tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Every user of the account (<c>users.json</c>, cursor pages of 100, primary e-mail only), or null when it has more than
    /// <paramref name="limit"/> (then at most ⌈limit / 100⌉ + 1 pages were read).
    /// </summary>
    Task<IReadOnlyList<TargetUser>?> ListUsersAsync(TenantConfig tenant, int limit, CancellationToken cancellationToken);

    /// <summary><c>users/show_many?external_ids=</c> (≤ 100).</summary>
    Task<IReadOnlyList<TargetUser>> FindUsersByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken);

    /// <summary>Users having one of <paramref name="emails"/> as an identity (≤ 100).</summary>
    Task<IReadOnlyList<TargetUser>> FindUsersByEmailsAsync(TenantConfig tenant, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

    /// <summary><c>organizations/create_many</c> (≤ 100).</summary>
    Task<IReadOnlyList<WriteResult>> CreateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationPayload> organizations,
        CancellationToken cancellationToken);

    /// <summary><c>organizations/update_many</c> batch form (≤ 100).</summary>
    Task<IReadOnlyList<WriteResult>> UpdateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationUpdate> updates,
        CancellationToken cancellationToken);

    /// <summary><c>users/create_or_update_many</c> (≤ 100), or single calls where bulk import is off.</summary>
    Task<IReadOnlyList<WriteResult>> CreateOrUpdateUsersAsync(TenantConfig tenant, IReadOnlyList<UserWrite> users, CancellationToken cancellationToken);

    /// <summary>Adds an e-mail identity to a user (and makes it primary when asked). Already present → success.</summary>
    Task<WriteResult> AddEmailIdentityAsync(TenantConfig tenant, long userId, string email, bool makePrimary, CancellationToken cancellationToken);
}
