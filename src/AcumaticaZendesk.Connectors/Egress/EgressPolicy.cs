using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Egress;

/// <summary>
/// The one place that decides where the connector may send a request (and so its tokens and secrets):
/// <list type="bullet">
/// <item>every connection is checked at connect time, after DNS resolution (<see cref="ConnectAsync"/>, the
/// <see cref="SocketsHttpHandler.ConnectCallback"/> of every tenant-system client): only public addresses, or
/// addresses, networks and hosts of <see cref="EgressOptions.AllowList"/>. Any spelling of an address (decimal,
/// hex, short forms, IPv4 inside IPv6) ends as the same resolved address, and a redirect or a later DNS answer
/// is checked the same way;</item>
/// <item>http only to allow-listed hosts; Zendesk only at <c>https://{subdomain}.zendesk.com</c> unless the host is
/// allow-listed (<see cref="CheckZendesk"/>).</item>
/// </list>
/// </summary>
public sealed class EgressPolicy
{
    private const string ZendeskDomain = ".zendesk.com";
    private readonly IPNetwork[] _networks;
    private readonly HashSet<string> _hosts;

    public EgressPolicy(IOptions<EgressOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = options.Value.AllowList.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToArray();
        _networks = [.. entries.Select(Network).OfType<IPNetwork>()];
        _hosts = new HashSet<string>(entries.Where(e => Network(e) is null), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="host"/> (a name or an IP literal) is named by the allow-list.</summary>
    public bool IsAllowListed(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        return _hosts.Contains(bare.TrimEnd('.')) || (IPAddress.TryParse(bare, out var ip) && InAllowedNetwork(ip));
    }

    /// <summary>Why a request to <paramref name="url"/> is refused before any connection, or null (scheme and host rules).</summary>
    public string? CheckUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "only absolute http(s) URLs are called";
        if (!string.IsNullOrEmpty(url.UserInfo))
            return "URLs with user information are never called";
        return url.Scheme == Uri.UriSchemeHttp && !IsAllowListed(url.IdnHost)
            ? $"http is only used for hosts of {EgressOptions.SectionName}:{nameof(EgressOptions.AllowList)}; use https for '{url.IdnHost}'"
            : null;
    }

    /// <summary>Why <paramref name="url"/> is not a Zendesk API URL the connector may call, or null.</summary>
    public string? CheckZendesk(Uri url)
    {
        if (CheckUrl(url) is { } refused)
            return refused;
        if (IsAllowListed(url.IdnHost))
            return null;
        var host = url.IdnHost.TrimEnd('.');
        var label = host.EndsWith(ZendeskDomain, StringComparison.OrdinalIgnoreCase) ? host[..^ZendeskDomain.Length] : null;
        return url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && label is { Length: > 0 } && !label.Contains('.', StringComparison.Ordinal)
            ? null
            : $"Zendesk is only called at https://{{subdomain}}{ZendeskDomain} (not '{url.GetLeftPart(UriPartial.Authority)}') unless the host is in "
                + $"{EgressOptions.SectionName}:{nameof(EgressOptions.AllowList)}";
    }

    /// <summary>True when a connection to <paramref name="address"/> (resolved from <paramref name="host"/>) is allowed.</summary>
    public bool Allows(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return !SpecialAddresses.IsSpecial(address) || InAllowedNetwork(address) || _hosts.Contains(host.Trim('[', ']').TrimEnd('.'));
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, keeps the addresses <see cref="Allows"/>
    /// and connects to one of them; refuses with <see cref="EgressRefusedException"/> when none is left.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = await ConnectSocketAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// Resolves <paramref name="host"/>, keeps the addresses <see cref="Allows"/> and connects a TCP socket to one of them
    /// (the HTTP clients' <see cref="ConnectAsync"/>, and clients of other protocols such as SMTP); refuses with
    /// <see cref="EgressRefusedException"/> when none is left.
    /// </summary>
    public async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => Allows(bare, a)).ToArray();
        if (allowed.Length == 0)
            throw new EgressRefusedException(host);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool InAllowedNetwork(IPAddress address)
    {
        var mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(mapped));
    }

    private static IPNetwork? Network(string entry)
    {
        if (entry.Contains('/', StringComparison.Ordinal))
            return IPNetwork.TryParse(entry, out var network) ? network : null;
        if (!IPAddress.TryParse(entry.Trim('[', ']'), out var ip))
            return null;
        var mapped = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        return new IPNetwork(mapped, mapped.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }
}

/// <summary>
/// A request the <see cref="EgressPolicy"/> refused. The message names the host and the rule, never what the
/// host resolved to (a caller learns nothing about internal addresses). Its inner exception is a socket "access
/// denied", the one sign both API clients read as a permanent refusal that no retry can change.
/// </summary>
public sealed class EgressRefusedException(string host, string? reason = null) : HttpRequestException(
    HttpRequestError.ConnectionError,
    reason is null
        ? $"The connector does not connect to '{host}': it is not a public internet address. For development add it to "
            + $"{EgressOptions.SectionName}:{nameof(EgressOptions.AllowList)}."
        : $"The connector does not call '{host}': {reason}.",
    new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AccessDenied))
{
    public string Host { get; } = host;
}
