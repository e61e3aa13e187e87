using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Console.EndToEndTests.Oidc;

/// <summary>
/// What a browser does in a sign-in, without a browser: follows redirects, keeps cookies and submits the auto-posting
/// form of an OAuth form_post answer. Every site of these tests is on this machine, and cookies do not tell ports apart
/// (RFC 6265 §8.5), so it keeps one jar by cookie name; it sends <c>Secure</c> cookies over plain http as a browser does
/// to a loopback origin, and drops a cookie whose <c>expires</c> has passed (how ASP.NET Core deletes one).
/// </summary>
public sealed partial class RedirectFollowingClient : IDisposable
{
    private const int MaxHops = 10;

    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public RedirectFollowingClient(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        _http = new HttpClient(handler);
    }

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>GETs <paramref name="url"/> and follows redirects and form posts to the last page.</summary>
    public async Task<Landing> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var at = request.RequestUri!;
            request.Dispose();
            if (response.Headers.Location is { } location && (int)response.StatusCode is >= 300 and < 400)
            {
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(at, location));
            }
            else if (AutoPostedForm().Match(body) is { Success: true } form)
            {
                var fields = HiddenInput().Matches(form.Groups["inputs"].Value)
                    .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(at, WebUtility.HtmlDecode(form.Groups["action"].Value)))
                {
                    Content = new FormUrlEncodedContent(fields),
                };
            }
            else
            {
                return new Landing(at, response.StatusCode, body);
            }
        }

        throw new InvalidOperationException($"More than {MaxHops} redirects from {url}.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Keep(setCookie);
            }
        }

        return response;
    }

    private void Keep(string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
        var separator = parts[0].IndexOf('=', StringComparison.Ordinal);
        var name = parts[0][..separator];
        var expires = parts.Skip(1).FirstOrDefault(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        if (expires is not null && DateTimeOffset.Parse(expires["expires=".Length..], CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow)
        {
            _cookies.Remove(name);
            return;
        }

        _cookies[name] = parts[0][(separator + 1)..];
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(
        """<body onload="document\.forms\[0\]\.submit\(\)"><form method="post" action="(?<action>[^"]+)">(?<inputs>.*?)</form>""",
        RegexOptions.Singleline)]
    private static partial Regex AutoPostedForm();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)" />""")]
    private static partial Regex HiddenInput();
}

/// <summary>Where a navigation ended: the last URL, its status and its page.</summary>
public sealed record Landing(Uri Url, HttpStatusCode Status, string Body);
