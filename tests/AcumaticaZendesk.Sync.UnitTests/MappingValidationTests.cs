using AcumaticaZendesk.Sync.Mapping;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>What an operator reads when a field mapping is refused: which source or target is wrong and what to use.</summary>
public sealed class MappingValidationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_source_or_target_is_required(string? blank)
    {
        Assert.Equal("is required", MappingCatalog.CheckSource(blank, MappingSide.Organization));
        Assert.Equal("is required", MappingCatalog.CheckTarget(blank, MappingSide.User));
    }

    [Theory]
    [InlineData("attribute:")]
    [InlineData("attribute:Sales Region")]
    [InlineData("field:Name;drop")]
    public void An_attribute_or_field_source_must_name_one_after_its_prefix(string source) =>
        Assert.Equal(
            $"'{source}' must name an attribute or field with letters, digits, '_' or '.' after the prefix",
            MappingCatalog.CheckSource(source, MappingSide.Organization));

    [Fact]
    public void An_unknown_source_lists_the_sources_of_its_side_in_order()
    {
        Assert.Equal(
            "unknown mapping source 'region'; use one of accountCode, class, email, name, note, parentAccount, phone, status, website, 'attribute:<ID>' or "
                + "'field:<Name>'",
            MappingCatalog.CheckSource(" region ", MappingSide.Organization));
        Assert.Equal(
            "unknown mapping source 'region'; use one of businessAccount, displayName, email, firstName, key, lastName, note, phone, status, 'attribute:<ID>' "
                + "or 'field:<Name>'",
            MappingCatalog.CheckSource("region", MappingSide.User));
    }

    [Theory]
    [InlineData("tags")]
    [InlineData("notes")]
    [InlineData("details")]
    public void Tags_notes_and_details_are_targets_on_both_sides(string target)
    {
        Assert.Null(MappingCatalog.CheckTarget(target, MappingSide.Organization));
        Assert.Null(MappingCatalog.CheckTarget(target, MappingSide.User));
    }

    [Fact]
    public void A_custom_field_target_needs_its_side_s_prefix_and_a_plain_key()
    {
        Assert.Null(MappingCatalog.CheckTarget("organization_fields.sales_region", MappingSide.Organization));
        Assert.Null(MappingCatalog.CheckTarget("user_fields.badge_2", MappingSide.User));
        Assert.Equal(
            "'organization_fields.sales-region': the field key after 'organization_fields.' must be letters, digits or '_' (max 64)",
            MappingCatalog.CheckTarget("organization_fields.sales-region", MappingSide.Organization));
        Assert.Equal(
            $"'user_fields.{new string('k', 65)}': the field key after 'user_fields.' must be letters, digits or '_' (max 64)",
            MappingCatalog.CheckTarget($"user_fields.{new string('k', 65)}", MappingSide.User));
        Assert.Equal(
            "unknown mapping target 'user_fields.badge'; use 'tags', 'notes', 'details' or 'organization_fields.<key>'",
            MappingCatalog.CheckTarget("user_fields.badge", MappingSide.Organization));
        Assert.Equal(
            "unknown mapping target 'Tags'; use 'tags', 'notes', 'details' or 'user_fields.<key>'",
            MappingCatalog.CheckTarget("Tags", MappingSide.User));
    }
}
