using System.Globalization;
using System.Security.Claims;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.OperatorConsole.Overview;

/// <summary>
/// "All tenants at a glance": the tenants the signed-in operator may see (<see cref="OperatorAccess"/>, the API's
/// rule), each with its status, last and next run, replay-queue size and what is wrong in words.
/// </summary>
public sealed class TenantOverview(
    TenantRepository tenants,
    RunStore runs,
    FailedRecordQueue failed,
    OperatorAccess access,
    TimeProvider time,
    INextRun? nextRun = null)
{
    public async Task<IReadOnlyList<TenantRow>> ListAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = new List<TenantRow>();
        foreach (var tenant in await tenants.ListAsync(ct).ConfigureAwait(false))
        {
            if (!access.CanAccess(user, tenant.Id))
            {
                continue;
            }

            var lastRun = (await runs.ListAsync(tenant.Id, 1, ct).ConfigureAwait(false)).FirstOrDefault();
            var queue = (await failed.ListAsync(tenant.Id, ct).ConfigureAwait(false)).Count;
            rows.Add(Row(tenant, lastRun, queue, nextRun?.NextRunAt(tenant, now)));
        }

        return rows;
    }

    public static TenantRow Row(TenantConfig tenant, RunRecord? lastRun, int queue, DateTimeOffset? next)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var needsAuthorization = tenant.Authorization is { NeedsAuthorization: true };
        var failing = lastRun is { Status: RunStatus.Failed or RunStatus.Terminated };
        var health = needsAuthorization ? TenantHealth.NeedsAuthorization
            : failing ? TenantHealth.Failing
            : queue > 0 || lastRun is { Status: RunStatus.CompletedWithFailures } ? TenantHealth.RecordsWaiting
            : tenant.Paused ? TenantHealth.Paused
            : TenantHealth.Healthy;
        var status = tenant.Paused ? "paused" : needsAuthorization ? "needs-authorization" : "active";
        return new TenantRow(tenant.Id, tenant.DisplayName, status, health, lastRun, tenant.IsRunnable ? next : null,
            needsAuthorization, tenant.Paused, queue, Problem(tenant, lastRun, queue));
    }

    /// <summary>What is wrong, in words; null when nothing is.</summary>
    public static string? Problem(TenantConfig tenant, RunRecord? lastRun, int queue)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.Authorization is { NeedsAuthorization: true } auth)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Systems.Name(auth.System)} refused the connector's token on {auth.Since:yyyy-MM-dd HH:mm} UTC ({auth.Reason}); connect "
                    + $"{Systems.Name(auth.System)} again.");
        }

        if (lastRun is { Status: RunStatus.Failed or RunStatus.Terminated } run)
        {
            var error = run.Errors.LastOrDefault() ?? "no error was recorded";
            return $"The last run {(run.Status == RunStatus.Failed ? "failed" : "was terminated")}: {error}";
        }

        if (queue > 0)
        {
            return queue == 1 ? "1 record failed and waits for replay." : $"{queue} records failed and wait for replay.";
        }

        return null;
    }
}

/// <summary>Display names of the connected systems.</summary>
public static class Systems
{
    public static string Name(ConnectedSystem system) => system == ConnectedSystem.Acumatica ? "Acumatica" : "Zendesk";
}
