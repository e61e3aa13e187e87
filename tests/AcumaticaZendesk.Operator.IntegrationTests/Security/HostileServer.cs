using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Operator.IntegrationTests.Security;

/// <summary>An attacker's server on 127.0.0.1: answers every request with <paramref name="status"/> and <see cref="Body"/>, and counts requests.</summary>
internal sealed class HostileServer(WebApplication app, Uri url) : IAsyncDisposable
{
    public const string Body = "UPSTREAM-BODY-3f9a: internal detail an attacker wants relayed";

    private int _requests;

    public Uri Url { get; } = url;

    public int Requests => Volatile.Read(ref _requests);

    public static Task<HostileServer> StartAsync(int status) => StartAsync(async (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(Body, context.RequestAborted);
    });

    /// <summary>A server answering with <paramref name="respond"/> (given the 1-based request number).</summary>
    public static async Task<HostileServer> StartAsync(Func<HttpContext, int, Task> respond)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        HostileServer? server = null;
        app.Run(async context =>
        {
            await respond(context, Interlocked.Increment(ref server!._requests));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server = new HostileServer(app, new Uri(address));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
