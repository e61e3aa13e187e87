using System.Text;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>HTTP pieces shared by both simulated identity providers.</summary>
internal static class OAuthHttp
{
    /// <summary>
    /// Authorization endpoint with automatic consent for the given user: validates client and redirect URI,
    /// requires PKCE from public clients, and redirects back with <c>code</c> and <c>state</c>.
    /// </summary>
    public static IResult Authorize(OAuthStore store, HttpContext ctx, string user, string defaultScope, bool includeScope)
    {
        var q = ctx.Request.Query;
        var client = store.FindClient(q["client_id"]);
        var redirect = q["redirect_uri"].ToString();
        if (client is null || !OAuthStore.RedirectAllowed(client, redirect))
        {
            return new TextReply(400, "invalid_request: unknown client_id or redirect_uri not registered for the client.");
        }

        if (q["response_type"] != "code")
        {
            return Results.Redirect(AppendQuery(redirect, ("error", "unsupported_response_type"), ("state", q["state"])));
        }

        if (client.IsPublic && string.IsNullOrEmpty(q["code_challenge"]))
        {
            return Results.Redirect(
                AppendQuery(redirect, ("error", "invalid_request"), ("error_description", "Public clients must use PKCE."), ("state", q["state"])));
        }

        var scope = q["scope"].ToString() is { Length: > 0 } s ? s : defaultScope;
        var code = store.IssueCode(client, user, redirect, scope, q["code_challenge"], q["code_challenge_method"]);
        return Results.Redirect(AppendQuery(redirect, ("code", code), ("scope", includeScope ? scope : null), ("state", q["state"])));
    }

    public static string AppendQuery(string uri, params (string Name, string? Value)[] values)
    {
        var sb = new StringBuilder(uri);
        var sep = uri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            sb.Append(sep).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            sep = '&';
        }

        return sb.ToString();
    }

    /// <summary>Client id and secret from HTTP Basic authentication, else from the form/body.</summary>
    public static (string? Id, string? Secret) ClientCredentials(HttpContext ctx, string? formId, string? formSecret)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (formId, formSecret);
    }

    public static JsonReply Error(int status, string error, string description) =>
        Json.Status(status, new JsonObject { ["error"] = error, ["error_description"] = description });
}
