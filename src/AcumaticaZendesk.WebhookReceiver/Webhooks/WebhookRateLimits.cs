using System.Threading.RateLimiting;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// ASP.NET Core rate limiting on the <c>/webhooks</c> routes: a fixed one-minute window of
/// <see cref="WebhookReceiverOptions.PerSourcePerMinute"/> per source address, chained with
/// <see cref="WebhookReceiverOptions.PerTenantPerMinute"/> per tenant in the path (an invalid tenant id shares one
/// partition, so made-up names cannot create limiters without end). Over either: 429, logged (Warning for the first
/// refusal of each minute, Debug for the rest, so a flood does not become a flood of warnings). Health routes are not limited.
/// </summary>
internal static class WebhookRateLimits
{
    public const string InvalidTenantPartition = "tenant:(invalid)";

    public static IServiceCollection AddWebhookRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WebhookReceiverOptions>, TimeProvider>((limiter, options, time) =>
        {
            var o = options.Value;
            var refusals = new RefusalLog(time);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Partitions(c => "source:" + (c.Connection.RemoteIpAddress?.ToString() ?? "unknown"), o.PerSourcePerMinute),
                Partitions(TenantPartition, o.PerTenantPerMinute));
            limiter.OnRejected = (context, _) =>
            {
                var http = context.HttpContext;
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookRateLimits));
                var level = refusals.FirstInThisMinute() ? LogLevel.Warning : LogLevel.Debug;
                logger.Log(level, "Webhook request refused with 429: over the rate limit (source {Source}, {Partition})",
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown", TenantPartition(http));
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    internal static string TenantPartition(HttpContext context) =>
        context.GetRouteValue("tenant") is string tenant && TenantIds.IsValid(tenant) ? "tenant:" + tenant : InvalidTenantPartition;

    private static PartitionedRateLimiter<HttpContext> Partitions(Func<HttpContext, string> key, int perMinute) =>
        PartitionedRateLimiter.Create<HttpContext, string>(c => c.Request.Path.StartsWithSegments("/webhooks", StringComparison.OrdinalIgnoreCase)
            ? RateLimitPartition.GetFixedWindowLimiter(
                key(c),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(string.Empty));

    /// <summary>True once per minute of the clock: which refusal is logged as a warning.</summary>
    private sealed class RefusalLog(TimeProvider time)
    {
        private long lastMinute = -1;

        public bool FirstInThisMinute()
        {
            var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
            return Interlocked.Exchange(ref lastMinute, minute) != minute;
        }
    }
}
