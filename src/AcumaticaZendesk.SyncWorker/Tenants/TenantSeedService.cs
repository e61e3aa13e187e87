using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tenants;

/// <summary>Seeds tenants; a bad file stops the start, an unreachable sidecar is waited for (the worker starts before daprd).</summary>
internal sealed partial class TenantSeedService(
    IOptions<TenantSeedOptions> options,
    IHostEnvironment environment,
    TenantRepository tenants,
    TimeProvider timeProvider,
    ILogger<TenantSeedService> logger) : BackgroundService
{
    private IReadOnlyList<TenantConfig>? _seed;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Parse and validate before the host starts, so a bad seed file stops the start with a clear message.
        if (options.Value.SeedFile is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file, environment.ContentRootPath);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Tenants:SeedFile names '{path}', which does not exist", path);
            }

            _seed = TenantRepository.ParseSeed(File.ReadAllText(path));
            foreach (var (tenant, i) in _seed.Select((t, i) => (t, i)))
            {
                var errors = TenantValidator.Validate(tenant, $"tenants[{i}]");
                if (errors.Count > 0)
                {
                    throw new TenantValidationException(tenant.Id, errors);
                }
            }
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_seed is not { Count: > 0 } seed)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var outcomes = await tenants.SeedAsync(seed, stoppingToken).ConfigureAwait(false);
                foreach (var (id, outcome) in outcomes)
                {
                    LogSeeded(id, outcome);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not TenantValidationException)
            {
                LogStateStoreNotReady(ex.GetType().Name, options.Value.RetryDelay);
                await Task.Delay(options.Value.RetryDelay, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Tenant {TenantId}: {Outcome}")]
    private partial void LogSeeded(string tenantId, SeedOutcome outcome);

    [LoggerMessage(LogLevel.Warning, "Seeding tenants failed ({Error}): the state store is probably not ready; retrying in {Delay}")]
    private partial void LogStateStoreNotReady(string error, TimeSpan delay);
}
