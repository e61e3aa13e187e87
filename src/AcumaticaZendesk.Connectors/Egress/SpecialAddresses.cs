using System.Net;

namespace AcumaticaZendesk.Connectors.Egress;

/// <summary>
/// Addresses the connector never reaches unless allow-listed: loopback, private (RFC 1918), shared (RFC 6598,
/// where some clouds put metadata services), link-local (169.254.0.0/16 holds the cloud metadata service),
/// unique-local (fc00::/7, e.g. fd00:ec2::254), multicast, reserved, documentation and unspecified addresses.
/// IPv4 carried inside IPv6 (mapped <c>::ffff:a.b.c.d</c>, compatible <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::/96</c>,
/// 6to4 <c>2002::/16</c>) is judged by the IPv4 address it carries; Teredo (<c>2001::/32</c>) is refused.
/// Sources: IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890).
/// </summary>
public static class SpecialAddresses
{
    private static readonly IPNetwork[] V4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
        }.Select(n => IPNetwork.Parse(n)),
    ];

    private static readonly IPNetwork[] V6 =
    [
        .. new[]
        {
            "::/96", "100::/64", "2001::/32", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(n => IPNetwork.Parse(n)),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>True when <paramref name="address"/> is not a public unicast address.</summary>
    public static bool IsSpecial(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            return V4.Any(n => n.Contains(address));

        if (address.IsIPv4MappedToIPv6)
            return IsSpecial(address.MapToIPv4());

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
            return IsSpecial(new IPAddress(bytes.AsSpan(12, 4)));
        if (SixToFour.Contains(address))
            return IsSpecial(new IPAddress(bytes.AsSpan(2, 4)));
        return Nat64Local.Contains(address) || V6.Any(n => n.Contains(new IPAddress(bytes)));
    }
}
