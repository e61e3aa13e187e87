using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Sandbox.Zendesk;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serilog;

namespace AcumaticaZendesk.Sandbox;

/// <summary>
/// A running sandbox: Acumatica instances under <c>/acumatica/{instance}</c>, Zendesk accounts under
/// <c>/zendesk/{subdomain}</c> and the control API under <c>/_sandbox</c>, all on one Kestrel listener.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SandboxState state;
    private readonly StatePersistence? persistence;

    private SandboxHost(WebApplication app, SandboxState state, SandboxControl control, Uri baseUrl, StatePersistence? persistence)
    {
        this.app = app;
        this.state = state;
        this.persistence = persistence;
        Control = control;
        BaseUrl = baseUrl;
    }

    /// <summary>The bound base URL, e.g. <c>http://127.0.0.1:53121</c> (no trailing slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>In-process control surface (same as <c>/_sandbox</c>).</summary>
    public SandboxControl Control { get; }

    /// <summary>The instance URL a tenant is given: <c>{BaseUrl}/acumatica/{instance}</c>.</summary>
    public Uri AcumaticaUrl(string instance) => new($"{BaseUrl}acumatica/{instance}");

    /// <summary>The Zendesk base URL a tenant is given: <c>{BaseUrl}/zendesk/{subdomain}</c>.</summary>
    public Uri ZendeskUrl(string subdomain) => new($"{BaseUrl}zendesk/{subdomain}");

    public static async Task<SandboxHost> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxHost).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        if (options.RequestLogging)
        {
            builder.Services.AddSerilog((_, lc) => lc.WriteTo.Console().MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning));
        }

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNameCaseInsensitive = true);
        var state = new SandboxState(options.TimeProvider, options.RandomSeed);
        var control = new SandboxControl(state);
        StatePersistence? persistence = null;
        if (!string.IsNullOrWhiteSpace(options.StateFile))
        {
            persistence = new StatePersistence(state, options.StateFile);
            await persistence.LoadAsync(cancellationToken);
        }

        if (string.Equals(options.Seed, "demo", StringComparison.OrdinalIgnoreCase) && state.FindAcumatica("demo") is null)
        {
            control.SeedDemo();
        }
        else if (!string.IsNullOrWhiteSpace(options.Seed) && !string.Equals(options.Seed, "demo", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown seed '{options.Seed}'. Use 'demo' or seed through the control API (POST /_sandbox/seed).", nameof(options));
        }

        if (!string.IsNullOrWhiteSpace(options.WebhookUrl))
        {
            if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out _) || state.FindZendesk("demo") is null)
            {
                throw new ArgumentException(
                    $"WebhookUrl '{options.WebhookUrl}' needs to be an absolute URL and the 'demo' Zendesk account to exist (use --seed demo).",
                    nameof(options));
            }

            control.ConfigureWebhook("demo", options.WebhookUrl, options.WebhookSecret ?? DemoCredentials.WebhookSecret);
        }

        var app = builder.Build();
        app.UseJsonSuffix();
        app.UseRouting();
        if (options.RequestLogging)
        {
            app.UseSerilogRequestLogging();
        }

        app.UseLogAndFaults(state);
        app.MapAcumatica(state);
        app.MapZendesk(state);
        app.MapControl(state, control);
        app.MapGet("/alive", () => Results.Text("Healthy"));
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(
            address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        control.PublicBaseUrl = baseUrl.ToString().TrimEnd('/');
        persistence?.StartAutosave();
        return new SandboxHost(app, state, control, baseUrl, persistence);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        if (persistence is not null)
        {
            await persistence.DisposeAsync();
        }

        await app.DisposeAsync();
        await state.DisposeAsync();
    }
}
