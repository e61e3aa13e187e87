using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Audit;

/// <summary>The onboarding cases of a tenant (one per record, latest wins) for the operator.</summary>
public sealed class OnboardingReport(IConnectorStateStore store)
{
    public async Task<IReadOnlyList<OnboardingCase>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        (await store.GetAsync<List<OnboardingCase>>(StateKeys.OnboardingReport(tenantId), cancellationToken).ConfigureAwait(false)).Value ?? [];

    public Task AddAsync(string tenantId, IReadOnlyList<OnboardingCase> cases, CancellationToken cancellationToken)
    {
        if (cases.Count == 0)
        {
            return Task.CompletedTask;
        }

        return store.UpdateAsync<List<OnboardingCase>>(StateKeys.OnboardingReport(tenantId), current =>
        {
            var byRef = (current ?? []).ToDictionary(c => new RecordRef(c.Kind, c.Key));
            foreach (var item in cases)
            {
                byRef[new RecordRef(item.Kind, item.Key)] = item;
            }

            return [.. byRef.Values.OrderBy(c => c.Kind).ThenBy(c => c.Key, StringComparer.Ordinal)];
        }, cancellationToken);
    }
}
