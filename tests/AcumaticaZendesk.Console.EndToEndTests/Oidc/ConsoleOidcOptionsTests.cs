using AcumaticaZendesk.OperatorConsole;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Console.EndToEndTests.Oidc;

/// <summary><c>Operator:Console:Oidc</c> is refused at start when it would silently turn sign-in off or fetch keys over http.</summary>
public sealed class ConsoleOidcOptionsTests
{
    [Theory]
    [InlineData("https://login.example.test/tenant/v2.0", null, "needs both Authority and ClientId")]
    [InlineData(null, "operator-console", "needs both Authority and ClientId")]
    [InlineData("http://login.example.test/tenant/v2.0", "operator-console", "must be an absolute https URL")]
    [InlineData("login.example.test", "operator-console", "must be an absolute https URL")]
    public void A_half_or_plain_http_configuration_is_refused(string? authority, string? clientId, string error)
    {
        using var services = Build(authority, clientId);

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ConsoleOptions>>().Value);

        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_https_configuration_enables_the_sign_in()
    {
        using var services = Build("https://login.example.test/tenant/v2.0", "operator-console");

        Assert.True(services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Oidc.Enabled);
    }

    private static ServiceProvider Build(string? authority, string? clientId)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Operator:Console:Oidc:Authority"] = authority,
            ["Operator:Console:Oidc:ClientId"] = clientId,
        }).Build();
        return new ServiceCollection().AddLogging().AddOperatorConsole(configuration).BuildServiceProvider();
    }
}
