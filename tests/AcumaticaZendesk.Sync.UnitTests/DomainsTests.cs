using AcumaticaZendesk.Sync.Mapping;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Which domains an organization gets from its e-mail and web site (Zendesk adds users of those domains to it).</summary>
public sealed class DomainsTests
{
    [Theory]
    [InlineData("gmail.com")]
    [InlineData("googlemail.com")]
    [InlineData("outlook.com")]
    [InlineData("hotmail.com")]
    [InlineData("live.com")]
    [InlineData("msn.com")]
    [InlineData("yahoo.com")]
    [InlineData("ymail.com")]
    [InlineData("icloud.com")]
    [InlineData("me.com")]
    [InlineData("mac.com")]
    [InlineData("aol.com")]
    [InlineData("proton.me")]
    [InlineData("protonmail.com")]
    [InlineData("gmx.com")]
    [InlineData("gmx.net")]
    [InlineData("gmx.de")]
    [InlineData("web.de")]
    [InlineData("mail.com")]
    [InlineData("yandex.com")]
    [InlineData("yandex.ru")]
    [InlineData("zoho.com")]
    [InlineData("qq.com")]
    [InlineData("163.com")]
    public void A_public_mail_provider_never_becomes_an_organization_domain(string provider)
    {
        Assert.True(Domains.IsPublic(provider.ToUpperInvariant()));
        var options = new Tenants.MappingOptions();

        var organization = OrganizationMapper.Map(TestData.Customer("C1", "Solo Trader", email: $"owner@{provider}"), options).Value!;

        Assert.Empty(organization.DomainNames);
    }

    [Theory]
    [InlineData("initrode.example", "initrode.example")]
    [InlineData("www.initrode.example", "initrode.example")]
    [InlineData("https://WWW.Initrode.example/contact?x=1", "initrode.example")]
    [InlineData("  http://shop.initrode.example:8080  ", "shop.initrode.example")]
    [InlineData("wwwinitrode.example", "wwwinitrode.example")]
    [InlineData("localhost", null)]
    [InlineData("https://intranet/", null)]
    [InlineData("not a web site", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void A_web_site_gives_its_host_without_www_or_nothing_when_it_is_no_public_host(string? website, string? expected) =>
        Assert.Equal(expected, Domains.FromWebsite(website));

    [Theory]
    [InlineData("Sales@Initrode.Example", "initrode.example")]
    [InlineData("sales@initrode.example. ", "initrode.example")]
    [InlineData("odd@name@initrode.example", "initrode.example")]
    [InlineData("sales@localhost", null)]
    [InlineData("sales@", null)]
    [InlineData("no-at-sign.example", null)]
    [InlineData(" ", null)]
    public void An_e_mail_gives_its_lower_case_domain_or_nothing(string? email, string? expected) =>
        Assert.Equal(expected, Domains.FromEmail(email));
}
