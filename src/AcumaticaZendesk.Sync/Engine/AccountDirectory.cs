using System.Collections.Concurrent;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// What onboarding may adopt, listed once per run instead of one search per record, with the run's own writes applied.
/// Pages of several kinds may run side by side, so a view changes under its lock and is handed out as snapshots.
/// </summary>
internal sealed class AccountDirectory(IZendeskTarget zendesk)
{
    /// <summary>Users listed (100 a request) per search replaced: a failed listing costs at most a tenth of those searches.</summary>
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
    /// Users by e-mail (case-insensitive; primary e-mails plus those this run wrote), or null when the account has more than
    /// <see cref="UsersListedPerSearch"/> × <paramref name="pendingSearches"/> users at the run's first try: then search each.
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
