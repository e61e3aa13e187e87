using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Polly.Telemetry;
using Serilog;
using Serilog.Events;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>Cross-cutting set-up shared by every app: logging, health, telemetry.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Path of the liveness probe: the process answers, nothing else is checked.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Path of the readiness probe: every check, including the Dapr sidecar.</summary>
    public const string HealthPath = "/health";

    /// <summary>Tag of checks that also run on <see cref="AlivePath"/>.</summary>
    public const string LiveTag = "live";

    /// <summary>Path of the Prometheus scrape endpoint (OpenTelemetry's exporter; docs/deploy.md "Metrics").</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Configuration switch of <see cref="MetricsPath"/> (default on; off for an app whose port is public).</summary>
    public const string PrometheusSwitch = "Metrics:Prometheus";

    /// <summary>The project's own meters (<c>AcumaticaZendesk.Sync</c>, <c>AcumaticaZendesk.Zendesk</c>, ...).</summary>
    public const string ProjectMeters = "AcumaticaZendesk.*";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string appId)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddSerilog((services, lc) => lc
            // Before the configuration, which may override them. The workflow worker's "Starting/Established gRPC
            // stream" lines repeat every few seconds without a sidecar; the health service logs every unhealthy probe as
            // an error. DaprSidecarWatch says it once instead (and /health on every call).
            .MinimumLevel.Override(SidecarLogNoise.WorkflowWorkerSource, LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogEventLevel.Fatal)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.With<SensitiveHeaderScrubber>()
            .Filter.ByExcluding(SidecarLogNoise.IsNoise)
            .Enrich.WithProperty("AppId", appId)
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture),
            // Keep the static bootstrap logger for start-up failures instead of freezing it into this
            // host's logger: several hosts in one process (tests, the sandbox) would otherwise collide.
            preserveStaticLogger: true);

        builder.Services.AddDaprClient();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<DaprSidecarWatch>();

        // Polly reports every attempt of every outbound call ("Execution attempt") at Information: Debug is where
        // per-attempt noise belongs. Retries (OnRetry), breaker and timeout events keep their own severities.
        builder.Services.Configure<TelemetryOptions>(o => o.SeverityProvider = args =>
            args.Event.EventName == "ExecutionAttempt" ? ResilienceEventSeverity.Debug : args.Event.Severity);

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("process is running"), [LiveTag])
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", HealthStatus.Unhealthy);

        builder.AddOpenTelemetry(appId);
        return builder;
    }

    private static void AddOpenTelemetry(this WebApplicationBuilder builder, string appId)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(appId))
            .WithMetrics(m => m
                .AddMeter(ProjectMeters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentationIfAvailable()
                .AddPrometheusExporter())
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments(AlivePath) && !ctx.Request.Path.StartsWithSegments(HealthPath)
                    && !ctx.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation());

        // Export only when an OTLP endpoint is configured (the standard OTEL_* variables).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfAvailable(this MeterProviderBuilder m) =>
        m.AddMeter("System.Runtime");

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSerilogRequestLogging(o =>
        {
            // Probes are frequent and boring; keep them out of Information.
            // A 503 is an answer that says what is missing (e.g. the sidecar, which DaprSidecarWatch reports): Warning.
            o.GetLevel = (ctx, _, ex) =>
                ctx.Request.Path.StartsWithSegments(AlivePath) || ctx.Request.Path.StartsWithSegments(HealthPath)
                    || ctx.Request.Path.StartsWithSegments(MetricsPath) ? LogEventLevel.Verbose
                : ex is not null || (ctx.Response.StatusCode >= 500 && ctx.Response.StatusCode != StatusCodes.Status503ServiceUnavailable) ? LogEventLevel.Error
                : ctx.Response.StatusCode == StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Warning
                : LogEventLevel.Information;
        });
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });

        // Unauthenticated like the probes: scrape it inside the cluster, and switch it off where the app's port is public
        // (docs/deploy.md "Metrics").
        if (app.Configuration.GetValue(PrometheusSwitch, true))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        return app;
    }
}
