using System.Collections.Concurrent;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// What a tenant's Zendesk account holds that onboarding may adopt, read once per run instead of one search per
/// record: the organizations without external_id (all organizations are listed, cursor pages of 100 — one request
/// on an empty account) and, when the account is small enough, its users by primary e-mail. Kept per tenant for
/// the current run only (a new run id starts over, so a run sees hand-made changes made before it started); the
/// engine's own writes of the run are applied to it, so later pages see organizations it adopted as linked and
/// users it wrote by their e-mail. Pages of different kinds of one tenant may run side by side (the workflow's
/// stages), so a view is read and changed under its lock and handed out as snapshots.
/// </summary>
internal sealed class AccountDirectory(IZendeskTarget zendesk)
{
    /// <summary>
    /// Users listed per e-mail the page would otherwise search: listing the account (100 users a request) is tried
    /// only up to 10 users per pending search, so a failed attempt costs at most a tenth of the searches it replaces.
    /// </summary>
    internal const int UsersListedPerSearch = 10;

    /// <summary>Searches a pipelining check stands for: the account is listed when it holds at most 10 × this many users.</summary>
    internal const int ListedWhenChecking = 100;

    private readonly ConcurrentDictionary<string, View> _views = new(StringComparer.Ordinal);

    /// <summary>Organizations with no external_id, as of the start of this run minus those adopted since.</summary>
    public async Task<IReadOnlyList<TargetOrganization>> UnlinkedOrganizationsAsync(PageScope scope, CancellationToken cancellationToken)
    {
        var view = ViewOf(scope);
        await view.Loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (view.Unlinked is null)
            {
                var listed = (await zendesk.ListOrganizationsAsync(scope.Tenant, cancellationToken).ConfigureAwait(false))
                    .Where(o => string.IsNullOrWhiteSpace(o.ExternalId))
                    .ToDictionary(o => o.Id);
                lock (view)
                {
                    view.Unlinked = listed;
                }
            }
        }
        finally
        {
            view.Loading.Release();
        }

        lock (view)
        {
            return [.. view.Unlinked.Values];
        }
    }

    /// <summary>An organization now carries our external_id: it is no longer a candidate for adoption.</summary>
    public void OrganizationLinked(PageScope scope, long id)
    {
        var view = ViewOf(scope);
        lock (view)
        {
            view.Unlinked?.Remove(id);
        }
    }

    /// <summary>
    /// Users of the account by e-mail (case-insensitive; primary e-mails, plus the e-mails this run wrote), or null
    /// when the account has more than <see cref="UsersListedPerSearch"/> × <paramref name="pendingSearches"/> users
    /// on the first attempt of the run — then the caller searches each e-mail.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TargetUser>?> UsersByEmailAsync(PageScope scope, int pendingSearches, CancellationToken cancellationToken)
    {
        var view = ViewOf(scope);
        await view.Loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (view.UsersByEmail is null && !view.TooManyUsers)
            {
                var users = await zendesk.ListUsersAsync(scope.Tenant, checked(pendingSearches * UsersListedPerSearch), cancellationToken)
                    .ConfigureAwait(false);
                lock (view)
                {
                    view.TooManyUsers = users is null;
                    view.UsersByEmail = users?.Where(u => !string.IsNullOrWhiteSpace(u.Email))
                        .GroupBy(u => u.Email!.Trim(), StringComparer.OrdinalIgnoreCase)
                        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
                }
            }
        }
        finally
        {
            view.Loading.Release();
        }

        lock (view)
        {
            return view.UsersByEmail is { } byEmail ? new Dictionary<string, TargetUser>(byEmail, StringComparer.OrdinalIgnoreCase) : null;
        }
    }

    /// <summary>The run wrote (created, updated or adopted) a user with this e-mail and external_id.</summary>
    public void UserWritten(PageScope scope, string email, long id, string externalId, string name)
    {
        var view = ViewOf(scope);
        lock (view)
        {
            if (view.UsersByEmail is { } byEmail)
            {
                byEmail[email.Trim()] = new TargetUser(id, name, externalId, email, null);
            }
        }
    }

    private View ViewOf(PageScope scope) =>
        _views.AddOrUpdate(scope.Tenant.Id, _ => new View(scope.RunId), (_, v) => v.RunId == scope.RunId ? v : new View(scope.RunId));

    private sealed class View(string runId)
    {
        public string RunId { get; } = runId;

        /// <summary>One listing at a time: a second page waits for the first one's listing instead of repeating it.</summary>
        public SemaphoreSlim Loading { get; } = new(1, 1);

        public Dictionary<long, TargetOrganization>? Unlinked { get; set; }

        public Dictionary<string, TargetUser>? UsersByEmail { get; set; }

        public bool TooManyUsers { get; set; }
    }
}
