using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Operator.IntegrationTests;

/// <summary>The operator options' start-up checks reach into each API key (data annotations alone do not).</summary>
public sealed class OperatorOptionsTests
{
    [Theory]
    [InlineData("ops", null, null)]
    [InlineData("ci-key_1.0", "contoso", null)]
    [InlineData("", null, "Operator:ApiKeys:0:Name")]
    [InlineData("b:c", "a", "Operator:ApiKeys:0:Name")]
    [InlineData("c", "a:b", "Operator:ApiKeys:0:Tenant")]
    [InlineData("c", "Contoso", "Operator:ApiKeys:0:Tenant")]
    public void Each_api_key_needs_a_plain_name_and_a_tenant_id(string name, string? tenant, string? refusedSetting)
    {
        var options = new OperatorOptions { ApiKeys = [new ApiKeyOptions { Name = name, Tenant = tenant }] };

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        if (refusedSetting is null)
            Assert.Empty(errors);
        else
            Assert.Contains(errors, e => e.ErrorMessage!.StartsWith(refusedSetting, StringComparison.Ordinal));
    }
}
