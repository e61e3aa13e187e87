using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>Request log and injected faults (latency, dropped connections, error statuses) for the simulated systems.</summary>
internal static class SandboxMiddleware
{
    /// <summary>Zendesk accepts an optional <c>.json</c> suffix on API paths; strip it before routing.</summary>
    public static IApplicationBuilder UseJsonSuffix(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        var path = ctx.Request.Path.Value;
        if (path is not null && path.StartsWith("/zendesk/", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal))
        {
            ctx.Request.Path = path[..^5];
        }

        return next(ctx);
    });

    public static IApplicationBuilder UseLogAndFaults(this IApplicationBuilder app, SandboxState state) => app.Use(async (ctx, next) =>
    {
        var path = ctx.Request.Path.Value ?? "";
        var system = path.StartsWith("/acumatica/", StringComparison.Ordinal) ? "acumatica"
            : path.StartsWith("/zendesk/", StringComparison.Ordinal) ? "zendesk" : "control";
        try
        {
            var faults = system == "acumatica" ? state.AcumaticaFaults : state.ZendeskFaults;
            if (system != "control" && await InjectAsync(ctx, state, faults, system))
            {
                return;
            }

            var tamper = system == "control" ? null : ResponseTamper.Draw(state, faults, system, ctx.Request.Method, path);
            if (tamper is null)
            {
                await next(ctx);
            }
            else
            {
                await tamper.RunAsync(ctx, next, state.Time);
            }
        }
        finally
        {
            var endpoint = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            state.Requests.Add(new ReceivedRequest(state.Time.GetUtcNow(), system, ctx.Request.Method, endpoint, path, ctx.Response.StatusCode));
        }
    });

    /// <summary>Returns true when a fault replaced the response.</summary>
    private static async Task<bool> InjectAsync(HttpContext ctx, SandboxState state, FaultSettings faults, string system)
    {
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(faults.LatencyMs), state.Time, ctx.RequestAborted);
        }

        int? status = null;
        var drop = false;
        var chosen = faults.NextRequestContains is not { Length: > 0 } filter
            || $"{ctx.Request.Method} {ctx.Request.Path}".Contains(filter, StringComparison.Ordinal);
        lock (faults)
        {
            if (chosen && faults.FailNextCount > 0)
            {
                faults.FailNextCount--;
                status = faults.FailNextStatus;
            }
            else if (chosen && faults.DropNextCount > 0)
            {
                faults.DropNextCount--;
                drop = true;
            }
        }

        if (drop || (status is null && faults.DropRate > 0 && state.NextDouble() < faults.DropRate))
        {
            // Logged as 499 ("client closed request" in nginx's terms) so the request log tells drops apart.
            ctx.Response.StatusCode = 499;
            state.TamperedAnswers.AddOrUpdate($"{system} dropped", 1, static (_, n) => n + 1);
            ctx.Abort();
            return true;
        }

        if (status is null && faults.ErrorRate > 0 && faults.ErrorStatusCodes.Count > 0 && state.NextDouble() < faults.ErrorRate)
        {
            status = faults.ErrorStatusCodes[state.NextInt(faults.ErrorStatusCodes.Count)];
        }

        if (status is not { } code)
        {
            return false;
        }

        state.TamperedAnswers.AddOrUpdate($"{system} injected {code}", 1, static (_, n) => n + 1);

        JsonObject body = system == "acumatica"
            ? new JsonObject
            {
                ["message"] = "An error has occurred.",
                ["exceptionMessage"] = $"Injected fault ({code}).",
                ["exceptionType"] = "PX.Data.PXException"
            }
            : code == 409 ? new JsonObject { ["error"] = "DatabaseConflict", ["description"] = "Database collision" }
            : new JsonObject { ["error"] = code == 503 ? "ServiceUnavailable" : "InternalServerError", ["description"] = $"Injected fault ({code})." };
        var headers = code is 429 or 503 ? new Dictionary<string, string> { ["Retry-After"] = "1" } : null;
        await new JsonReply(code, body, headers).ExecuteAsync(ctx);
        return true;
    }
}
