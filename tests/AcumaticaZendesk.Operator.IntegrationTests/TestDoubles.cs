using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.IntegrationTests;

internal sealed class FakeSecretSource : ISecretSource
{
    public ConcurrentDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue(name, out var value) ? value : null);
}

/// <summary>
/// The workflow engine as the operator API sees it: records what was asked, lists each scheduled run in the tenant's
/// runs as the real scheduler does (<see cref="RunStore.StartAsync"/>), answers statuses set by the test.
/// </summary>
internal sealed class FakeWorkflowRuns(RunStore runs) : IWorkflowRuns
{
    public ConcurrentDictionary<string, WorkflowRunStatus> Statuses { get; } = new(StringComparer.Ordinal);

    public List<(RunRequest Request, string? SourceRunId, IReadOnlyList<RerunWindow>? Windows)> Scheduled { get; } = [];

    public List<(string InstanceId, string Reason)> Terminated { get; } = [];

    public bool Busy { get; set; }

    public Task<WorkflowRunStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken) =>
        Task.FromResult(Statuses.TryGetValue(instanceId, out var status) ? status : null);

    public Task<string> ScheduleRunNowAsync(RunRequest request, CancellationToken cancellationToken) =>
        Schedule(request, null, null, $"{request.TenantId}-manual-{Scheduled.Count + 1}");

    public Task<string> ScheduleRerunAsync(RunRequest request, string sourceRunId, IReadOnlyList<RerunWindow> windows, CancellationToken cancellationToken) =>
        Schedule(request, sourceRunId, windows, $"{request.TenantId}-rerun-{sourceRunId}");

    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken)
    {
        Terminated.Add((instanceId, reason));
        Statuses[instanceId] = new WorkflowRunStatus(instanceId, "terminated", null, null, null, reason);
        return Task.CompletedTask;
    }

    private async Task<string> Schedule(RunRequest request, string? source, IReadOnlyList<RerunWindow>? windows, string id)
    {
        if (Busy)
        {
            throw new RunInProgressException(request.TenantId, "busy-1");
        }

        Scheduled.Add((request, source, windows));
        Statuses[id] = new WorkflowRunStatus(id, "pending", null, null, null, null);
        await runs.StartAsync(request.TenantId, id, CancellationToken.None);
        return id;
    }
}

/// <summary>Lists the in-memory Zendesk's organizations and users (what the adapter over the Zendesk client pages through).</summary>
internal sealed class FakeReconcileSource(FakeZendeskTarget zendesk) : IReconcileSource
{
    public async IAsyncEnumerable<TargetOrganization> ListOrganizationsAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var org in zendesk.Organizations.Values.OrderBy(o => o.Id).ToArray())
        {
            await Task.Yield();
            yield return new TargetOrganization(org.Id, org.Name, org.ExternalId, org.DomainNames);
        }
    }

    public async IAsyncEnumerable<TargetUser> ListUsersAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var user in zendesk.Users.Values.OrderBy(u => u.Id).ToArray())
        {
            await Task.Yield();
            yield return new TargetUser(user.Id, user.Name, user.ExternalId, user.Primary, user.OrganizationId);
        }
    }
}
