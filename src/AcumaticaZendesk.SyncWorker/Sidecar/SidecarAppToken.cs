using System.Security.Cryptography;
using System.Text;

namespace AcumaticaZendesk.SyncWorker.Sidecar;

/// <summary>
/// Dapr's app API token on the routes only the sidecar calls. When <c>APP_API_TOKEN</c> is set (Kubernetes sidecar injector,
/// Azure Container Apps), the sidecar sends it in <c>dapr-api-token</c> (Dapr docs, "Authenticate requests from Dapr using
/// token authentication"); a call without it is 401, so another pod cannot start syncs or forge events. Unset: not checked.
/// </summary>
internal static partial class SidecarAppToken
{
    public const string ConfigurationKey = "APP_API_TOKEN";
    public const string Header = "dapr-api-token";

    public static WebApplication UseSidecarAppToken(this WebApplication app, params string[] sidecarRoutes)
    {
        var expected = app.Configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(expected))
        {
            return app;
        }

        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SidecarAppToken));
        app.Use(async (context, next) =>
        {
            if (sidecarRoutes.Any(route => context.Request.Path.StartsWithSegments(route, StringComparison.OrdinalIgnoreCase))
                && !Matches(expectedHash, context.Request.Headers[Header].ToString()))
            {
                LogRefused(logger, context.Request.Path.Value ?? string.Empty);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }

    private static bool Matches(byte[] expectedHash, string presented) =>
        presented.Length > 0 && CryptographicOperations.FixedTimeEquals(expectedHash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call to the sidecar route {Path} refused: missing or wrong dapr-api-token")]
    private static partial void LogRefused(ILogger logger, string path);
}
