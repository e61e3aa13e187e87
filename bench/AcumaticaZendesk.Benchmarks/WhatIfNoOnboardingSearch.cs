using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// Bench-only what-if: the real <see cref="IZendeskTarget"/> with the onboarding searches (organizations by name, users by
/// e-mail, and the listings of the account's organizations and users that replace them) answered "none" without a request. Valid only because the
/// benchmark account starts empty, so every search would find nothing anyway; it measures what the engine would
/// cost if it skipped those searches on an account with nothing to adopt. Never use it against real data.
/// </summary>
internal sealed class WhatIfNoOnboardingSearch(IZendeskTarget inner) : IZendeskTarget
{
    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken) =>
        inner.FindOrganizationsByExternalIdsAsync(tenant, externalIds, cancellationToken);

    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByNamesAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> names,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TargetOrganization>>([]);

    public Task<IReadOnlyList<TargetOrganization>> ListOrganizationsAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TargetOrganization>>([]);

    public Task<IReadOnlyList<TargetUser>?> ListUsersAsync(TenantConfig tenant, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TargetUser>?>([]);

    public Task<IReadOnlyList<TargetUser>> FindUsersByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken) =>
        inner.FindUsersByExternalIdsAsync(tenant, externalIds, cancellationToken);

    public Task<IReadOnlyList<TargetUser>> FindUsersByEmailsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> emails,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TargetUser>>([]);

    public Task<IReadOnlyList<WriteResult>> CreateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationPayload> organizations,
        CancellationToken cancellationToken) =>
        inner.CreateOrganizationsAsync(tenant, organizations, cancellationToken);

    public Task<IReadOnlyList<WriteResult>> UpdateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationUpdate> updates,
        CancellationToken cancellationToken) =>
        inner.UpdateOrganizationsAsync(tenant, updates, cancellationToken);

    public Task<IReadOnlyList<WriteResult>> CreateOrUpdateUsersAsync(
        TenantConfig tenant,
        IReadOnlyList<UserWrite> users,
        CancellationToken cancellationToken) =>
        inner.CreateOrUpdateUsersAsync(tenant, users, cancellationToken);

    public Task<WriteResult> AddEmailIdentityAsync(TenantConfig tenant, long userId, string email, bool makePrimary, CancellationToken cancellationToken) =>
        inner.AddEmailIdentityAsync(tenant, userId, email, makePrimary, cancellationToken);
}
