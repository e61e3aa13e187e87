namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>Domain names from e-mail addresses and web sites; public mail providers never count.</summary>
public static class Domains
{
    /// <summary>Providers whose domain says nothing about the company (setting one as domain_names would pull every such user into the organization).</summary>
    private static readonly HashSet<string> PublicDomains = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "gmx.de",
        "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com", "qq.com", "163.com",
    };

    public static bool IsPublic(string domain) => PublicDomains.Contains(domain);

    public static string? FromEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var at = email.LastIndexOf('@');
        var domain = at >= 0 ? email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant() : null;
        return string.IsNullOrEmpty(domain) || !domain.Contains('.', StringComparison.Ordinal) ? null : domain;
    }

    public static string? FromWebsite(string? website)
    {
        if (string.IsNullOrWhiteSpace(website))
        {
            return null;
        }

        var text = website.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "https://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.Host.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        var host = uri.Host.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}
