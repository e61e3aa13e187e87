using System.Net;
using AcumaticaZendesk.Connectors.Egress;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Egress;

public sealed class SpecialAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.255.255.1")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.100.100.200")] // metadata in the shared (RFC 6598) range
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("fd00:ec2::254")] // AWS IPv6 metadata
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    public void Special_addresses_are_refused(string address) =>
        Assert.True(SpecialAddresses.IsSpecial(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("104.16.51.111")]
    [InlineData("2606:4700::6810:336f")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("64:ff9b::5db8:d70e")] // NAT64 of a public address
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(SpecialAddresses.IsSpecial(IPAddress.Parse(address)), address);
}
