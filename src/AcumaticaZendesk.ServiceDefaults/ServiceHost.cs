using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// The one shape every app's <c>Program.cs</c> takes: Serilog two-stage bootstrap, the service
/// defaults, the app's own registrations and endpoints, and a fatal log on an unhandled start-up failure.
/// </summary>
public static class ServiceHost
{
    public static async Task<int> RunAsync(
        string[] args,
        string appId,
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(map);

        Log.Logger = new LoggerConfiguration()
            .Enrich.WithProperty("AppId", appId)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddServiceDefaults(appId);
            configure(builder);

            var app = builder.Build();
            app.UseServiceDefaults();
            app.MapDefaultEndpoints();
            map(app);

            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is not HostAbortedException and not OperationCanceledException)
        {
            Log.Fatal(ex, "{AppId} terminated unexpectedly", appId);
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }
}
