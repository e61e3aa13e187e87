using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>How many pages of a call may be in flight together (<c>Sync:Throughput:PipelineDepth</c>, or one).</summary>
internal sealed class PageOverlap(AccountDirectory directory, IOptions<ThroughputOptions> throughput)
{
    /// <summary>The call's depth: 1 for a one-page call or when pages must not overlap (<see cref="MayOverlapAsync"/>).</summary>
    public async Task<int> DepthAsync(PageScope scope, SyncPagesRequest request, CancellationToken cancellationToken) =>
        request.MaxPages > 1 && await MayOverlapAsync(scope, request.PageSize, cancellationToken).ConfigureAwait(false)
            ? throughput.Value.PipelineDepth
            : 1;

    /// <summary>
    /// Two pages adopting at once could both pick the same hand-made record, so a first load under the adopt policy
    /// overlaps pages only when the account holds nothing to adopt. Later windows and the other policies never adopt.
    /// </summary>
    private async Task<bool> MayOverlapAsync(PageScope scope, int pageSize, CancellationToken cancellationToken)
    {
        if (throughput.Value.PipelineDepth < 2)
        {
            return false;
        }

        if (!scope.FirstLoad || scope.Tenant.Onboarding != OnboardingPolicy.Adopt)
        {
            return true;
        }

        return ExternalIds.IsOrganizationKind(scope.Kind)
            ? (await directory.UnlinkedOrganizationsAsync(scope, cancellationToken).ConfigureAwait(false)).Count == 0
            : await directory.UsersByEmailAsync(scope, pageSize, cancellationToken).ConfigureAwait(false) is { } users
                && users.Values.All(u => !string.IsNullOrWhiteSpace(u.ExternalId));
    }
}
